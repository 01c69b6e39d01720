/**
 * Loads the offline tools' TypeScript (`node -r ./stacks/loader/ts.js <file.ts>`, as the npm scripts run them):
 * each file through ./transpile, the repository's one cached transpile, which jest's suites share.
 *
 * It also turns on Node's on-disk compile cache (Node 22.8 and later) under node_modules/.cache/aoai-bcdr-node/:
 * a command loads @pulumi/pulumi, gRPC and the program's modules again on every run, and V8 then reads their
 * compiled code instead of compiling it (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir;
 * about 8 % of a dev plan's CPU). Node keys each entry by the file and checks its content, and the cache never
 * fails a run: it is a speed-up only. NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE, if set, names
 * the directory instead.
 *
 * Plain JavaScript on purpose: it is what loads the TypeScript.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { compiled } = require("./transpile");

Module.enableCompileCache?.(path.resolve(__dirname, "..", "..", "node_modules", ".cache", "aoai-bcdr-node"));

Module._extensions[".ts"] = (module, filename) => {
  module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
};

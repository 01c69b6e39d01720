/**
 * Loads the offline tools' TypeScript (`node -r ./stacks/loader/ts.js <file.ts>`, as the npm scripts run them):
 * each file through ./transpile, the repository's one cached transpile, which jest's suites share.
 *
 * Plain JavaScript on purpose: it is what loads the TypeScript.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const { compiled } = require("./transpile");

Module._extensions[".ts"] = (module, filename) => {
  module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
};

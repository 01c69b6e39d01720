/**
 * Loads the offline tools' TypeScript (`node -r ./stacks/loader/ts.js <file.ts>`, as the npm scripts run them) with
 * each file transpiled once per content: the output of TypeScript's own transpileModule (the tsconfig's
 * options; isolatedModules, so per file, like ts-node --transpile-only and ts-jest) is kept under
 * node_modules/.cache/aoai-bcdr-ts/, keyed by a hash of the source, the tsconfig and the TypeScript version.
 * A warm run loads no compiler and transpiles nothing.
 * `npm run build` stays the type-check.
 *
 * Plain JavaScript on purpose: it is what loads the TypeScript.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");

const root = path.resolve(__dirname, "..", "..");
const cacheDir = path.join(root, "node_modules", ".cache", "aoai-bcdr-ts");
const tsconfigFile = path.join(root, "tsconfig.json");
const salt = [fs.readFileSync(tsconfigFile, "utf8"), require("typescript/package.json").version].join("\0");

let compilerOptions;
function transpile(source, filename) {
  const ts = require("typescript");
  if (!compilerOptions) {
    const { config, error } = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
    compilerOptions = ts.convertCompilerOptionsFromJson(config.compilerOptions, root).options;
  }
  return ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
}

/** Where the transpiled output of `source` is kept. */
function cacheFile(source) {
  const key = crypto.createHash("sha256").update(salt).update("\0").update(source).digest("hex");
  return path.join(cacheDir, `${key}.js`);
}

function compiled(source, filename) {
  const cached = cacheFile(source);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const js = transpile(source, filename);
    fs.mkdirSync(cacheDir, { recursive: true });
    // Write then rename: processes running side by side never read half a file.
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, js);
    fs.renameSync(partial, cached);
    return js;
  }
}

Module._extensions[".ts"] = (module, filename) => {
  module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
};

module.exports = { cacheFile };

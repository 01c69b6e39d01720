/**
 * Before the workers start: every TypeScript file of the repository through the one transpile
 * (stacks/loader/transpile.js), so that its cache is whole. In a fresh clone both workers would otherwise transpile
 * the program side by side, each loading the compiler, and so would the commands and policy servers the suites
 * start before the cache holds their files; here it is done once, while `npm test`'s type-check has the other core.
 * With the cache whole this only reads and hashes the files: no compiler is loaded.
 * https://jestjs.io/docs/configuration#globalsetup-string
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { compiled } = require("../../stacks/loader/transpile");

/** The folders holding the repository's TypeScript (not node_modules, out/ or anything generated). */
const FOLDERS = ["catalog", "docs", "infra", "policies", "stacks", "test"];

function typeScriptFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(e => e.name !== "node_modules")
    .flatMap(e => {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) return typeScriptFiles(file);
      return e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [file] : [];
    });
}

/** Every TypeScript file of the repository, by its real path: jest and Node name a module so, and so the cache. */
function repositoryTypeScript() {
  const root = fs.realpathSync(path.resolve(__dirname, "..", ".."));
  return FOLDERS.flatMap(f => typeScriptFiles(path.join(root, f)));
}

/**
 * Puts `files` through the transpile. A file that does not transpile (work in progress) is left to the suites that
 * load it, which fail with its error as they always have.
 */
function transpileAll(files) {
  for (const file of files) {
    try {
      compiled(fs.readFileSync(file, "utf8"), file);
    } catch {
      // see above
    }
  }
}

module.exports = () => transpileAll(repositoryTypeScript());
module.exports.repositoryTypeScript = repositoryTypeScript;
module.exports.transpileAll = transpileAll;

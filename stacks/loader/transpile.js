/**
 * The repository's one TypeScript transpile: what the commands run (./ts.js) and what jest runs
 * (test/jest/transform.js). Each file is TypeScript's own transpileModule with the tsconfig's options
 * (isolatedModules, so per file, like ts-node --transpile-only), plus an inline source map so that stack traces can
 * name the TypeScript line (jest reads it; so does `node --enable-source-maps`). The output is kept under
 * node_modules/.cache/aoai-bcdr-ts/, keyed by a hash of the file's path and source, the tsconfig, the TypeScript
 * version and this file: a file transpiled by a jest worker is not transpiled again by a command the suite starts, nor the
 * reverse. A warm run loads no compiler and transpiles nothing. `npm run build` stays the type-check.
 *
 * Plain JavaScript on purpose: it is what loads the TypeScript.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
const cacheDir = path.join(root, "node_modules", ".cache", "aoai-bcdr-ts");
const tsconfigFile = path.join(root, "tsconfig.json");
// Everything the output depends on besides the file: the tsconfig, the compiler and how this file calls it.
const salt = [
  fs.readFileSync(tsconfigFile, "utf8"),
  require("typescript/package.json").version,
  fs.readFileSync(__filename, "utf8"),
].join("\0");

let compilerOptions;
function transpile(source, filename) {
  const ts = require("typescript");
  if (!compilerOptions) {
    const { config, error } = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
    const options = ts.convertCompilerOptionsFromJson(config.compilerOptions, root).options;
    compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true };
  }
  const out = ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: true });
  // Per file, only syntax and option errors are reported (the type-check is tsc's): refuse them rather than run
  // what they make.
  if (out.diagnostics.length) throw new SyntaxError(ts.formatDiagnostics(out.diagnostics, formatHost));
  return out.outputText;
}

const formatHost = {
  getCanonicalFileName: f => f,
  getCurrentDirectory: () => root,
  getNewLine: () => "\n",
};

/** Where the transpiled output of `source`, read from `filename`, is kept. */
function cacheFile(source, filename) {
  const key = crypto.createHash("sha256").update(salt).update("\0").update(filename).update("\0").update(source);
  return path.join(cacheDir, `${key.digest("hex")}.js`);
}

/** `source` (the content of `filename`) as JavaScript, transpiled once per content. */
function compiled(source, filename) {
  const cached = cacheFile(source, filename);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const js = transpile(source, filename);
    keep(cached, js);
    return js;
  }
}

/** Keeps `js` as `cached`, if it can: a cache that cannot be written (read-only, full) only costs time. */
function keep(cached, js) {
  // Write then rename: processes running side by side never read half a file. On Windows, a rename onto a file
  // another process has just written can fail with EPERM: that process kept the same output.
  const partial = `${cached}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(partial, js);
    fs.renameSync(partial, cached);
  } catch {
    fs.rmSync(partial, { force: true });
  }
}

module.exports = { cacheFile, compiled };

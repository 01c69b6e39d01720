/**
 * jest's transform for the suites' TypeScript: stacks/loader/transpile.js, the transpile the commands run with, so
 * that the program under test is the same JavaScript a command runs, and a file is transpiled once for both, into
 * one cache. The output carries its source map inline, which jest reads for stack traces
 * (@jest/transform ScriptTransformer: a transform result without `map` is searched for an inline one).
 * Unlike babel-jest and ts-jest it does not hoist jest.mock calls above the imports, so ESLint refuses jest.mock
 * in the suites (eslint.config.mjs).
 * https://jestjs.io/docs/code-transformation#writing-custom-transformers
 */
"use strict";
const path = require("path");
const { cacheFile, compiled } = require("../../stacks/loader/transpile");

module.exports = {
  process: (source, filename) => ({ code: compiled(source, filename) }),
  // The kept file's name is a hash of everything the transpile depends on. jest keeps the instrumented code of a
  // coverage run under this key too, and adds nothing to a transform's own key (ScriptTransformer _getCacheKey).
  getCacheKey: (source, filename, { instrument }) =>
    path.basename(cacheFile(source, filename), ".js") + (instrument ? "-instrumented" : ""),
};

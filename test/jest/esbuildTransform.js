// Jest's TypeScript transform (jest.config.js): esbuild's transform, file by file, transpile-only like the
// isolatedModules transpile it replaces (tsconfig.json has isolatedModules; `npm run build`, tsc, is the
// type-check). esbuild is already a dependency (infra/watchdog/package.ts); it starts in a fraction of the time
// TypeScript's compiler takes to load in every worker, and transforms a file many times faster.
//
// What differs from tsc's CommonJS output, and why it does not matter here:
//   - exports are getters (ES live bindings), not assignable properties: no test replaces a module's export
//     (jest.spyOn is used on console only);
//   - jest.mock calls are not hoisted above imports (ts-jest hoists them), so a suite that calls one is refused
//     here rather than run with the real module;
//   - import() is turned into require() (`dynamic-import: false`), as tsc does for module commonjs: jest runs
//     suites as CommonJS scripts, where a real import() needs --experimental-vm-modules.
// https://esbuild.github.io/content-types/#typescript-caveats
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

const tsconfig = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "tsconfig.json"), "utf8"));
const { target } = tsconfig.compilerOptions;
// The options esbuild reads from a tsconfig (target decides useDefineForClassFields, as it does for tsc).
const tsconfigRaw = {
  compilerOptions: { target, useDefineForClassFields: tsconfig.compilerOptions.useDefineForClassFields },
};
const salt = [esbuild.version, fs.readFileSync(__filename, "utf8"), JSON.stringify(tsconfigRaw)].join("\0");

const HOISTED = /\bjest\s*\.\s*(mock|unmock|enableAutomock|disableAutomock|deepUnmock)\s*\(/;

module.exports = {
  getCacheKey(source, filename, { configString }) {
    return crypto
      .createHash("sha256")
      .update(salt)
      .update("\0")
      .update(filename)
      .update("\0")
      .update(configString)
      .update("\0")
      .update(source)
      .digest("hex");
  },
  process(source, filename) {
    if (HOISTED.test(source))
      throw new Error(
        `${filename}: jest.mock and its kin are not hoisted by this transform (test/jest/esbuildTransform.js)`,
      );
    const { code, map } = esbuild.transformSync(source, {
      loader: "ts",
      format: "cjs",
      target,
      platform: "node",
      supported: { "dynamic-import": false },
      tsconfigRaw,
      sourcefile: filename,
      sourcemap: "external",
      sourcesContent: false,
    });
    return { code, map };
  },
};

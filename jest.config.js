/**
 * Two tiers, one run (`npm test`, or `jest --selectProjects unit|integration`):
 *   - unit: test/*.unit.test.ts, suites that run no Pulumi program, no mock engine, no policy server and no
 *     process of their own (`npm run test:unit`, seconds);
 *   - integration: every other suite, which runs the program, components under the mocks, the policy server or a
 *     command as a process.
 * The tier is in the file name, not a folder, so that suites keep their relative imports. One suite, whatever its
 * tier: `npx jest test/<name>` (`--selectProjects` takes every name after it as a project).
 * Transpile-only (tsconfig has isolatedModules), as the commands transpile; `npm run build` is the type-check.
 * maxWorkers: jest's default is the number of cores minus one, which on a 2-core CI machine runs every suite
 * in a single worker while a core idles; the suites are CPU-bound program runs, so use every core.
 */
// Model retirements are judged as of a fixed date, never the calendar (infra/retirement.ts, planDate):
// workers inherit the environment.
process.env.AOAI_BCDR_TODAY = "2026-11-25";

const UNIT = "\\.unit\\.test\\.ts$";
const tier = {
  // jest's Node environment; in a worker it also ends the process in time (see the file).
  testEnvironment: "<rootDir>/test/jest/environment.js",
  // The commands' transpile (stacks/loader/transpile.js), with its cache: see the file.
  transform: { "^.+\\.ts$": "<rootDir>/test/jest/transform.js" },
  // Loaded on first use, not when @pulumi/pulumi loads: see test/jest/lazyModule.js.
  moduleNameMapper: {
    "^@npmcli/arborist$": "<rootDir>/test/jest/arborist.js",
    "^(\\.\\.?/)+typescript-shim$": "<rootDir>/test/jest/typescriptShim.js",
  },
};

module.exports = {
  projects: [
    { ...tier, displayName: "unit", testMatch: ["<rootDir>/test/**/*.unit.test.ts"] },
    {
      ...tier,
      displayName: "integration",
      // The transpile cache made whole before the workers start (see the file); the unit tier alone does not wait
      // for it.
      globalSetup: "<rootDir>/test/jest/globalSetup.js",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", UNIT],
    },
  ],
  maxWorkers: "100%",
  testTimeout: 60000,
};

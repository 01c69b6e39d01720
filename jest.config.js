/**
 * Transpile-only jest (tsconfig has isolatedModules); `npm run build` is the type-check.
 * maxWorkers: jest's default is the number of cores minus one, which on a 2-core CI machine runs every suite
 * in a single worker while a core idles; the suites are CPU-bound program runs, so use every core.
 */
// Model retirements are judged as of a fixed date, never the calendar (infra/retirement.ts, planDate):
// workers inherit the environment.
process.env.AOAI_BCDR_TODAY = "2026-11-25";

module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  maxWorkers: "100%",
  testTimeout: 60000,
};

/** Transpile-only jest (tsconfig has isolatedModules); `npm run build` is the type-check. */
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testTimeout: 60000,
  // Jest defaults to cores - 1 workers: one on a 2-core machine, where the parent process sits idle.
  maxWorkers: 2,
};

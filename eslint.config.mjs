// ESLint flat config: typescript-eslint's recommended rules, Pulumi's Output rules (typed), the function-length
// limit, and the dependency rules between the repository's folders.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

/*
 * The dependency rules between the folders (README.md, "Layout"; stacks/README.md). A rule names the import
 * specifiers a folder may not use: relative ones climbing into a forbidden folder (`(../)+infra/...`), matched
 * as written, since the rule sees the specifier, not the resolved file. ESLint's own no-restricted-imports: it
 * replaces @typescript-eslint/no-restricted-imports (deprecated since typescript-eslint 8.64) and honours
 * `allowTypeImports` on TypeScript's `import type` and `import x = require()`.
 */
/** `(../)+<folder>/...`: a relative specifier reaching into one of `folders` at the repository root. */
const into = (...folders) => `^(\\.\\./)+(${folders.join("|")})(/|$)`;
/** A relative specifier climbing to a sibling folder of stacks/ (`../engine`, `../../stacks/engine`). */
const STACKS = "^(\\.\\./)+(stacks/)?";
const NO_TEST = { regex: into("test"), message: "Only tests import test/ (its helpers drive the program under jest)." };
/** The patterns a folder may not import, with the test/ rule every folder outside test/ shares. */
const forbid = (files, ...patterns) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [...patterns, NO_TEST] }] },
});

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "policies/bin/", "policies/index.js", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { pulumi },
    rules: {
      // An Output in a template literal prints "Calling [toString] on an Output<T> is not supported".
      "pulumi/no-output-in-template-literal": "error",
      "pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  {
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: false, skipComments: false, IIFEs: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        __filename: "readonly",
        console: "readonly",
        setInterval: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  { ...forbid(["**/*.{ts,mts,cts,js,mjs,cjs}"]), ignores: ["test/**"] },
  forbid(["catalog/**"], {
    regex: "^(?!\\./)",
    message: "catalog/ is dependency-free: it imports its own modules (./...) and nothing else, packages included.",
  }),
  forbid(["infra/**"], {
    regex: into("stacks", "policies"),
    message: "The program does not depend on the offline tools or the policy pack.",
  }),
  forbid(["policies/**"], {
    regex: into("infra", "stacks"),
    message: "The pack judges what the engine receives, not the program's code; shared data is in catalog/.",
  }),
  forbid(["stacks/engine/**"], {
    regex: `${STACKS}(cli/(?!errors$)|(policyServer|drill|bench)(/|$))`,
    message: "The engine runs the program: of stacks/ it imports cli/errors only.",
  }),
  forbid(
    ["stacks/policyServer/**"],
    {
      regex: `${STACKS}(cli/(?!errors$)|(drill|bench)(/|$))`,
      message: "The policy server driver: of stacks/ it imports cli/errors and the engine's types only.",
    },
    { regex: `${STACKS}engine(/|$)`, allowTypeImports: true, message: "The engine's types only." },
  ),
  forbid(["stacks/cli/**"], {
    regex: `${STACKS}(drill|bench)(/|$)`,
    message: "The commands do not depend on the drill or the bench, which build on them.",
  }),
  forbid(
    ["stacks/drill/**"],
    {
      regex: into("infra"),
      allowTypeImports: true,
      message: "The drill reads a plan file, not the program: infra/ types only.",
    },
    {
      regex: `${STACKS}(engine|policyServer)(/|$)`,
      message: "The drill reads a plan file: it neither runs the engine nor drives the policy server.",
    },
  ),
  {
    // Tests hold tables of cases: their length is data, not logic.
    files: ["test/**/*.ts"],
    rules: {
      "max-lines-per-function": "off",
      // The suites' transform is the commands' transpile (test/jest/transform.js), which, unlike babel-jest or
      // ts-jest, does not hoist jest.mock above the imports: a mock would silently not apply.
      "no-restricted-properties": [
        "error",
        ...["mock", "doMock", "unstable_mockModule"].map(property => ({
          object: "jest",
          property,
          message: "jest.mock is not hoisted by this repository's transform: pass the dependency in instead.",
        })),
      ],
    },
  },
  prettier,
);

/**
 * The dependency rules between the folders (eslint.config.mjs, stacks/README.md), and the suites' ban on
 * jest.mock, catch what they forbid: each case lints one line, as if written in a file of the folder, with
 * ESLint's Node API and the repository's config (untyped rules only: the probe files exist in no tsconfig, so
 * typed rules cannot run on them).
 * In a child process: the config is an ES module, which jest's module registry cannot import.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const root = path.resolve(__dirname, "..");

/** [file the import is written in, the import, whether the folder's rule refuses it] */
const CASES: [string, string, boolean][] = [
  ["catalog/probe.ts", 'import { PROJECT } from "../infra/config";', true],
  ["catalog/probe.ts", 'import * as fs from "fs";', true],
  ["catalog/probe.ts", 'import { parse } from "yaml";', true],
  ["catalog/probe.ts", 'import type { DeploymentSku } from "./models";', false],
  ["infra/probe.ts", 'import { runProgram } from "../stacks/engine/runner";', true],
  ["infra/gateway/probe.ts", 'import type { Plan } from "../../stacks/cli/plan";', true],
  ["infra/probe.ts", 'import { modelDeployments } from "../policies/lib/openai";', true],
  ["infra/probe.ts", 'import runner = require("../stacks/engine/runner");', true],
  ["infra/probe.ts", 'export { runStack } from "../test/support";', true],
  ["infra/probe.ts", 'import { STANDARD_SKUS } from "../catalog/models";', false],
  ["policies/rules/probe.ts", 'import { PROJECT } from "../../infra/config";', true],
  ["policies/rules/probe.ts", 'import type { PlannedResource } from "../../stacks/engine/runner";', true],
  ["policies/rules/probe.ts", 'import { runStack } from "../../test/support";', true],
  ["policies/rules/probe.ts", 'import { STANDARD_SKUS } from "../../catalog/models";', false],
  ["policies/rules/probe.ts", 'import { decide } from "../lib/links";', false],
  ["stacks/engine/probe.ts", 'import { planCli } from "../cli/plan";', true],
  ["stacks/engine/refusals/probe.ts", 'import { sharedEvaluator } from "../../policyServer/evaluate";', true],
  ["stacks/engine/probe.ts", 'import { benchDrill } from "../drill/bench";', true],
  ["stacks/engine/probe.ts", 'import { UsageError } from "../cli/errors";', false],
  ["stacks/engine/probe.ts", 'import { PROJECT } from "../../infra/config";', false],
  ["stacks/policyServer/probe.ts", 'import { runProgram } from "../engine/runner";', true],
  ["stacks/policyServer/probe.ts", 'import type { PlannedResource } from "../engine/runner";', false],
  ["stacks/policyServer/probe.ts", 'import { EXIT } from "../cli/cli";', true],
  ["stacks/policyServer/probe.ts", 'import { readUserFile } from "../cli/errors";', false],
  ["stacks/cli/probe.ts", 'import { readPlan } from "../drill/readPlan";', true],
  ["stacks/cli/probe.ts", 'import { benchCli } from "../bench/cli";', true],
  ["stacks/drill/probe.ts", 'import { PROJECT } from "../../infra/config";', true],
  ["stacks/drill/probe.ts", 'import type { ProgramOptions } from "../../infra/quota";', false],
  ["stacks/drill/probe.ts", 'import { runProgram } from "../engine/runner";', true],
  ["stacks/drill/probe.ts", 'import type { ProgramRun } from "../engine/runner";', true],
  ["stacks/drill/probe.ts", 'import { AzureRefusal } from "../engine/refusals/refusal";', true],
  ["stacks/drill/probe.ts", 'import { sharedEvaluator } from "../policyServer/evaluate";', true],
  ["stacks/drill/probe.ts", 'import { runStack } from "../../test/support";', true],
  ["stacks/drill/probe.ts", 'import { checkOutDir } from "../cli/outDir";', false],
  ["stacks/cli/probe.ts", 'import { runStack } from "../../test/support";', true],
  ["stacks/cli/probe.ts", 'import { runProgram } from "../engine/runner";', false],
  ["test/probe.test.ts", 'import { runStack } from "./support";', false],
  // Not a dependency rule: the suites' transform does not hoist jest.mock (test/jest/transform.js).
  ["test/probe.test.ts", 'jest.mock("./support");', true],
  ["test/probe.test.ts", 'jest.spyOn(console, "log");', false],
];

/** The rules these cases exercise. */
const RULES = ["no-restricted-imports", "no-restricted-properties"];

/** Lints every case in one child process; returns, per case, the rules that reported and their messages. */
function lintCases(): { ruleId: string | null; message: string }[][] {
  const script = `
    const { ESLint } = require("eslint");
    const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const eslint = new ESLint({
      cwd: process.cwd(),
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
      ruleFilter: ({ ruleId }) => ${JSON.stringify(RULES)}.includes(ruleId),
    });
    (async () => {
      const out = [];
      for (const [file, text] of cases) {
        const [result] = await eslint.lintText(text + "\\n", { filePath: require("path").resolve(file) });
        out.push(result.messages.map(m => ({ ruleId: m.ruleId, message: m.message })));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: root, input: JSON.stringify(CASES), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`eslint exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("the dependency rules", () => {
  const results = lintCases();

  test.each(CASES.map((c, i) => [...c, i] as const))("%s: %s (refused: %s)", (_file, _text, refused, i) => {
    const messages = results[i];
    // A parse error (ruleId null) would hide the rule: every message must be the rule's.
    expect(messages.filter(m => !RULES.includes(m.ruleId ?? ""))).toEqual([]);
    expect(messages.length).toBe(refused ? 1 : 0);
  });
});

/**
 * Evaluates the policy pack on a saved plan through the real policy server (stacks/policyServer), as
 * `pulumi preview` and `pulumi up --policy-pack policies` would, and prints every violation with the phase it
 * was found in, and warnings for config entries the CLI would silently ignore (unknown policy names, settings). Without --policy-config the plan's stack's own config applies
 * (policies/policy-config.<stack>.json), else the pack's defaults, and the output says which.
 *
 * Usage and exit codes: POLICY.usage below, and the README's "Command line" section.
 */
import {
  Command,
  EXIT,
  Output,
  UsageError,
  countResources,
  formatCount,
  main,
  parseCommand,
  resolvePolicyConfig,
  runCommand,
} from "./cli";
import { readUserFile } from "./errors";
import type * as Evaluate from "../policyServer/evaluate";
import type { PlannedStack, Violation } from "../policyServer/evaluate";

/** The policy server's client loads when a plan is evaluated: a refused flag or file is answered without gRPC. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
const evaluation = (): typeof Evaluate => require("../policyServer/evaluate");

export { UsageError };

export const POLICY: Command = {
  name: "policy",
  usage: [
    "usage: npm run policy -- path/to/plan.json [--policy-config <file>]",
    "  path/to/plan.json       a plan written by npm run plan",
    "  --policy-config <file>  the policy pack's config (default: policies/policy-config.<the plan's stack>.json, else the pack's defaults)",
    "  -h, --help              this text",
    "exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 a refused flag or file, 3 internal error",
  ].join("\n"),
};

export interface PolicyOptions {
  plan: string;
  policyConfig?: string;
}

export function parsePolicyArgs(argv: readonly string[]): PolicyOptions {
  const { values, positionals } = parseCommand(POLICY, argv, { "policy-config": { type: "string" } }, true);
  if (positionals.length !== 1)
    throw new UsageError(
      `${positionals.length === 0 ? "no plan given" : `one plan at a time, not ${positionals.length}`}\n${POLICY.usage}`,
    );
  return { plan: positionals[0], policyConfig: values["policy-config"] };
}

/** A plan.json as `npm run plan` writes it: what the pack evaluates. */
export type SavedPlan = PlannedStack;

/** Reads a plan.json written by `npm run plan`, checking the fields the pack reads. */
export function readPlan(file: string): SavedPlan {
  const text = readUserFile(file, m => new UsageError(m));
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
  }
  const problem = planProblem(plan);
  if (problem) throw new UsageError(`${file}: not a plan written by \`npm run plan\`: ${problem}`);
  return plan as SavedPlan;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function planProblem(plan: unknown): string | undefined {
  if (!isObject(plan)) return "the top level must be an object";
  if (typeof plan.project !== "string") return "'project' must be a string";
  if (typeof plan.stack !== "string") return "'stack' must be a string";
  if (!Array.isArray(plan.resources)) return "'resources' must be an array";
  for (const [i, r] of plan.resources.entries()) {
    if (!isObject(r)) return `resources[${i}] must be an object`;
    for (const key of ["urn", "type", "name"])
      if (typeof r[key] !== "string") return `resources[${i}].${key} must be a string`;
    for (const key of ["inputs", "outputs", "propertyDependencies"])
      if (!isObject(r[key])) return `resources[${i}].${key} must be an object`;
    if (r.dependsOn !== undefined && !(Array.isArray(r.dependsOn) && r.dependsOn.every(d => typeof d === "string")))
      return `resources[${i}].dependsOn must be a list of URNs`;
  }
  return undefined;
}

export function formatViolations(plan: SavedPlan, violations: readonly Violation[], policySource?: string): string {
  const mandatory = violations.filter(v => v.enforcementLevel === "mandatory").length;
  return [
    `${plan.project ?? "(project)"}/${plan.stack}: ${formatCount(countResources(plan.resources))}, ${violations.length} violation(s), ${mandatory} mandatory` +
      `${policySource ? ` (policy config: ${policySource})` : ""}`,
    ...violations.map(evaluation().formatViolation),
  ].join("\n");
}

export function policyCli(argv: readonly string[], out: Output = console): Promise<number> {
  return runCommand(
    POLICY,
    async () => {
      const opts = parsePolicyArgs(argv);
      const plan = readPlan(opts.plan);
      const policy = resolvePolicyConfig(plan.stack, opts.policyConfig);
      const evaluator = await evaluation().sharedEvaluator();
      evaluator.warnings(policy.config).forEach(w => out.error(`policy: warning: ${policy.source}: ${w}`));
      const violations = await evaluator.evaluate(plan, policy.config);
      out.log(formatViolations(plan, violations, policy.source));
      return violations.some(v => v.enforcementLevel === "mandatory") ? EXIT.violation : EXIT.ok;
    },
    out,
  );
}

if (require.main === module) main(policyCli);

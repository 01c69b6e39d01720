/**
 * Evaluates the policy pack on a saved plan through the real policy server, as `pulumi preview` and
 * `pulumi up --policy-pack policies` would (stacks/policyServer):
 *
 *   npm run policy -- path/to/plan.json [--policy-config path/to/policy-config.json]
 *
 * Without --policy-config the plan's stack's own config applies (policies/policy-config.<stack>.json),
 * if it has one. Prints every violation with the phase it was found in, and warns about config entries the
 * CLI would silently ignore (unknown policy names and settings).
 *
 * Exit codes: 0 no mandatory violation, 1 mandatory violation, 2 usage, file or policy config error.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import type { PlannedResource } from "./runner";
import { PolicyConfig, PolicyConfigError, readPolicyConfig } from "./policyServer/config";
import { Violation, policyConfigFile, sharedEvaluator } from "./policyServer/evaluate";

export interface PolicyOptions {
  plan: string;
  policyConfig?: string;
}

/** A mistake a user can fix (flags, a missing or malformed file): printed without a stack trace. */
export class UsageError extends Error {}

const USAGE = "usage: npm run policy -- path/to/plan.json [--policy-config path/to/policy-config.json]";

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { "policy-config": { type: "string" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
}

export function parsePolicyArgs(argv: string[]): PolicyOptions {
  const { values, positionals } = parseFlags(argv);
  if (positionals.length !== 1) throw new UsageError(USAGE);
  return { plan: positionals[0], policyConfig: values["policy-config"] };
}

export interface SavedPlan {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs?: Record<string, unknown>;
}

/** Reads a plan.json written by `npm run plan`, checking the fields the pack reads. */
export function readPlan(file: string): SavedPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
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
    for (const key of ["urn", "type", "name"]) if (typeof r[key] !== "string") return `resources[${i}].${key} must be a string`;
    for (const key of ["inputs", "outputs", "propertyDependencies"]) if (!isObject(r[key])) return `resources[${i}].${key} must be an object`;
    if (r.dependsOn !== undefined && !(Array.isArray(r.dependsOn) && r.dependsOn.every(d => typeof d === "string"))) return `resources[${i}].dependsOn must be a list of URNs`;
  }
  return undefined;
}

export function formatViolations(plan: SavedPlan, violations: readonly Violation[]): string {
  const mandatory = violations.filter(v => v.enforcementLevel === "mandatory").length;
  return [
    `${plan.project}/${plan.stack}: ${plan.resources.length} resources, ${violations.length} violation(s), ${mandatory} mandatory`,
    ...violations.map(v => `  [${v.enforcementLevel}] ${v.policy} (${v.phase}): ${v.message.replace(/\n/g, " ")}${v.urn ? `\n      at ${v.urn}` : ""}`),
  ].join("\n");
}

export interface Output {
  log(text: string): void;
  error(text: string): void;
}

export async function policyCli(argv: string[], out: Output = console): Promise<number> {
  try {
    const opts = parsePolicyArgs(argv);
    const plan = readPlan(opts.plan);
    const configFile = opts.policyConfig ?? policyConfigFile(plan.stack);
    const config: PolicyConfig = opts.policyConfig !== undefined || fs.existsSync(configFile) ? readPolicyConfig(configFile) : new Map();
    const evaluator = await sharedEvaluator();
    evaluator.warnings(config).forEach(w => out.error(`policy: warning: ${configFile}: ${w}`));
    const violations = await evaluator.evaluate(plan, config);
    out.log(formatViolations(plan, violations));
    return violations.some(v => v.enforcementLevel === "mandatory") ? 1 : 0;
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof PolicyConfigError)) throw e;
    out.error(`policy: ${e.message}`);
    return 2;
  }
}

if (require.main === module) {
  policyCli(process.argv.slice(2)).then(code => process.exit(code), e => { console.error(e); process.exit(3); });
}

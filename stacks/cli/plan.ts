/**
 * The offline plan: runs the real program for one stack against the mock engine and writes
 *   <out>/plan.json        resources, outputs and policy violations (secrets redacted)
 *   <out>/apim/*.xml       every generated API Management policy document
 *   <out>/topology.txt     the topology at a glance; topology.mmd, the same as a Mermaid flowchart
 *
 * Usage and exit codes: PLAN.usage below, and the README's "Command line" section.
 */
import * as path from "path";
import {
  Command,
  EXIT,
  Output,
  ResolvedPolicyConfig,
  UsageError,
  countResources,
  formatCount,
  main,
  parseCommand,
  resolvePolicyConfig,
  runCommand,
} from "./cli";
import type * as Evaluate from "../policyServer/evaluate";
import type { Violation } from "../policyServer/evaluate";
import type { StackOutputs } from "../../infra/outputs";
import { capacityAfterRegionLoss, renderCapacity } from "./capacity";
import { renderMermaid, renderText } from "./diagram";
import { OutputFile, checkOutDir, writeOutDir } from "./outDir";
import type * as Runner from "../engine/runner";
import type { PlannedResource, ProgramRun } from "../engine/runner";
import { stackFile } from "./stackFile";

/*
 * The engine and the policy server's client load when a plan is made, not with this module: a command that ends
 * before (`--help`, a refused flag or out directory) answers without loading @pulumi/pulumi or gRPC.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
const engine = (): typeof Runner => require("../engine/runner");
const evaluation = (): typeof Evaluate => require("../policyServer/evaluate");
/* eslint-enable @typescript-eslint/no-require-imports */

export const PLAN: Command = {
  name: "plan",
  usage: [
    "usage: npm run plan -- [--stack <name>] [--config <path/to/Pulumi.<name>.yaml>] [--out <dir>] [--policy-config <file>]",
    "  --stack <name>          the stack to plan (default: the <name> of --config's file name, else dev)",
    "  --config <file>         its stack file (default: Pulumi.<stack>.yaml at the repository root)",
    "  --out <dir>             where to write (default: out/<stack>); a new or empty directory, or one an earlier plan wrote",
    "  --policy-config <file>  the policy pack's config (default: policies/policy-config.<stack>.json, else the pack's defaults)",
    "  -h, --help              this text",
    "exit codes: 0 planned, 1 a mandatory policy violation or a request Azure would refuse, 2 a refused flag, config, file or out directory (nothing written), 3 internal error",
  ].join("\n"),
};

/** A policy diagnostic from the real policy server, with the phase (inputs, preview, update) it was found in. */
export type { Violation } from "../policyServer/evaluate";

export interface Plan extends ProgramRun {
  violations: Violation[];
}

export interface PlanOptions {
  stack: string;
  /** The stack file. */
  config: string;
  out: string;
  /** An explicit policy pack config file. */
  policyConfig?: string;
}

/** API Management policy documents: every `*Policy` resource of the apimanagement module. */
export function policyDocuments(resources: readonly PlannedResource[]): { file: string; xml: string }[] {
  return resources
    .filter(
      r =>
        r.type.startsWith("azure-native:apimanagement:") &&
        r.type.endsWith("Policy") &&
        typeof r.inputs.value === "string",
    )
    .map(r => ({ file: `${r.name}.xml`, xml: r.inputs.value as string }));
}

/** Runs the program offline (live quota refused) and evaluates the pack with the stack's policy config. */
export async function makePlan(opts: { stack: string; config: string; policy?: ResolvedPolicyConfig }): Promise<Plan> {
  const { loadStackConfig, offlineUsages, runProgram } = engine();
  const config = loadStackConfig(opts.config);
  const policy = opts.policy ?? resolvePolicyConfig(opts.stack);
  // The policy server starts in its own process while the program runs in this one.
  const [run, evaluator] = await Promise.all([
    runProgram({ stack: opts.stack, config, usagesClient: offlineUsages }),
    evaluation().sharedEvaluator(),
  ]);
  return { ...run, violations: await evaluator.evaluate(run, policy.config) };
}

/** The files of a plan, paths relative to the out directory. */
export function planFiles(plan: Plan): OutputFile[] {
  const outputs = plan.outputs as unknown as StackOutputs;
  return [
    { path: "plan.json", text: JSON.stringify(plan, null, 2) + "\n" },
    ...policyDocuments(plan.resources).map(doc => ({ path: `apim/${doc.file}`, text: doc.xml })),
    { path: "topology.txt", text: renderText(plan.project, plan.stack, outputs) },
    { path: "topology.mmd", text: renderMermaid(outputs) },
  ];
}

/** Writes the plan into `out`, replacing only what an earlier plan wrote there. */
export function writePlan(plan: Plan, out: string): string[] {
  return writeOutDir(out, PLAN.name, planFiles(plan));
}

/** One line per application: what its clients set (the stack output `clients`, docs/clients.md). */
export function renderClients(outputs: StackOutputs): string {
  const clients = Object.entries(outputs.clients ?? {});
  if (clients.length === 0) return "client settings: no application yet";
  return [
    "client settings (stack output clients; docs/clients.md):",
    ...clients.map(
      ([app, c]) =>
        `  ${app}: ${c.callerAuth}, timeout ${c.timeoutSeconds} s (gateway waits up to ${c.gatewayWaitSeconds} s), ` +
        `maxRetries ${c.maxRetries}, up to ${c.callBudgetSeconds} s per call; api-version ${c.apiVersion} or ${c.baseUrl}`,
    ),
  ].join("\n");
}

export function summary(plan: Plan, files: readonly string[], policySource: string): string {
  const byType = new Map<string, number>();
  for (const r of plan.resources.filter(r => r.custom && !r.type.startsWith("pulumi:providers:")))
    byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const outputs = plan.outputs as unknown as StackOutputs;
  const mandatory = plan.violations.filter(v => v.enforcementLevel === "mandatory");
  const retirements = (plan.outputs.modelRetirements ?? []) as { message: string }[];
  const declaredOffers = (plan.outputs.declaredOffers ?? []) as string[];
  const apim = files.filter(f => f.includes(`${path.sep}apim${path.sep}`));
  return [
    `${plan.project}/${plan.stack}: ${formatCount(countResources(plan.resources))}, ` +
      `${Object.keys(outputs.accounts ?? {}).length} OpenAI accounts, ${Object.keys(outputs.chains ?? {}).length} failover chains`,
    ...[...byType.entries()].sort().map(([t, n]) => `  ${String(n).padStart(3)}  ${t}`),
    `policy (config: ${policySource}): ${plan.violations.length} violation(s), ${mandatory.length} mandatory`,
    ...plan.violations.map(evaluation().formatViolation),
    ...retirements.map(r => `warning: ${r.message}`),
    ...declaredOffers.map(w => `warning: ${w}`),
    renderCapacity(capacityAfterRegionLoss(outputs)),
    renderClients(outputs),
    `wrote ${files.length} files: ${files.filter(f => !apim.includes(f)).join(", ")}${apim.length ? ` and ${apim.length} APIM policies` : ""}`,
  ].join("\n");
}

/** `Pulumi.<name>.yaml` -> `<name>`. */
export function stackOfFile(file: string): string {
  const name = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
  if (!name)
    throw new UsageError(
      `--config ${file}: cannot tell the stack from the file name; name it Pulumi.<stack>.yaml or give --stack <name>`,
    );
  return name;
}

/** Pulumi's stack names: letters, digits, hyphens, underscores and periods. */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function parsePlanArgs(argv: readonly string[]): PlanOptions {
  const { values } = parseCommand(PLAN, argv, {
    stack: { type: "string" },
    config: { type: "string" },
    out: { type: "string" },
    "policy-config": { type: "string" },
  });
  const stack = values.stack ?? (values.config !== undefined ? stackOfFile(values.config) : "dev");
  if (!STACK_NAME.test(stack))
    throw new UsageError(`--stack '${stack}': a stack name has letters, digits, hyphens, underscores and periods`);
  return {
    stack,
    config: values.config ?? stackFile(stack),
    out: values.out ?? path.join("out", stack),
    ...(values["policy-config"] !== undefined ? { policyConfig: values["policy-config"] } : {}),
  };
}

export function planCli(argv: readonly string[], out: Output = console): Promise<number> {
  return runCommand(
    PLAN,
    async () => {
      const opts = parsePlanArgs(argv);
      checkOutDir(opts.out, PLAN.name);
      const policy = resolvePolicyConfig(opts.stack, opts.policyConfig);
      const plan = await makePlan({ ...opts, policy });
      (await evaluation().sharedEvaluator())
        .warnings(policy.config)
        .forEach(w => out.error(`${PLAN.name}: warning: ${policy.source}: ${w}`));
      out.log(summary(plan, writePlan(plan, opts.out), policy.source));
      return plan.violations.some(v => v.enforcementLevel === "mandatory") ? EXIT.violation : EXIT.ok;
    },
    out,
  );
}

if (require.main === module) main(planCli);

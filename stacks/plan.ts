/**
 * The offline plan: runs the real program for one stack against the mock engine and writes
 *   <out>/plan.json        resources, outputs and policy violations (secrets redacted)
 *   <out>/apim/*.xml       every generated API Management policy document
 *   <out>/topology.txt     the topology at a glance; topology.mmd, the same as a Mermaid flowchart
 *
 *   npm run plan -- [--stack dev|prod] [--config path/to/Pulumi.<name>.yaml] [--out dir]
 *
 * Exit codes: 0 ok, 1 mandatory policy violation, 2 config or usage error.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import * as pulumi from "@pulumi/pulumi";
import { PolicyConfigError } from "./policyServer/config";
import { Violation, evaluateStack } from "./policyServer/evaluate";
import { TopologyOutputs, renderMermaid, renderText } from "./diagram";
import { PlannedResource, ProgramRun, StackFileError, loadStackConfig, runProgram, stackFile } from "./runner";

/** A policy diagnostic from the real policy server, with the phase (inputs, preview, update) it was found in. */
export type { Violation } from "./policyServer/evaluate";

export interface Plan extends ProgramRun {
  violations: Violation[];
}

export interface PlanOptions {
  stack: string;
  config: string;
  out: string;
}

/** API Management policy documents: every `*Policy` resource of the apimanagement module. */
export function policyDocuments(resources: readonly PlannedResource[]): { file: string; xml: string }[] {
  return resources
    .filter(r => r.type.startsWith("azure-native:apimanagement:") && r.type.endsWith("Policy") && typeof r.inputs.value === "string")
    .map(r => ({ file: `${r.name}.xml`, xml: r.inputs.value as string }));
}

export async function makePlan(opts: Omit<PlanOptions, "out">): Promise<Plan> {
  const run = await runProgram({ stack: opts.stack, config: loadStackConfig(opts.config) });
  return { ...run, violations: await evaluateStack(run) };
}

export function writePlan(plan: Plan, out: string): string[] {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, "apim"), { recursive: true });
  const written: string[] = [];
  const write = (rel: string, text: string) => {
    fs.writeFileSync(path.join(out, rel), text);
    written.push(path.join(out, rel));
  };
  write("plan.json", JSON.stringify(plan, null, 2) + "\n");
  for (const doc of policyDocuments(plan.resources)) write(path.join("apim", doc.file), doc.xml);
  const outputs = plan.outputs as unknown as TopologyOutputs;
  write("topology.txt", renderText(plan.project, plan.stack, outputs));
  write("topology.mmd", renderMermaid(outputs));
  return written;
}

export function summary(plan: Plan, files: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of plan.resources.filter(r => r.custom)) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const outputs = plan.outputs as unknown as TopologyOutputs;
  const mandatory = plan.violations.filter(v => v.enforcementLevel === "mandatory");
  return [
    `${plan.project}/${plan.stack}: ${plan.resources.filter(r => r.custom).length} resources, ` +
      `${Object.keys(outputs.accounts ?? {}).length} OpenAI accounts, ${Object.keys(outputs.chains ?? {}).length} failover chains`,
    ...[...counts.entries()].sort().map(([t, n]) => `  ${String(n).padStart(3)}  ${t}`),
    `policy: ${plan.violations.length} violation(s), ${mandatory.length} mandatory`,
    ...plan.violations.map(v => `  [${v.enforcementLevel}] ${v.policy}: ${v.message.replace(/\n/g, " ")}${v.urn ? `\n      at ${v.urn}` : ""}`),
    `wrote ${files.length} files: ${files.filter(f => !f.includes(`${path.sep}apim${path.sep}`)).join(", ")}` +
      `${files.some(f => f.includes(`${path.sep}apim${path.sep}`)) ? ` and ${files.filter(f => f.includes(`${path.sep}apim${path.sep}`)).length} APIM policies` : ""}`,
  ].join("\n");
}

export function parsePlanArgs(argv: string[]): PlanOptions {
  const { values } = parseArgs({
    args: argv,
    options: { stack: { type: "string", default: "dev" }, config: { type: "string" }, out: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const stack = values.stack!;
  return {
    stack,
    config: values.config ?? stackFile(stack),
    out: values.out ?? path.join("out", stack),
  };
}

/** Errors a user can fix (bad flags, a broken stack file, a refused config) print without a stack trace. */
export function isUserError(e: unknown): e is Error {
  return e instanceof StackFileError || e instanceof pulumi.RunError || e instanceof PolicyConfigError
    || (e instanceof Error && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true);
}

async function cli(): Promise<number> {
  try {
    const opts = parsePlanArgs(process.argv.slice(2));
    const plan = await makePlan(opts);
    console.log(summary(plan, writePlan(plan, opts.out)));
    return plan.violations.some(v => v.enforcementLevel === "mandatory") ? 1 : 0;
  } catch (e) {
    if (!isUserError(e)) throw e;
    console.error(`plan: ${e.message}`);
    return 2;
  }
}

if (require.main === module) {
  cli().then(code => process.exit(code), e => { console.error(e); process.exit(3); });
}

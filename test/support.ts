/**
 * Test helpers: run the real program for a stack file (optionally edited) under the Azure mocks.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../infra/config";
import type { ModelsClient } from "../infra/availability";
import { UsagesClient } from "../infra/quota";
import { PlannedResource, ProgramRun, StackConfig, runProgram, stackFile } from "../stacks/runner";

/** The `aoai-bcdr:*` values of a stack file as plain objects, keyed without the namespace. */
export function stackValues(stack: string): Record<string, any> {
  const doc = parseYaml(fs.readFileSync(stackFile(stack), "utf8")) as { config: Record<string, unknown> };
  const values: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc.config)) {
    if (k.startsWith(`${PROJECT}:`)) values[k.slice(PROJECT.length + 1)] = v;
  }
  return structuredClone(values);
}

/** Serializes edited values the way the Pulumi CLI hands them to the program. */
export function toStackConfig(values: Record<string, unknown>): StackConfig {
  return {
    values: Object.fromEntries(Object.entries(values).map(([k, v]) =>
      [`${PROJECT}:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
    secretKeys: [],
  };
}

export interface RunStackOptions {
  /** The stack name the program sees (default: the stack file's). */
  stack?: string;
  /** Edits the stack's values before the run. */
  edit?: (values: Record<string, any>) => void;
  usagesClient?: UsagesClient;
  /** Answers the models API (default: the mock engine's, from the model matrix). */
  modelsClient?: ModelsClient;
  /** Receives every registration, also when the run fails. */
  record?: PlannedResource[];
}

export async function runStack(stack: string, opts: RunStackOptions = {}): Promise<ProgramRun> {
  const values = stackValues(stack);
  opts.edit?.(values);
  return runProgram({ stack: opts.stack ?? stack, config: toStackConfig(values), usagesClient: opts.usagesClient, modelsClient: opts.modelsClient, record: opts.record });
}

export function ofType(run: ProgramRun, type: string): PlannedResource[] {
  return run.resources.filter(r => r.type === type);
}

/** Whether an azure-native type takes ARM tags (a key/value map), read from the SDK's own type declarations. */
export function takesArmTags(type: string): boolean {
  const [pkg, module, name] = type.split(":");
  if (pkg !== "azure-native") return false;
  const dir = path.dirname(require.resolve(`@pulumi/azure-native/${module}/index.js`));
  // File names camel-case the type, acronyms included (AFDOriginGroup -> afdOriginGroup.d.ts).
  const file = fs.readdirSync(dir).find(f => f.toLowerCase() === `${name.toLowerCase()}.d.ts`)!;
  const args = fs.readFileSync(path.join(dir, file), "utf8").split(/export interface \w+Args \{/)[1] ?? "";
  return /\n    tags\?: pulumi\.Input<\{/.test(args);
}

export const T = {
  account: "azure-native:cognitiveservices:Account",
  deployment: "azure-native:cognitiveservices:Deployment",
  resourceGroup: "azure-native:resources:ResourceGroup",
} as const;

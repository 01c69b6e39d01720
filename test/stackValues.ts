/**
 * A stack file's values, as the program reads them. Loads no Pulumi runtime (the unit tier's suites use it).
 */
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { ConfigError, PROJECT, ParseOptions, parseConfig, validateStack } from "../infra/config";
import type { StackConfig } from "../stacks/engine/runner";
import { stackFile } from "../stacks/cli/stackFile";
import type { Loose } from "./loose";

/** Each stack file's values as last read, by its text: suites ask for the same file hundreds of times. */
const read = new Map<string, { text: string; values: Loose }>();

/** The `aoai-bcdr:*` values of a stack file as plain objects, keyed without the namespace: a copy of its own. */
export function stackValues(stack: string): Loose {
  const file = stackFile(stack);
  const text = fs.readFileSync(file, "utf8");
  let kept = read.get(file);
  if (kept?.text !== text) {
    const doc = parseYaml(text) as { config: Record<string, unknown> };
    const values: Loose = {};
    for (const [k, v] of Object.entries(doc.config)) {
      if (k.startsWith(`${PROJECT}:`)) values[k.slice(PROJECT.length + 1)] = v;
    }
    read.set(file, (kept = { text, values }));
  }
  return structuredClone(kept.values);
}

/** Serializes edited values the way the Pulumi CLI hands them to the program. */
export function toStackConfig(values: Record<string, unknown>): StackConfig {
  return {
    values: Object.fromEntries(
      Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
    secretKeys: [],
  };
}

/** A refused config's problems as `<key>: <message>` lines; any other error is rethrown. */
function refusalLines(e: unknown): string[] {
  if (!(e instanceof ConfigError)) throw e;
  return e.issues.map(i => `${i.key}: ${i.message}`);
}

/** What parseConfig refuses of `stack`'s values after `edit` (none: an empty list). */
export function configRefusals(stack: string, edit: (v: Loose) => void, options: ParseOptions = {}): string[] {
  const values = stackValues(stack);
  edit(values);
  try {
    parseConfig(values, [], options);
    return [];
  } catch (e) {
    return refusalLines(e);
  }
}

/** What the whole stack check refuses (quota, failover timing and Azure's limits too). */
export async function stackRefusals(stack: string, edit: (v: Loose) => void): Promise<string[]> {
  const values = stackValues(stack);
  edit(values);
  try {
    await validateStack(values);
    return [];
  } catch (e) {
    return refusalLines(e);
  }
}

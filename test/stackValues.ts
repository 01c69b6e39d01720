/**
 * A stack file's values, as the program reads them. Loads no Pulumi runtime (the unit tier's suites use it).
 */
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../infra/config";
import type { StackConfig } from "../stacks/engine/runner";
import { stackFile } from "../stacks/cli/stackFile";
import type { Loose } from "./loose";

/** The `aoai-bcdr:*` values of a stack file as plain objects, keyed without the namespace. */
export function stackValues(stack: string): Loose {
  const doc = parseYaml(fs.readFileSync(stackFile(stack), "utf8")) as {
    config: Record<string, unknown>;
  };
  const values: Loose = {};
  for (const [k, v] of Object.entries(doc.config)) {
    if (k.startsWith(`${PROJECT}:`)) values[k.slice(PROJECT.length + 1)] = v;
  }
  return structuredClone(values);
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

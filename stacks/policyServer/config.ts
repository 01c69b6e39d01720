/**
 * A `--policy-pack-config` file, read and reconciled as the Pulumi CLI does (pulumi/pulumi
 * pkg/resource/analyzer/config.go): each entry is a level string or an object whose `enforcementLevel` is
 * taken out; `all` (string or object) sets every policy's level; each policy starts from its own level and
 * its schema's defaults; settings are validated against only the schema's `properties` and `required`
 * (unknown settings pass), and a name the pack does not have is ignored. The CLI says nothing about the last
 * two; `warnings` does, so a typo does not silently disable a rule.
 */
import * as path from "path";
import Ajv from "ajv";
import { readUserFile } from "../cli/errors";
import { POLICY_PACK_DIR } from "./launch";

export const LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof LEVELS)[number];

export interface PolicyConfigEntry {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties: Readonly<Record<string, unknown>>;
}
export type PolicyConfig = ReadonlyMap<string, PolicyConfigEntry>;

/** What GetAnalyzerInfo says of a policy. */
export interface PolicyInfo {
  readonly name: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly configSchema?: {
    readonly properties: Readonly<Record<string, object>>;
    readonly required?: readonly string[];
  };
}

/** A policy config the CLI would refuse: reported without a stack trace. */
export class PolicyConfigError extends Error {}

const isLevel = (v: unknown): v is EnforcementLevel => LEVELS.includes(v as EnforcementLevel);

export function parsePolicyConfig(text: string, source: string): PolicyConfig {
  if (text.trim() === "") return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new PolicyConfigError(`${source}: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new PolicyConfigError(`${source}: must be a JSON object of policy names to settings`);
  return new Map(
    Object.entries(parsed).map(([name, value]) => {
      const where = `${source}: "${name}"`;
      if (typeof value === "string") {
        if (!isLevel(value))
          throw new PolicyConfigError(
            `${where}: ${JSON.stringify(value)} is not an enforcement level (${LEVELS.join(", ")})`,
          );
        return [name, { enforcementLevel: value, properties: {} }];
      }
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw new PolicyConfigError(`${where}: must be an enforcement level or an object`);
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
        throw new PolicyConfigError(
          `${where}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (${LEVELS.join(", ")})`,
        );
      }
      return [name, { enforcementLevel, properties }];
    }),
  );
}

export function readPolicyConfig(file: string): PolicyConfig {
  const text = readUserFile(file, m => new PolicyConfigError(m));
  return parsePolicyConfig(text, file);
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** Every policy's level and settings, as the CLI sends them in `Configure` (`ReconcilePolicyPackConfig`). */
export function reconcile(policies: readonly PolicyInfo[], config: PolicyConfig): Map<string, PolicyConfigEntry> {
  const result = new Map<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>(
    policies.map(p => [
      p.name,
      {
        enforcementLevel: p.enforcementLevel,
        properties: Object.fromEntries(
          Object.entries(p.configSchema?.properties ?? {})
            .filter(([, s]) => "default" in s)
            .map(([k, s]) => [k, (s as { default: unknown }).default]),
        ),
      },
    ]),
  );
  const all = config.get("all")?.enforcementLevel;
  if (all)
    result.forEach(entry => {
      entry.enforcementLevel = all;
    });
  for (const [name, given] of config) {
    const entry = result.get(name) ?? { properties: {} };
    result.set(name, {
      enforcementLevel: given.enforcementLevel ?? entry.enforcementLevel,
      properties: { ...entry.properties, ...given.properties },
    });
  }
  const problems = policies
    .filter(p => p.configSchema)
    .flatMap(p => {
      const validate = ajv.compile({
        type: "object",
        properties: p.configSchema!.properties,
        ...(p.configSchema!.required?.length ? { required: p.configSchema!.required } : {}),
      });
      return validate(result.get(p.name)!.properties)
        ? []
        : (validate.errors ?? []).map(e => `${p.name}${e.instancePath.replace(/\//g, ".")}: ${e.message}`);
    });
  if (problems.length > 0)
    throw new PolicyConfigError(`Invalid policy config:\n${problems.map(p => `  - ${p}`).join("\n")}`);
  return result;
}

/** Names and settings the pack does not know: the CLI ignores them without a word. */
export function warnings(policies: readonly PolicyInfo[], config: PolicyConfig): string[] {
  return [...config].flatMap(([name, entry]) => {
    if (name === "all")
      return Object.keys(entry.properties).map(
        k => `"all": setting "${k}" applies to no policy (only enforcementLevel does); it is ignored`,
      );
    const policy = policies.find(p => p.name === name);
    if (!policy)
      return [
        `"${name}": no policy of that name in the pack; this entry is ignored (known: ${policies.map(p => p.name).join(", ")})`,
      ];
    const known = Object.keys(policy.configSchema?.properties ?? {});
    return Object.keys(entry.properties)
      .filter(k => !known.includes(k))
      .map(
        k =>
          `"${name}": "${k}" is no setting of this policy; it is ignored (${known.length ? `known: ${known.join(", ")}` : "it has no settings"})`,
      );
  });
}

/** Where a stack's policy config lives: policies/policy-config.<stack>.json. */
export function policyConfigFile(stack: string): string {
  return path.join(POLICY_PACK_DIR, `policy-config.${stack}.json`);
}

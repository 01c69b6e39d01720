/**
 * Rule configuration. The Pulumi CLI fills a policy's config with its schema's defaults before the pack
 * sees it; rules read it through `configOf`, which applies the same defaults so a rule never depends on
 * a caller having done so.
 */
import type { Policy, PolicyConfigSchema, StackValidationArgs } from "@pulumi/policy";

/** The defaults a policy's config schema declares. */
export function schemaDefaults(policy: Pick<Policy, "configSchema">): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => schema.default !== undefined)
      .map(([key, schema]) => [key, schema.default]),
  );
}

export function configOf<T extends object>(
  args: Pick<StackValidationArgs, "getConfig">,
  configSchema: PolicyConfigSchema,
): T {
  return { ...schemaDefaults({ configSchema }), ...args.getConfig<Partial<T>>() } as T;
}

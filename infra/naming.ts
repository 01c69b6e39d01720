/**
 * Azure names. Logical (URN) names come from stable topology keys; globally unique Azure names add the
 * stack's random suffix. The region is part of the Azure name so that a region change, which Azure
 * can only do by replacement, never collides with the old resource while both exist. Pure.
 */

/** Lowercase, hyphen-joined and cut to `max` characters, keeping the random suffix at the end. */
export function globalName(parts: readonly string[], suffix: string, max: number): string {
  const head = parts.join("-").toLowerCase().replace(/[^a-z0-9-]/g, "").replace(/-+/g, "-");
  return `${head.slice(0, max - suffix.length - 1).replace(/-+$/, "")}-${suffix}`;
}

/** Custom subdomain (and account name) of an OpenAI account: 2-64 characters, DNS label rules. */
export function accountSubdomain(stack: string, key: string, region: string, suffix: string): string {
  return globalName(["oai", stack, key, region], suffix, 64);
}

/**
 * Quota: every PTU pool fits the provisioned quota the stack declares for it, and every standard
 * deployment's capacity resolves against the quota of its subscription, region and SKU (`full` becomes the
 * whole quota; a number must fit in it). The quota comes from the declared table or, with
 * `quota.source: live`, from Azure's usages API (infra/quota.ts).
 */
import { DeploymentSku, ProvisionedSku } from "../../../catalog/models";
import { QuotaLookup, usageName } from "../../quota";
import { CapacitySource, CapacityTable, StandardPlacement, standardPlacements } from "../../topology";
import { Issues } from "../issues";
import { PRIMARY_SUBSCRIPTION } from "../schema";
import { BcdrConfig, Parsed, PtuPoolInput } from "../types";

/** A PTU pool checked against a provisioned quota the stack declares for it (a row of 0 is named as such). */
export function checkPtuQuota(
  c: Pick<Parsed, "quota" | "enterprisePtu" | "workloadPtus">,
  pool: PtuPoolInput,
  sku: ProvisionedSku,
  path: PropertyKey[],
  issues: Issues,
): void {
  const i = c.quota.declared.findIndex(
    q => q.subscription === PRIMARY_SUBSCRIPTION && q.region === pool.region && q.sku === sku && q.model === pool.model,
  );
  if (i < 0) return;
  const declared = c.quota.declared[i].capacity;
  // Pools in the same region draw on the same quota.
  const sharing = [...(c.enterprisePtu ? [c.enterprisePtu] : []), ...c.workloadPtus].filter(
    p => p.region === pool.region && p.model === pool.model,
  );
  const total = sharing.reduce((sum, p) => sum + p.ptu, 0);
  if (declared === 0) {
    issues.add(
      [...path, "ptu"],
      `the declared quota (quota.declared[${i}]) of ${pool.model} ${sku} in ${pool.region} is 0: request PTU quota for it first`,
    );
  } else if (total > declared) {
    const what =
      sharing.length > 1 ? `${total} PTU (the ${sharing.length} pools in ${pool.region} together)` : `${pool.ptu} PTU`;
    issues.add(
      [...path, "ptu"],
      `${what} exceeds the declared quota of ${declared} (quota.declared[${i}]) for ${pool.model} ${sku} in ${pool.region}; at most ${declared}`,
    );
  }
}

/** The config a standard capacity is resolved from. */
export type CapacitySections = Pick<Parsed, "regions" | "standard" | "overflowSubscriptions">;

type Resolved = { capacity: number; source: CapacitySource };

/** The refusal of a capacity against `limit`, or undefined when it fits. */
function refusal(
  capacity: number | "full",
  limit: number | undefined,
  source: QuotaLookup["source"],
  where: string,
  usage: string,
): string | undefined {
  if (capacity === "full") {
    if (limit === 0)
      return `"full" found a ${source} quota of 0 for ${where}: request quota for it, or remove the model`;
    if (limit !== undefined && limit >= 0) return undefined;
    return source === "declared"
      ? `"full" needs the quota of ${where}: add it to aoai-bcdr:quota.declared, or give a number`
      : `"full" found no ${usage} quota for ${where} in Azure's usages API; request quota or give a number`;
  }
  if (limit === undefined || capacity <= limit) return undefined;
  return limit === 0
    ? `${capacity} exceeds the ${source} quota of ${where}, which is 0: request quota for it, or remove the model`
    : `${capacity} exceeds the ${source} quota of ${limit} for ${where}; at most ${limit}, or "full"`;
}

async function resolvePlacement(c: CapacitySections, p: StandardPlacement, quota: QuotaLookup, issues: Issues) {
  const sku: DeploymentSku = c.standard.deploymentType;
  const resolved = new Map<string, Resolved>();
  for (const [i, m] of c.standard.models.entries()) {
    const limit = await quota.limit(p.subscription, p.region, sku, m.name);
    const where = `${m.name} ${sku} in ${p.region} (subscription '${p.subscription}')`;
    const refused = refusal(m.capacity, limit, quota.source, where, usageName(sku, m.name));
    if (refused) issues.add(["standard", "models", i, "capacity"], refused);
    else if (m.capacity === "full") resolved.set(m.name, { capacity: limit!, source: quota.source });
    else resolved.set(m.name, { capacity: m.capacity, source: "config" });
  }
  return resolved;
}

/** The capacity of every standard deployment on every standard account; what does not resolve is refused. */
export async function resolveCapacities(
  c: CapacitySections,
  quota: QuotaLookup,
  issues: Issues,
): Promise<CapacityTable> {
  const table = new Map<string, ReadonlyMap<string, Resolved>>();
  // standardPlacements reads regions and overflowSubscriptions only.
  for (const p of standardPlacements(c as BcdrConfig)) table.set(p.key, await resolvePlacement(c, p, quota, issues));
  return table;
}

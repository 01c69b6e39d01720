/**
 * The values the validated configuration derives from what was written: the stack's data zone, and each
 * PTU pool's version (its standard deployment's unless pinned) and provisioned SKU (the standard SKU's
 * boundary). Pure; the rules that refuse what cannot be derived live in rules/.
 */
import { DataZone, findRegion } from "../../catalog/regions";
import { PROVISIONED_SKU, isDataZoneSku } from "../../catalog/models";
import { Parsed, PtuPoolConfig, PtuPoolInput, WorkloadPtuConfig } from "./types";

/**
 * The zone every region of the stack must sit in: a pinned zone, else the primary's when the standard SKU is
 * a data-zone one. A global or regional SKU binds regions only to a pinned zone, so which region is primary
 * never changes what is accepted.
 */
export function boundZone(c: Pick<Parsed, "regions" | "standard">): DataZone | undefined {
  if (c.regions.dataZone) return c.regions.dataZone;
  return isDataZoneSku(c.standard.deploymentType) ? findRegion(c.regions.primary)?.dataZone : undefined;
}

type ZoneSections = "regions" | "standard" | "enterprisePtu" | "workloadPtus" | "overflowSubscriptions" | "gateway";

/** Every region a stack uses. */
function stackRegions(c: Pick<Parsed, ZoneSections>): string[] {
  return [
    c.regions.primary,
    c.regions.secondary,
    ...(c.enterprisePtu ? [c.enterprisePtu.region] : []),
    ...c.workloadPtus.map(w => w.region),
    ...c.overflowSubscriptions.flatMap(s => s.regions),
    ...c.gateway.regions,
  ];
}

/**
 * The stack's data zone: the bound zone; unbound (a global or regional stack without a pinned zone), only the
 * zone its regions happen to share, which nothing is checked against.
 */
export function dataZoneOf(c: Pick<Parsed, ZoneSections>): DataZone | undefined {
  if (c.regions.dataZone || isDataZoneSku(c.standard.deploymentType)) return boundZone(c);
  const zones = new Set(stackRegions(c).map(r => findRegion(r)?.dataZone));
  const [only] = zones;
  return zones.size === 1 ? only : undefined;
}

/** The standard deployment a PTU pool fails over to: the same model among standard.models. */
export function standardOf(
  c: Pick<Parsed, "standard">,
  pool: PtuPoolInput,
): Parsed["standard"]["models"][number] | undefined {
  return c.standard.models.find(m => m.name === pool.model);
}

/** A pool with its version and SKU filled in; undefined when no standard deployment of its model exists. */
export function resolvePool(c: Pick<Parsed, "standard">, pool: PtuPoolInput): PtuPoolConfig | undefined {
  const standard = standardOf(c, pool);
  if (!standard) return undefined;
  const sku = PROVISIONED_SKU[c.standard.deploymentType];
  return { region: pool.region, model: pool.model, version: pool.version ?? standard.version, ptu: pool.ptu, sku };
}

/** Every PTU pool that resolves (the rules refuse the others). */
export function resolvedPools(c: Pick<Parsed, "standard" | "enterprisePtu" | "workloadPtus">): {
  enterprisePtu: PtuPoolConfig | undefined;
  workloadPtus: WorkloadPtuConfig[];
} {
  return {
    enterprisePtu: c.enterprisePtu ? resolvePool(c, c.enterprisePtu) : undefined,
    workloadPtus: c.workloadPtus.flatMap(w => {
      const pool = resolvePool(c, w);
      return pool ? [{ ...pool, name: w.name }] : [];
    }),
  };
}

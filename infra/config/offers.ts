/**
 * The offers a stack needs from Azure: every model version it deploys on every SKU in every region, with
 * the config key that put it there, so a missing offer (in Microsoft's model matrix, or in Azure's models
 * API for the subscription) and a retirement are refused naming that key.
 */
import { DeploymentSku, isDataZoneSku } from "../../catalog/models";
import { findRegion } from "../../catalog/regions";
import { ConfigIssue, configKey } from "./issues";
import { PRIMARY_SUBSCRIPTION } from "./schema";
import { Parsed, PtuPoolConfig, WorkloadPtuConfig } from "./types";

/** One model version a stack deploys on one SKU in one region, and the config key that put it there. */
export interface RequiredOffer {
  readonly sku: DeploymentSku;
  readonly model: string;
  readonly version: string;
  readonly region: string;
  /** The subscription (`primary` or an overflow name) that deploys it. */
  readonly subscription: string;
  /** The config path to name when the offer is missing. */
  readonly path: readonly PropertyKey[];
  /** The config path that chose the version (a pool's version defaults to its standard deployment's). */
  readonly versionPath: readonly PropertyKey[];
  /** What deploys it, for the message. */
  readonly where: string;
}

export type OfferSources = Pick<Parsed, "regions" | "standard" | "overflowSubscriptions"> & {
  readonly enterprisePtu?: PtuPoolConfig;
  readonly workloadPtus: readonly WorkloadPtuConfig[];
};

/** Every model version x SKU x region the stack deploys. */
export function requiredOffers(c: OfferSources): RequiredOffer[] {
  const standardRegions: [string, string, PropertyKey[]][] = [
    [c.regions.primary, PRIMARY_SUBSCRIPTION, ["regions", "primary"]],
    [c.regions.secondary, PRIMARY_SUBSCRIPTION, ["regions", "secondary"]],
    ...c.overflowSubscriptions.flatMap((s, i) =>
      s.regions.map((r, j): [string, string, PropertyKey[]] => [r, s.name, ["overflowSubscriptions", i, "regions", j]]),
    ),
  ];
  const pool = (p: PtuPoolConfig, poolPath: PropertyKey[], where: string): RequiredOffer => ({
    sku: p.sku,
    model: p.model,
    version: p.version,
    region: p.region,
    subscription: PRIMARY_SUBSCRIPTION,
    path: [...poolPath, "region"],
    versionPath: [...poolPath, "version"],
    where,
  });
  return [
    ...c.standard.models.flatMap((m, i) =>
      standardRegions.map(([region, subscription, regionPath]): RequiredOffer => ({
        sku: c.standard.deploymentType,
        model: m.name,
        version: m.version,
        region,
        subscription,
        path: ["standard", "models", i],
        versionPath: ["standard", "models", i, "version"],
        where: configKey(regionPath),
      })),
    ),
    ...(c.enterprisePtu ? [pool(c.enterprisePtu, ["enterprisePtu"], "enterprise PTU pool")] : []),
    ...c.workloadPtus.map((w, i) => pool(w, ["workloadPtus", i], `workload PTU pool '${w.name}'`)),
  ];
}

/** The refusal of an offer Azure does not make, with the regions that do make it. */
export function unavailableOffer(o: RequiredOffer, source: string, regions?: readonly string[]): ConfigIssue {
  const zone = findRegion(o.region)?.dataZone;
  const alternatives =
    regions && (isDataZoneSku(o.sku) && zone ? regions.filter(r => findRegion(r)?.dataZone === zone) : regions);
  return {
    key: configKey(o.path),
    message:
      `${o.model} ${o.version} is not offered as ${o.sku} in ${o.region} (${o.where})` +
      `${alternatives ? `; regions offering it: ${alternatives.join(", ") || "none"}` : ""}. Source: ${source}`,
  };
}

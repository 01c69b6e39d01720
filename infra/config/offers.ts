/**
 * The offers a stack needs from Azure: every model version it deploys on every SKU in every region, with
 * the config key that put it there, so a missing offer (in Microsoft's model matrix, or in Azure's models
 * API for the subscription) and a retirement are refused naming that key.
 */
import { matrixCitation, offeringRegions } from "../../catalog/modelMatrix";
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

type OfferKey = Pick<RequiredOffer, "sku" | "model" | "version" | "region">;

/**
 * The stack's own declaration of an offer (`standard.models[i].offer`): it covers the model version on the
 * stack's standard SKU in the regions it lists. Undefined when the stack declares no such offer.
 */
export function declaredOffer(c: Pick<Parsed, "standard">, o: OfferKey): { index: number; source: string } | undefined {
  if (o.sku !== c.standard.deploymentType) return undefined;
  const index = c.standard.models.findIndex(
    m => m.name === o.model && m.version === o.version && m.offer?.regions.includes(o.region),
  );
  return index < 0 ? undefined : { index, source: c.standard.models[index].offer!.source };
}

/** The regions the stack declares for `model` `version` on `sku` (none on another SKU). */
export function declaredRegions(c: Pick<Parsed, "standard">, o: Omit<OfferKey, "region">): string[] {
  if (o.sku !== c.standard.deploymentType) return [];
  return c.standard.models
    .filter(m => m.name === o.model && m.version === o.version)
    .flatMap(m => m.offer?.regions ?? []);
}

/** Whether the stack declares any offer of `model` `version` (in any region). */
export function declaresVersion(c: Pick<Parsed, "standard">, model: string, version: string): boolean {
  return c.standard.models.some(m => m.name === model && m.version === version && m.offer);
}

/**
 * One warning per declared offer the plan relies on: the model version, SKU and regions the catalog's matrix
 * lacks, planned on the stack's word, with the source to confirm.
 */
export function declaredOfferWarnings(c: OfferSources, offers: readonly RequiredOffer[]): string[] {
  const byModel = new Map<number, Set<string>>();
  for (const o of offers) {
    const declared = declaredOffer(c, o);
    if (!declared || offeringRegions(o.sku, o.model, o.version).includes(o.region)) continue;
    byModel.set(declared.index, (byModel.get(declared.index) ?? new Set()).add(o.region));
  }
  return [...byModel].map(([i, regions]) => {
    const m = c.standard.models[i];
    const sku = c.standard.deploymentType;
    return (
      `${configKey(["standard", "models", i, "offer"])}: ${m.name} ${m.version} as ${sku} in ${[...regions].join(", ")} ` +
      `is not in the catalog's model matrix (${matrixCitation(sku)}); planned on this declaration: confirm it at ` +
      `${m.offer!.source} (quota.source: live checks it against Azure's models API)`
    );
  });
}

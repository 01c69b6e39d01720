/**
 * Retirements: a model version whose published retirement date is on or before the plan's date is refused,
 * since Azure refuses new deployments of a retired version
 * (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements) and the first `pulumi up`
 * would fail. One issue per config key, naming the regions it deploys to and what to move to.
 */
import { MODEL_MATRIX, matrixCitation } from "../../../catalog/modelMatrix";
import { DeploymentSku } from "../../../catalog/models";
import { RETIREMENTS_SOURCE, currentReplacement, isRetired, retirementDate } from "../../../catalog/retirements";
import { resolvedPools } from "../derive";
import { configKey } from "../issues";
import { RequiredOffer, requiredOffers } from "../offers";
import { OFFER_SECTIONS } from "./availability";
import { Rule, rule } from "./rule";

/** The model versions offered as `sku` in every one of `regions` and not retired by `today`: what to move to. */
function currentOffers(sku: DeploymentSku, regions: readonly string[], today: string): string[] {
  return Object.entries(MODEL_MATRIX[sku])
    .filter(
      ([key, offered]) =>
        regions.every(r => offered.includes(r)) && !isRetired(...(key.split("@") as [string, string]), sku, today),
    )
    .map(([key]) => key.replace("@", " "));
}

function retiredMessage(offers: readonly RequiredOffer[], today: string): string {
  const { model, version, sku } = offers[0];
  const regions = [...new Set(offers.map(o => o.region))];
  const replacement = currentReplacement(model, version, sku, today);
  return (
    `${model} ${version} (${sku}) retired on ${retirementDate(model, version, sku)} (as of ${today}): Azure refuses new deployments of it. ` +
    `${replacement ? `Suggested replacement (Microsoft's, followed past retired ones): ${replacement}. ` : ""}Current versions offered as ${sku} in ${regions.join(", ")}: ${currentOffers(sku, regions, today).join(", ") || "none"}. ` +
    `Sources: ${RETIREMENTS_SOURCE}; ${matrixCitation(sku)}`
  );
}

export const retirementRules: readonly Rule[] = [
  rule(OFFER_SECTIONS, (c, issues, { today }) => {
    const byKey = new Map<string, RequiredOffer[]>();
    for (const o of requiredOffers({ ...c, ...resolvedPools(c) }).filter(o =>
      isRetired(o.model, o.version, o.sku, today),
    )) {
      const key = configKey(o.versionPath);
      byKey.set(key, [...(byKey.get(key) ?? []), o]);
    }
    for (const [key, offers] of byKey) issues.push({ key, message: retiredMessage(offers, today) });
  }),
];

/**
 * The mock engine's model availability: a deployment is refused unless Microsoft's model matrix offers its
 * model version on its SKU in its account's region (catalog/modelMatrix.ts), as Azure answers
 * `InvalidResourceProperties` / "The specified SKU ... is not supported in this region". The same data
 * answers the Cognitive Services models API (`GET .../locations/{location}/models`) for `quota.source: live`.
 */
import { MODEL_MATRIX, matrixCitation, offeringRegions } from "../../../catalog/modelMatrix";
import type { DeploymentSku } from "../../../catalog/models";
import type { ModelsClient, SupportedModel } from "../../../infra/availability";
import type { Props } from "../props";
import { AzureRefusal } from "./refusal";

/**
 * The offers a stack declares itself (`standard.models[].offer`, read from its raw `aoai-bcdr:standard`): Azure's
 * answer to them is unknown offline, so the engine takes the stack at its word, as the plan does with a warning;
 * `quota.source: live` asks the models API (matrixModelsClient below answers from the matrix alone).
 */
export function declaredOffersOf(rawStandard: unknown): ReadonlySet<string> {
  let standard: Props = rawStandard ?? {};
  try {
    if (typeof standard === "string") standard = JSON.parse(standard);
  } catch {
    return new Set();
  }
  const sku = standard?.deploymentType ?? "DataZoneStandard";
  const models: Props[] = Array.isArray(standard?.models) ? standard.models : [];
  return new Set(
    models.flatMap(m =>
      Array.isArray(m?.offer?.regions)
        ? m.offer.regions.map((r: string) => offerKey(sku, m.name, String(m.version), r))
        : [],
    ),
  );
}

const offerKey = (sku: string, model: string, version: string, region: string) =>
  `${sku}/${model}@${version}/${region}`;

export function deploymentRefusal(
  logicalName: string,
  inputs: Props,
  accountRegion: string | undefined,
  declared: ReadonlySet<string> = new Set(),
): AzureRefusal | undefined {
  const sku = inputs.sku?.name as DeploymentSku;
  const model = inputs.properties?.model ?? {};
  if (!accountRegion || !MODEL_MATRIX[sku]) {
    return {
      rule: "model-availability",
      resource: logicalName,
      message: `unknown account region or SKU '${sku}'`,
      source: matrixCitation("DataZoneStandard"),
    };
  }
  if (offeringRegions(sku, model.name, model.version).includes(accountRegion)) return undefined;
  if (declared.has(offerKey(sku, model.name, model.version, accountRegion))) return undefined;
  return {
    rule: "model-availability",
    resource: logicalName,
    message: `${model.name} ${model.version} is not offered as ${sku} in ${accountRegion}`,
    source: matrixCitation(sku),
  };
}

/** The models API answered from the matrix: every model version offered in `location`, with the SKUs that offer it there. */
export function matrixModelsClient(): ModelsClient {
  return {
    async *list(_subscriptionId: string, location: string): AsyncIterable<SupportedModel> {
      const offers = new Map<string, DeploymentSku[]>();
      for (const [sku, table] of Object.entries(MODEL_MATRIX) as [DeploymentSku, Record<string, readonly string[]>][]) {
        for (const [key, regions] of Object.entries(table)) {
          if (regions.includes(location)) offers.set(key, [...(offers.get(key) ?? []), sku]);
        }
      }
      for (const [key, skus] of offers) {
        const [name, version] = key.split("@");
        yield { kind: "OpenAI", model: { format: "OpenAI", name, version, skus: skus.map(s => ({ name: s })) } };
      }
    },
  };
}

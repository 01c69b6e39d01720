/**
 * With `quota.source: live`, the model matrix is checked against Azure itself before anything is declared:
 * the Cognitive Services models API lists, per subscription and location, the model versions the
 * subscription may deploy there and on which SKUs
 * (https://learn.microsoft.com/rest/api/aiservices/accountmanagement/models/list). The refusal of a required
 * offer it does not list is a config rule (config/rules/availability.ts).
 */
import { cognitiveServicesClients } from "./cognitiveServicesClient";

export const MODELS_API = "https://learn.microsoft.com/rest/api/aiservices/accountmanagement/models/list";

/** One row of `GET /subscriptions/{id}/providers/Microsoft.CognitiveServices/locations/{location}/models`. */
export interface SupportedModel {
  kind?: string;
  model?: { format?: string; name?: string; version?: string; skus?: { name?: string }[] };
}

/** The part of Azure's models API the program reads (the Azure SDK client, or the mock engine's). */
export interface ModelsClient {
  list(subscriptionId: string, location: string): AsyncIterable<SupportedModel>;
}

/** The Azure SDK models client, authenticated like the azure-native provider. */
export async function azureModelsClient(): Promise<ModelsClient> {
  const client = await cognitiveServicesClients();
  return { list: (subscriptionId, location) => client(subscriptionId).models.list(location) };
}

/** Whether Azure offers `model` `version` as `sku` to a subscription in a location. */
export type OfferLookup = (
  subscriptionId: string,
  location: string,
  offer: { sku: string; model: string; version: string },
) => Promise<boolean>;

/** Offers read from the models API, asked once per subscription and location. */
export function liveOffers(client: ModelsClient): OfferLookup {
  const offered = new Map<string, Promise<Set<string>>>();
  const offersIn = async (subscriptionId: string, location: string) => {
    const here = new Set<string>();
    for await (const m of client.list(subscriptionId, location)) {
      if (m.kind !== undefined && m.kind !== "OpenAI") continue;
      for (const sku of m.model?.skus ?? []) here.add(`${sku.name}/${m.model?.name}@${m.model?.version}`);
    }
    return here;
  };
  return async (subscriptionId, location, o) => {
    const key = `${subscriptionId}/${location}`;
    if (!offered.has(key)) offered.set(key, offersIn(subscriptionId, location));
    return (await offered.get(key)!).has(`${o.sku}/${o.model}@${o.version}`);
  };
}

/**
 * With `quota.source: live`, the model matrix is checked against Azure itself before anything is declared:
 * the Cognitive Services models API lists, per subscription and location, the model versions the
 * subscription may deploy there and on which SKUs
 * (https://learn.microsoft.com/rest/api/aiservices/accountmanagement/models/list). A required offer it
 * does not list is refused naming the config key, as the static catalog refuses it offline.
 */
import { cognitiveServicesClients } from "./cognitiveServicesClient";
import { BcdrConfig, ConfigError, ConfigIssue, requiredOffers, unavailableOffer } from "./config";

const MODELS_API = "https://learn.microsoft.com/rest/api/aiservices/accountmanagement/models/list";

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

/**
 * Throws a ConfigError naming every required offer the live API does not make to the subscription that
 * deploys it. `subscriptionIds` maps `primary` and each overflow name to its subscription id.
 */
export async function checkLiveAvailability(
  config: BcdrConfig,
  subscriptionIds: Readonly<Record<string, string>>,
  client: ModelsClient,
): Promise<void> {
  const offered = new Map<string, Promise<Set<string>>>();
  const offersIn = (subscriptionId: string, region: string) => {
    const key = `${subscriptionId}/${region}`;
    if (!offered.has(key)) {
      offered.set(
        key,
        (async () => {
          const here = new Set<string>();
          for await (const m of client.list(subscriptionId, region)) {
            if (m.kind !== undefined && m.kind !== "OpenAI") continue;
            for (const sku of m.model?.skus ?? []) here.add(`${sku.name}/${m.model?.name}@${m.model?.version}`);
          }
          return here;
        })(),
      );
    }
    return offered.get(key)!;
  };
  const issues: ConfigIssue[] = [];
  for (const o of requiredOffers(config)) {
    if (!(await offersIn(subscriptionIds[o.subscription], o.region)).has(`${o.sku}/${o.model}@${o.version}`)) {
      issues.push(
        unavailableOffer(o, `Azure's models API for subscription '${o.subscription}' in ${o.region} (${MODELS_API})`),
      );
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

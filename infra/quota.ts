/**
 * Where standard quota comes from: the stack's declared table or, with `quota.source: live`, Azure's
 * Cognitive Services usages API. The capacities are resolved against it, and refused, by the config
 * (config/rules/quota.ts). Pure apart from the optional Azure SDK client (loaded lazily).
 */
import type { ModelsClient } from "./availability";
import { cognitiveServicesClients } from "./cognitiveServicesClient";
import type { BcdrConfig } from "./config";
import { DeploymentSku } from "../catalog/models";
import type { CapacitySource } from "./topology";

/** One row of `GET .../providers/Microsoft.CognitiveServices/locations/{location}/usages`. */
export interface Usage {
  name?: { value?: string };
  limit?: number;
  currentValue?: number;
}

/** The part of Azure's usages API the program reads (the Azure SDK client, or a mock in tests). */
export interface UsagesClient {
  list(subscriptionId: string, location: string): AsyncIterable<Usage>;
}

/** What the offline plan and the tests hand the program instead of Azure (`pulumi up` passes nothing). */
export interface ProgramOptions {
  /** Answers Azure's usages API when `quota.source` is `live` (defaults to the Azure SDK client). */
  readonly usagesClient?: UsagesClient;
  /** Answers Azure's models API when `quota.source` is `live` (defaults to the Azure SDK client). */
  readonly modelsClient?: ModelsClient;
  /** The ISO date model retirements are judged on (defaults to planDate(): AOAI_BCDR_TODAY, else today in UTC). */
  readonly today?: string;
}

export interface QuotaLookup {
  readonly source: Exclude<CapacitySource, "config">;
  /** The quota limit in capacity units, or undefined when nothing is known. */
  limit(subscription: string, region: string, sku: DeploymentSku, model: string): Promise<number | undefined>;
}

export function declaredQuota(config: Pick<BcdrConfig, "quota">): QuotaLookup {
  return {
    source: "declared",
    limit: async (subscription, region, sku, model) =>
      config.quota.declared.find(
        q => q.subscription === subscription && q.region === region && q.sku === sku && q.model === model,
      )?.capacity,
  };
}

/** Azure names quota rows `OpenAI.<sku>.<model>` (e.g. `OpenAI.DataZoneStandard.gpt-5.1`). */
export function usageName(sku: DeploymentSku, model: string): string {
  return `OpenAI.${sku}.${model}`;
}

/**
 * Quota read from Azure. The limit is the model's whole quota in that subscription and region: the
 * stack owns it (the BCDR guidance gives each standard deployment the full quota), so the usage of
 * its own deployments must not shrink it on the next `pulumi up`.
 */
export function liveQuota(subscriptionIds: Readonly<Record<string, string>>, client: UsagesClient): QuotaLookup {
  const cache = new Map<string, Promise<Usage[]>>();
  const usages = (subscriptionId: string, region: string) => {
    const k = `${subscriptionId}/${region}`;
    if (!cache.has(k)) {
      cache.set(
        k,
        (async () => {
          const rows: Usage[] = [];
          for await (const u of client.list(subscriptionId, region)) rows.push(u);
          return rows;
        })(),
      );
    }
    return cache.get(k)!;
  };
  return {
    source: "live",
    limit: async (subscription, region, sku, model) => {
      const id = subscriptionIds[subscription];
      if (!id) return undefined;
      return (await usages(id, region)).find(u => u.name?.value === usageName(sku, model))?.limit;
    },
  };
}

/** The Azure SDK usages client, authenticated like the azure-native provider (CLI, OIDC, managed identity). */
export async function azureUsagesClient(): Promise<UsagesClient> {
  const client = await cognitiveServicesClients();
  return { list: (subscriptionId, location) => client(subscriptionId).usages.list(location) };
}

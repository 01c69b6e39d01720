/**
 * Resolves every standard deployment's capacity before anything is declared: `full` becomes the whole
 * quota of the model in that subscription, region and SKU; a number is checked against that quota.
 * The quota comes from the stack's declared table or, with `quota.source: live`, from Azure's
 * Cognitive Services usages API. Pure apart from the optional Azure SDK client (loaded lazily).
 */
import type { ModelsClient } from "./availability";
import { cognitiveServicesClients } from "./cognitiveServicesClient";
import { BcdrConfig, ConfigError, ConfigIssue, configKey } from "./config";
import { DeploymentSku } from "../catalog/models";
import { CapacitySource, CapacityTable, StandardPlacement, standardPlacements } from "./topology";

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

export function declaredQuota(config: BcdrConfig): QuotaLookup {
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

async function resolvePlacement(config: BcdrConfig, p: StandardPlacement, quota: QuotaLookup, issues: ConfigIssue[]) {
  const sku = config.standard.deploymentType;
  const resolved = new Map<string, { capacity: number; source: CapacitySource }>();
  for (const [i, m] of config.standard.models.entries()) {
    const key = configKey(["standard", "models", i, "capacity"]);
    const limit = await quota.limit(p.subscription, p.region, sku, m.name);
    const where = `${m.name} ${sku} in ${p.region} (subscription '${p.subscription}')`;
    if (m.capacity === "full") {
      if (limit === 0) {
        issues.push({
          key,
          message: `"full" found a ${quota.source} quota of 0 for ${where}: request quota for it, or remove the model`,
        });
        continue;
      }
      if (limit === undefined || limit < 0) {
        issues.push({
          key,
          message:
            quota.source === "declared"
              ? `"full" needs the quota of ${where}: add it to aoai-bcdr:quota.declared, or give a number`
              : `"full" found no ${usageName(sku, m.name)} quota for ${where} in Azure's usages API; request quota or give a number`,
        });
        continue;
      }
      resolved.set(m.name, { capacity: limit, source: quota.source });
    } else {
      if (limit !== undefined && m.capacity > limit) {
        issues.push({
          key,
          message:
            limit === 0
              ? `${m.capacity} exceeds the ${quota.source} quota of ${where}, which is 0: request quota for it, or remove the model`
              : `${m.capacity} exceeds the ${quota.source} quota of ${limit} for ${where}; at most ${limit}, or "full"`,
        });
        continue;
      }
      resolved.set(m.name, { capacity: m.capacity, source: "config" });
    }
  }
  return resolved;
}

/** Capacity of every standard deployment on every standard account; throws a ConfigError otherwise. */
export async function resolveCapacities(config: BcdrConfig, quota: QuotaLookup): Promise<CapacityTable> {
  const issues: ConfigIssue[] = [];
  const table = new Map<string, ReadonlyMap<string, { capacity: number; source: CapacitySource }>>();
  for (const p of standardPlacements(config)) table.set(p.key, await resolvePlacement(config, p, quota, issues));
  if (issues.length > 0) throw new ConfigError(issues);
  return table;
}

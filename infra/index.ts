/**
 * aoai-bcdr: the Pulumi program. Reads and validates the stack config, resolves quotas, computes the
 * topology and declares it. Nothing is declared until the whole config has been accepted.
 *
 * The module exports one function: `pulumi up` calls it with no arguments; the offline plan and the
 * tests call it with a mock usages client.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { Provider } from "@pulumi/azure-native/provider";
import * as random from "@pulumi/random";
import { BcdrConfig, ConfigError, PRIMARY_SUBSCRIPTION, PROJECT, parseConfig } from "./config";
import { OpenAiAccount } from "./openai";
import { ProgramOptions, QuotaLookup, azureUsagesClient, declaredQuota, liveQuota, resolveCapacities } from "./quota";
import { commonTags } from "./tags";
import { Topology, applicationChains, buildTopology } from "./topology";

/** Raw `aoai-bcdr:*` values: Pulumi hands structured values over as JSON text. */
function readRawConfig(): Record<string, unknown> {
  const prefix = `${PROJECT}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(prefix)) continue;
    try {
      raw[key.slice(prefix.length)] = JSON.parse(value);
    } catch {
      raw[key.slice(prefix.length)] = value;
    }
  }
  return raw;
}

/** A user's config mistake ends the run with its message alone, no stack trace. */
async function userErrors<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

async function quotaLookup(config: BcdrConfig, options: ProgramOptions): Promise<QuotaLookup> {
  if (config.quota.source === "declared") return declaredQuota(config);
  const { subscriptionId } = await authorization.getClientConfig();
  const ids = Object.fromEntries([
    [PRIMARY_SUBSCRIPTION, subscriptionId],
    ...config.overflowSubscriptions.map(s => [s.name, s.subscriptionId]),
  ]);
  return liveQuota(ids, options.usagesClient ?? await azureUsagesClient());
}

function declare(config: BcdrConfig, topology: Topology) {
  const stack = pulumi.getStack();
  const tags = commonTags(config.tags, PROJECT, stack);
  // Stable per stack: globally unique names must not change between updates.
  const suffix = new random.RandomString("name-suffix", { length: 6, special: false, upper: false });
  // Extra subscriptions add quota; each gets an explicit provider.
  const providers = new Map(config.overflowSubscriptions.map(s =>
    [s.name, new Provider(`subscription-${s.name}`, { subscriptionId: s.subscriptionId })]));

  const accounts = topology.accounts.map(spec => new OpenAiAccount(spec.key, {
    spec,
    stack,
    nameSuffix: suffix.result,
    commonTags: tags,
    privateNetwork: config.network.mode === "private",
    localAuth: config.openai.auth === "keys",
    protect: config.protect,
  }, { provider: providers.get(spec.subscription) }));

  return {
    dataZone: topology.dataZone ?? "none",
    accounts: Object.fromEntries(accounts.map((a, i) => {
      const spec = topology.accounts[i];
      return [spec.key, {
        role: spec.role,
        regionRole: spec.regionRole,
        workload: spec.workload,
        region: spec.region,
        subscription: spec.subscription,
        name: a.account.name,
        endpoint: a.endpoint,
        deployments: Object.fromEntries(spec.deployments.map(d => [d.name, {
          model: d.model, version: d.version, sku: d.sku, capacity: d.capacity, capacitySource: d.capacitySource,
        }])),
      }];
    })),
    chains: Object.fromEntries(topology.chains.map(c => [c.name, c])),
    applications: Object.fromEntries(config.applications.map(a => [a.name, {
      priority: a.priority,
      workload: a.workload,
      chains: applicationChains(topology, a.workload).map(c => c.name),
    }])),
  };
}

async function main(options: ProgramOptions = {}) {
  const config = await userErrors(() => parseConfig(readRawConfig()));
  const capacities = await userErrors(async () => resolveCapacities(config, await quotaLookup(config, options)));
  return declare(config, buildTopology(config, capacities));
}

export = main;

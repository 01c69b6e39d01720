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
import { BcdrConfig, ConfigError, PRIMARY_SUBSCRIPTION, PROJECT, parseConfig, requiredOffers } from "./config";
import { FrontDoorEdge, FrontDoorRoute, edgeOrigins } from "./edge";
import { ApiGateway, ApiGatewayArgs } from "./gateway/gateway";
import { KEY_SLOTS, SubscriptionKeys, subscriptionKeySecretName } from "./gateway/subscriptionKeys";
import { GatewayDns } from "./gatewayDns";
import { APP_ROLE_PREFIX, GatewayApp } from "./gateway/entraApp";
import { azureModelsClient, checkLiveAvailability } from "./availability";
import { SecretVault } from "./keyvault";
import { PrivateNetwork } from "./network";
import { Observability } from "./observability";
import { OpenAiAccount } from "./openai";
import { ProgramOptions, QuotaLookup, azureUsagesClient, declaredQuota, liveQuota, resolveCapacities } from "./quota";
import { retirementWarnings } from "./retirement";
import { commonTags } from "./tags";
import { Topology, applicationChains, buildTopology } from "./topology";
import { checkFailoverFitsEntry } from "./gateway/chains";

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

/** Live mode asks Azure which model versions the subscription may deploy where, and what quota it has. */
async function quotaLookup(config: BcdrConfig, options: ProgramOptions): Promise<QuotaLookup> {
  if (config.quota.source === "declared") return declaredQuota(config);
  const { subscriptionId } = await authorization.getClientConfig();
  const ids = Object.fromEntries([
    [PRIMARY_SUBSCRIPTION, subscriptionId],
    ...config.overflowSubscriptions.map(s => [s.name, s.subscriptionId]),
  ]);
  await checkLiveAvailability(config, ids, options.modelsClient ?? await azureModelsClient());
  return liveQuota(ids, options.usagesClient ?? await azureUsagesClient());
}

function declare(config: BcdrConfig, topology: Topology) {
  const stack = pulumi.getStack();
  const tags = commonTags(config.tags, PROJECT, stack);
  const client = authorization.getClientConfigOutput();
  const home = config.regions.primary;
  // Stable per stack: globally unique names must not change between updates.
  // Every globally unique name ends with it: replacing it would replace all of them, so prod protects it.
  const suffix = new random.RandomString("name-suffix", { length: 6, special: false, upper: false }, { protect: config.protect });
  // Extra subscriptions add quota; each gets an explicit provider.
  const providers = new Map(config.overflowSubscriptions.map(s =>
    [s.name, new Provider(`subscription-${s.name}`, { subscriptionId: s.subscriptionId })]));
  const subscriptionIdOf = (name: string) =>
    config.overflowSubscriptions.find(s => s.name === name)?.subscriptionId ?? client.subscriptionId;

  const observability = new Observability("observability", {
    stack, region: home, commonTags: tags, retentionInDays: config.observability.retentionInDays, protect: config.protect,
  });

  const accounts = new Map(topology.accounts.map(spec => [spec.key, new OpenAiAccount(spec.key, {
    spec,
    stack,
    nameSuffix: suffix.result,
    commonTags: tags,
    privateNetwork: config.network.mode === "private",
    localAuth: config.openai.auth === "keys",
    protect: config.protect,
    versionUpgradeOption: config.standard.versionUpgradeOption,
    workspaceId: observability.workspace.id,
  }, { provider: providers.get(spec.subscription) })]));

  const secretNames = { telemetry: "appinsights-connection-string", accountKey: (key: string) => `openai-key-${key}` };
  // Generated once, kept in Key Vault, set on every region's gateway: a failover keeps every caller's key valid.
  const subscriptionKeys = config.gateway.callerAuth === "subscription-key"
    ? new SubscriptionKeys("gateway-keys", { applications: config.applications })
    : undefined;
  const vault = new SecretVault("vault", {
    stack, region: home, tenantId: client.tenantId, nameSuffix: suffix.result, commonTags: tags,
    privateNetwork: config.network.mode === "private", protect: config.protect,
    secrets: {
      [secretNames.telemetry]: observability.connectionString,
      ...(config.openai.auth === "keys"
        ? Object.fromEntries([...accounts].map(([key, a]) => [secretNames.accountKey(key), a.primaryKey()]))
        : {}),
      ...subscriptionKeys?.secrets(),
    },
  });

  const privateNetwork = config.network.mode === "private" ? new PrivateNetwork("network", {
    stack, regions: config.gateway.regions, vnets: config.network.vnets,
    accounts: [...accounts].map(([key, a]) => ({ key, accountId: a.account.id, subdomain: a.account.name, settled: a.settled })),
    vault: { id: vault.vault.id, name: vault.vault.name }, commonTags: tags, protect: config.protect,
  }) : undefined;
  // Front Door exists before the gateway (whose policy checks its id) and routes to it after.
  const edge = config.network.mode === "public" ? new FrontDoorEdge("edge", {
    stack, region: home, config: config.edge, commonTags: tags, protect: config.protect, workspaceId: observability.workspace.id,
  }) : undefined;

  const entraApp = config.gateway.callerAuth === "entra"
    ? new GatewayApp("gateway-app", { project: PROJECT, stack, tenantId: client.tenantId, applications: config.applications })
    : undefined;
  const gatewayArgs = (regions: readonly string[]): ApiGatewayArgs => ({
    stack, config: config.gateway, regions, topology, applications: config.applications,
    targets: new Map([...accounts].map(([key, account]) => [key, { account, subscriptionId: subscriptionIdOf(account.spec.subscription) }])),
    entra: entraApp && { tenantId: client.tenantId, audience: entraApp.audience, clientId: entraApp.application.clientId, rolePrefix: APP_ROLE_PREFIX },
    subscriptionKeys,
    customDomain: config.network.gatewayDomain && config.gateway.certificate
      ? { hostName: config.network.gatewayDomain, ...config.gateway.certificate } : undefined,
    backendAuth: config.openai.auth,
    vault, vaultSubscriptionId: client.subscriptionId, secretNames, observability,
    nameSuffix: suffix.result, commonTags: tags, protect: config.protect,
    subnetIds: privateNetwork?.apimSubnetIds, frontDoorId: edge?.frontDoorId,
    // A component as a dependency stands for all its children: the vault's endpoint, zone, link and record.
    vaultAccess: privateNetwork && regions.map(r => privateNetwork.regions[r].privateLink),
  });
  const gateways = config.gateway.mode === "multi-region"
    ? [new ApiGateway("gateway", gatewayArgs(config.gateway.regions))]
    : config.gateway.regions.map(r => new ApiGateway(`gateway-${r}`, gatewayArgs([r])));
  const gatewayHosts = pulumi.all(gateways.map(g => g.gatewayHosts)).apply(hs => Object.assign({}, ...hs) as Record<string, string>);

  if (edge) {
    new FrontDoorRoute("edge-route", {
      edge, origins: edgeOrigins(config.edge.routing, config.gateway.regions, r => gatewayHosts.apply(h => h[r])),
      probeIntervalSeconds: config.edge.probeIntervalSeconds,
    });
  }
  // No private global load balancer exists: a private DNS record sends the gateway's name to the active region.
  const gatewayDns = privateNetwork && new GatewayDns("gateway-dns", {
    hostName: config.network.gatewayDomain ?? gateways[0].service.gatewayUrl.apply(u => u.replace(/^https:\/\//, "")),
    stack, dnsRegion: config.network.dnsRegion!,
    vnetIds: privateNetwork.vnetIds,
    hubVnetIds: privateNetwork.hubVnetIds,
    gatewayIps: pulumi.all(gateways.map(g => g.privateIps)).apply(ps => Object.assign({}, ...ps) as Record<string, string>),
    activeRegion: config.network.activeGatewayRegion!,
    commonTags: tags, protect: config.protect,
  });

  return {
    dataZone: topology.dataZone ?? "none",
    accounts: Object.fromEntries([...accounts].map(([key, a]) => {
      const spec = a.spec;
      return [key, {
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
    gateway: {
      mode: config.gateway.mode,
      strategy: config.gateway.strategy,
      callerAuth: config.gateway.callerAuth,
      audience: entraApp?.audience,
      // Where each application's team reads its subscription key pair (Key Vault secret names).
      subscriptionKeySecrets: subscriptionKeys && Object.fromEntries(config.applications.map(a =>
        [a.name, Object.fromEntries(KEY_SLOTS.map(slot => [slot, subscriptionKeySecretName(a.name, slot)]))])),
      hosts: gatewayHosts,
    },
    entry: edge
      ? { mode: "public", frontDoorHost: edge.endpointHostName }
      : {
        mode: "private", gatewayHost: gatewayDns!.zone.name, activeRegion: config.network.activeGatewayRegion, activeIp: gatewayDns!.activeIp,
        // The failover command targets this record alone (README, "Fail over"): it needs nothing in the failed region.
        failoverTarget: gatewayDns!.record.urn,
      },
    keyVaultUri: vault.vault.properties.vaultUri,
    modelRetirements: retirements(config),
  };
}

/** Model versions past or near their published retirement: a stack output that `pulumi up` shows and the plan prints. */
function retirements(config: BcdrConfig) {
  return retirementWarnings(requiredOffers(config), new Date().toISOString().slice(0, 10));
}

async function main(options: ProgramOptions = {}) {
  const config = await userErrors(() => parseConfig(readRawConfig(), Object.keys(pulumi.runtime.allConfig())));
  const capacities = await userErrors(async () => resolveCapacities(config, await quotaLookup(config, options)));
  const topology = buildTopology(config, capacities);
  await userErrors(() => checkFailoverFitsEntry(config, topology));
  return declare(config, topology);
}

export = main;

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
import { BcdrConfig, ConfigError, LiveAzure, PROJECT, validateStack } from "./config";
import { FrontDoorEdge, FrontDoorRoute, edgeOrigins } from "./edge";
import { ApiGateway, ApiGatewayArgs } from "./gateway/gateway";
import { SubscriptionKeys } from "./gateway/subscriptionKeys";
import type { GatewaySubnets } from "./gateway/service";
import { GatewayDns } from "./gatewayDns";
import { GatewayApp } from "./gateway/entraApp";
import { APP_ROLE_PREFIX } from "./gateway/ids";
import { azureModelsClient } from "./availability";
import { SecretVault } from "./keyvault";
import { PrivateNetwork } from "./network";
import { Observability, mirroredDiagnostics, regionalObservability } from "./observability";
import { OpenAiAccount } from "./openai";
import { ProgramOptions, azureUsagesClient } from "./quota";
import { planDate } from "./retirement";
import { Tags, commonTags } from "./tags";
import { Topology, buildTopology } from "./topology";
import { gatewayChains } from "./gateway/chains";
import { GatewayChain } from "./gateway/policy";
import { stackOutputs } from "./outputs";
import { GatewayWatchdog } from "./watchdog/watchdog";

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
async function liveAzure(options: ProgramOptions): Promise<LiveAzure> {
  const { subscriptionId } = await authorization.getClientConfig();
  return {
    subscriptionId,
    models: options.modelsClient ?? (await azureModelsClient()),
    usages: options.usagesClient ?? (await azureUsagesClient()),
  };
}

/** What every part of the stack shares. */
interface StackContext {
  readonly config: BcdrConfig;
  readonly topology: Topology;
  /** The topology's chains resolved to backends: computed once, shared by every gateway. */
  readonly chains: readonly GatewayChain[];
  readonly stack: string;
  readonly tags: Tags;
  /** The deployer's tenant and (primary) subscription. */
  readonly client: pulumi.Output<authorization.GetClientConfigResult>;
  /** The primary region: home of the stack-wide resources (vault, Front Door profile) and of its first logs. */
  readonly home: string;
  /** Stable per stack: every globally unique name ends with it. */
  readonly nameSuffix: pulumi.Output<string>;
  /** An explicit provider per overflow subscription. */
  readonly providers: ReadonlyMap<string, Provider>;
}

function stackContext(config: BcdrConfig, topology: Topology, chains: readonly GatewayChain[]): StackContext {
  // Replacing the suffix would replace every globally unique name: prod protects it.
  const suffix = new random.RandomString(
    "name-suffix",
    { length: 6, special: false, upper: false },
    { protect: config.protect },
  );
  return {
    config,
    topology,
    chains,
    stack: pulumi.getStack(),
    tags: commonTags(config.tags, PROJECT, pulumi.getStack()),
    client: authorization.getClientConfigOutput(),
    home: config.regions.primary,
    nameSuffix: suffix.result,
    // Extra subscriptions add quota; each gets an explicit provider.
    providers: new Map(
      config.overflowSubscriptions.map(s => [
        s.name,
        new Provider(`subscription-${s.name}`, { subscriptionId: s.subscriptionId }),
      ]),
    ),
  };
}

/** Gateway region -> where that region logs. */
type RegionalLogs = ReadonlyMap<string, Observability>;

/** An account logs to its own region's workspace; one outside the gateway regions, to the primary's. */
const logsOf = (logs: RegionalLogs, ctx: StackContext, region: string) => logs.get(region) ?? logs.get(ctx.home)!;

function declareAccounts(ctx: StackContext, logs: RegionalLogs): Map<string, OpenAiAccount> {
  const { config } = ctx;
  return new Map(
    ctx.topology.accounts.map(spec => [
      spec.key,
      new OpenAiAccount(
        spec.key,
        {
          spec,
          stack: ctx.stack,
          nameSuffix: ctx.nameSuffix,
          commonTags: ctx.tags,
          privateNetwork: hasPrivateBackends(config),
          localAuth: config.openai.auth === "keys",
          protect: config.protect,
          versionUpgradeOption: config.standard.versionUpgradeOption,
          workspaceId: logsOf(logs, ctx, spec.region).workspace.id,
        },
        { provider: ctx.providers.get(spec.subscription) },
      ),
    ]),
  );
}

const SECRET_NAMES = { accountKey: (key: string) => `openai-key-${key}` };

function declareVault(
  ctx: StackContext,
  accounts: Map<string, OpenAiAccount>,
  logs: RegionalLogs,
  subscriptionKeys?: SubscriptionKeys,
) {
  const { config } = ctx;
  return new SecretVault("vault", {
    stack: ctx.stack,
    region: ctx.home,
    tenantId: ctx.client.tenantId,
    nameSuffix: ctx.nameSuffix,
    commonTags: ctx.tags,
    privateNetwork: config.network.mode === "private",
    protect: config.protect,
    workspaceId: logs.get(ctx.home)!.workspace.id,
    secrets: {
      ...(config.openai.auth === "keys"
        ? Object.fromEntries([...accounts].map(([key, a]) => [SECRET_NAMES.accountKey(key), a.primaryKey()]))
        : {}),
      ...subscriptionKeys?.secrets(),
    },
  });
}

/** The resources the gateways are wired to. */
interface GatewayInputs {
  readonly accounts: Map<string, OpenAiAccount>;
  readonly vault: SecretVault;
  readonly logs: RegionalLogs;
  readonly subscriptionKeys?: SubscriptionKeys;
  readonly entraApp?: GatewayApp;
  readonly privateNetwork?: PrivateNetwork;
  readonly edge?: FrontDoorEdge;
}

/** Private mode injects the gateways into their subnets; public mode with VNets integrates them. */
const gatewaySubnets = (config: BcdrConfig, privateNetwork?: PrivateNetwork): GatewaySubnets | undefined =>
  privateNetwork && {
    use: config.network.mode === "private" ? "injected" : "integrated",
    ids: privateNetwork.apimSubnetIds,
  };

/** One multi-region gateway, or one per region. */
function declareGateways(ctx: StackContext, inputs: GatewayInputs): ApiGateway[] {
  const { config, client } = ctx;
  const { accounts, entraApp, privateNetwork } = inputs;
  const subscriptionIdOf = (name: string) =>
    config.overflowSubscriptions.find(s => s.name === name)?.subscriptionId ?? client.subscriptionId;
  const gatewayArgs = (regions: readonly string[]): ApiGatewayArgs => ({
    stack: ctx.stack,
    config: config.gateway,
    regions,
    topology: ctx.topology,
    chains: ctx.chains,
    applications: config.applications,
    targets: new Map(
      [...accounts].map(([key, account]) => [
        key,
        { account, subscriptionId: subscriptionIdOf(account.spec.subscription) },
      ]),
    ),
    entra: entraApp && {
      tenantId: client.tenantId,
      audience: entraApp.audience,
      clientId: entraApp.application.clientId,
      rolePrefix: APP_ROLE_PREFIX,
    },
    subscriptionKeys: inputs.subscriptionKeys,
    customDomain:
      config.network.gatewayDomain && config.gateway.certificate
        ? { hostName: config.network.gatewayDomain, ...config.gateway.certificate }
        : undefined,
    backendAuth: config.openai.auth,
    vault: inputs.vault,
    homeSubscriptionId: client.subscriptionId,
    secretNames: SECRET_NAMES,
    // Each service logs to its first region's Application Insights.
    observability: inputs.logs.get(regions[0])!,
    nameSuffix: ctx.nameSuffix,
    commonTags: ctx.tags,
    protect: config.protect,
    subnets: gatewaySubnets(config, privateNetwork),
    frontDoorId: inputs.edge?.frontDoorId,
    // A component as a dependency stands for all its children: the vault's endpoint, zone, link and record.
    vaultAccess: privateNetwork && regions.map(r => privateNetwork.regions[r].privateLink),
  });
  if (config.gateway.mode === "per-region")
    return config.gateway.regions.map(r => new ApiGateway(`gateway-${r}`, gatewayArgs([r])));
  const gateway = new ApiGateway("gateway", gatewayArgs(config.gateway.regions));
  // One service, every region's gateway: its platform logs (each row names the region that served it) go to
  // every gateway region's workspace, so the surviving region's workspace shows what the survivor served.
  mirroredDiagnostics(
    "gateway-diagnostics",
    gateway.service.id,
    workspacesBesides(inputs.logs, config.gateway.regions[0]),
    {
      parent: gateway,
    },
  );
  return [gateway];
}

/** Every region's workspace id but `region`'s. */
const workspacesBesides = (logs: RegionalLogs, region: string) =>
  new Map([...logs].filter(([r]) => r !== region).map(([r, o]) => [r, o.workspace.id] as const));

const mergeByRegion = (parts: pulumi.Output<Record<string, string>>[]) =>
  pulumi.all(parts).apply(ps => Object.assign({}, ...ps) as Record<string, string>);

/** No private global load balancer exists: a private DNS record sends the gateway's name to the active region. */
function declareGatewayDns(ctx: StackContext, privateNetwork: PrivateNetwork, gateways: ApiGateway[]): GatewayDns {
  const { config } = ctx;
  return new GatewayDns("gateway-dns", {
    hostName: config.network.gatewayDomain ?? gateways[0].service.gatewayUrl.apply(u => u.replace(/^https:\/\//, "")),
    stack: ctx.stack,
    dnsRegion: config.network.dnsRegion!,
    vnetIds: privateNetwork.vnetIds,
    hubVnetIds: privateNetwork.hubVnetIds,
    gatewayIps: mergeByRegion(gateways.map(g => g.privateIps)),
    activeRegion: config.network.activeGatewayRegion!,
    commonTags: ctx.tags,
    protect: config.protect,
    watchdogOwnsTarget: config.gateway.watchdog?.enabled === true,
  });
}

/** Private mode's failover watchdog, in the DNS zone's region: it moves the record when the active gateway fails. */
function declareWatchdog(ctx: StackContext, privateNetwork: PrivateNetwork, dns: GatewayDns, gateways: ApiGateway[]) {
  const { config } = ctx;
  const watchdog = config.gateway.watchdog;
  if (!watchdog?.enabled) return undefined;
  const active = config.network.activeGatewayRegion!;
  return new GatewayWatchdog("gateway-watchdog", {
    stack: ctx.stack,
    region: config.network.dnsRegion!,
    config: watchdog,
    regions: [active, ...config.gateway.regions.filter(r => r !== active)],
    gatewayVnets: Object.fromEntries(
      Object.entries(privateNetwork.regions).map(([region, r]) => [
        region,
        { id: r.network.vnet.id, name: r.network.vnet.name, resourceGroupName: r.network.resourceGroup.name },
      ]),
    ),
    gatewayIps: mergeByRegion(gateways.map(g => g.privateIps)),
    zone: dns.zone,
    zoneResourceGroup: dns.resourceGroup,
    record: dns.record,
    subscriptionId: ctx.client.subscriptionId,
    nameSuffix: ctx.nameSuffix,
    commonTags: ctx.tags,
    retentionInDays: config.observability.retentionInDays,
    protect: config.protect,
  });
}

/**
 * Whether the gateways reach the accounts through private endpoints (and the accounts close their public
 * access): always in private mode, and in public mode when the stack gives VNets for the gateways to integrate with.
 */
const hasPrivateBackends = (config: BcdrConfig) =>
  config.network.mode === "private" || Object.keys(config.network.vnets).length > 0;

/** A VNet per gateway region, with private endpoints to every account and the vault (see hasPrivateBackends). */
function declarePrivateNetwork(ctx: StackContext, accounts: Map<string, OpenAiAccount>, vault: SecretVault) {
  const { config } = ctx;
  if (!hasPrivateBackends(config)) return undefined;
  return new PrivateNetwork("network", {
    stack: ctx.stack,
    gatewaySubnet: config.network.mode === "private" ? "injected" : "integrated",
    regions: config.gateway.regions,
    vnets: config.network.vnets,
    accounts: [...accounts].map(([key, a]) => ({
      key,
      accountId: a.account.id,
      subdomain: a.account.name,
      settled: a.settled,
      region: a.region,
    })),
    vault: { id: vault.vault.id, name: vault.vault.name, region: ctx.home },
    centralZones: config.network.centralDnsZones,
    commonTags: ctx.tags,
    protect: config.protect,
  });
}

/** Public mode: Front Door exists before the gateway (whose policy checks its id) and routes to it after. */
function declareEdge(ctx: StackContext, logs: RegionalLogs) {
  const { config } = ctx;
  if (config.network.mode !== "public") return undefined;
  const edge = new FrontDoorEdge("edge", {
    stack: ctx.stack,
    region: ctx.home,
    config: config.edge,
    commonTags: ctx.tags,
    protect: config.protect,
    workspaceId: logs.get(ctx.home)!.workspace.id,
  });
  // Front Door serves every region: its access, probe and WAF logs also go to each other region's workspace.
  mirroredDiagnostics("edge-diagnostics", edge.profile.id, workspacesBesides(logs, ctx.home), { parent: edge });
  return edge;
}

/** The callers' side: an Entra ID app registration, or subscription keys generated once and kept in Key Vault. */
function declareCallers(ctx: StackContext) {
  const { config } = ctx;
  return {
    // Set on every region's gateway: a failover keeps every caller's key valid.
    subscriptionKeys:
      config.gateway.callerAuth === "subscription-key"
        ? new SubscriptionKeys("gateway-keys", { applications: config.applications })
        : undefined,
    entraApp: (): GatewayApp | undefined =>
      config.gateway.callerAuth === "entra"
        ? new GatewayApp("gateway-app", {
            project: PROJECT,
            stack: ctx.stack,
            applications: config.applications,
          })
        : undefined,
  };
}

function declare(config: BcdrConfig, topology: Topology, chains: readonly GatewayChain[], today: string) {
  const ctx = stackContext(config, topology, chains);
  const logs = regionalObservability({
    stack: ctx.stack,
    primary: ctx.home,
    regions: config.gateway.regions,
    commonTags: ctx.tags,
    retentionInDays: config.observability.retentionInDays,
    protect: config.protect,
  });
  const accounts = declareAccounts(ctx, logs);
  const callers = declareCallers(ctx);
  const subscriptionKeys = callers.subscriptionKeys;
  const vault = declareVault(ctx, accounts, logs, subscriptionKeys);
  const privateNetwork = declarePrivateNetwork(ctx, accounts, vault);
  const edge = declareEdge(ctx, logs);
  const entraApp = callers.entraApp();
  const gateways = declareGateways(ctx, {
    accounts,
    vault,
    logs,
    subscriptionKeys,
    entraApp,
    privateNetwork,
    edge,
  });
  const gatewayHosts = mergeByRegion(gateways.map(g => g.gatewayHosts));
  if (edge) {
    new FrontDoorRoute("edge-route", {
      edge,
      origins: edgeOrigins(config.edge.routing, config.gateway.regions, r => gatewayHosts.apply(h => h[r])),
      probeIntervalSeconds: config.edge.probeIntervalSeconds,
    });
  }
  const gatewayDns =
    config.network.mode === "private" && privateNetwork ? declareGatewayDns(ctx, privateNetwork, gateways) : undefined;
  if (privateNetwork && gatewayDns) declareWatchdog(ctx, privateNetwork, gatewayDns, gateways);
  return stackOutputs({
    config,
    topology,
    chains,
    today,
    accounts,
    gatewayHosts,
    vault,
    entraApp,
    subscriptionKeys,
    edge,
    gatewayDns,
  });
}

async function main(options: ProgramOptions = {}) {
  // The plan's date decides which model versions are retired (AOAI_BCDR_TODAY plans "as of" another day).
  const today = options.today ?? planDate();
  const { config, capacities } = await userErrors(() =>
    validateStack(readRawConfig(), Object.keys(pulumi.runtime.allConfig()), { today, live: () => liveAzure(options) }),
  );
  const topology = buildTopology(config, capacities);
  // The chains, resolved to backends once: every gateway's pools and policy read them.
  return declare(config, topology, gatewayChains(config, topology), today);
}

export = main;

/**
 * The generative AI gateway: an API Management service (one Premium service spanning regions, or one
 * service per region) exposing the Azure OpenAI inference API, with a circuit-breaker backend per
 * OpenAI account, a backend pool per failover chain and the generated failover policy.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as network from "@pulumi/azure-native/network";
import { GatewayConfig } from "../config";
import { grantRole } from "../identity";
import { SecretVault } from "../keyvault";
import { globalName } from "../naming";
import { resourceGroup } from "../resourceGroup";
import { Observability, diagnosticSetting } from "../observability";
import { OpenAiAccount } from "../openai";
import { policyChains } from "./chains";
import { API_ID, API_PATH, FRONT_DOOR_ID_NAMED_VALUE, TELEMETRY_NAMED_VALUE, endpointNamedValue, keyNamedValue, standardPoolId } from "./ids";
import { CallerAuth, buildApiPolicy } from "./policy";
import { Tags, roleTags } from "../tags";
import { Topology } from "../topology";

/** An OpenAI account behind the gateway, with the subscription it lives in (for role definition ids). */
export interface GatewayTarget {
  readonly account: OpenAiAccount;
  readonly subscriptionId: pulumi.Input<string>;
}

export interface ApiGatewayArgs {
  readonly stack: string;
  readonly config: GatewayConfig;
  /** Regions this service runs in: the first hosts it, the others are additional locations. */
  readonly regions: readonly string[];
  readonly topology: Topology;
  readonly applications: readonly { readonly name: string; readonly priority: number; readonly workload?: string; readonly tokensPerMinute?: number; readonly clientApplicationIds: readonly string[] }[];
  /** Account key -> target. */
  readonly targets: ReadonlyMap<string, GatewayTarget>;
  /** Entra ID: the tenant and audience callers' tokens must carry; undefined with subscription keys. */
  readonly entra?: { readonly tenantId: pulumi.Input<string>; readonly audience: string; readonly clientId: pulumi.Input<string>; readonly rolePrefix: string };
  readonly backendAuth: "managedIdentity" | "keys";
  readonly vault: SecretVault;
  readonly vaultSubscriptionId: pulumi.Input<string>;
  /** Key Vault secret name per purpose: the telemetry connection string, and each account's key in key mode. */
  readonly secretNames: { readonly telemetry: string; readonly accountKey: (accountKey: string) => string };
  readonly observability: Observability;
  readonly nameSuffix: pulumi.Input<string>;
  readonly commonTags: Tags;
  readonly protect: boolean;
  /** Private mode: the APIM subnet per region (internal VNet mode). */
  readonly subnetIds?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Public mode: the Front Door profile's id; the policy refuses requests without it in `X-Azure-FDID`. */
  readonly frontDoorId?: pulumi.Input<string>;
}

/** The OpenAI inference operations the gateway exposes; each carries the deployment in its path. */
const OPERATIONS = [
  { id: "chat-completions", displayName: "Chat completions", urlTemplate: "/deployments/{deployment-id}/chat/completions" },
  { id: "completions", displayName: "Completions", urlTemplate: "/deployments/{deployment-id}/completions" },
  { id: "embeddings", displayName: "Embeddings", urlTemplate: "/deployments/{deployment-id}/embeddings" },
] as const;

/** TLS 1.0/1.1 and SSL 3 off on both sides of the gateway. */
const TLS12_ONLY = Object.fromEntries([
  "Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30", "Backend.Protocols.Tls10", "Backend.Protocols.Tls11", "Backend.Protocols.Ssl30",
].map(p => [`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${p}`, "False"]));

export class ApiGateway extends pulumi.ComponentResource {
  public readonly service: apimanagement.ApiManagementService;
  /** Region -> the regional gateway host name (what Front Door or the private DNS record points at). */
  public readonly gatewayHosts: pulumi.Output<Record<string, string>>;
  /** Region -> the gateway's private IP (private mode). */
  public readonly privateIps: pulumi.Output<Record<string, string>>;
  public readonly policyXml: pulumi.Output<string>;

  constructor(name: string, args: ApiGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:gateway:ApiGateway", name, {}, opts);
    const { config: g } = args;
    const [home, ...additional] = args.regions;
    const tags = roleTags(args.commonTags, "gateway");
    const child = { parent: this };
    const internal = args.subnetIds !== undefined;

    const rg = resourceGroup(name, { stack: args.stack, purpose: "gateway", region: home, tags }, { parent: this, protect: args.protect });

    // Internal VNet mode needs a Standard public IP per region for management traffic.
    const publicIps = internal ? Object.fromEntries(args.regions.map(r => [r, new network.PublicIPAddress(`${name}-pip-${r}`, {
      publicIpAddressName: `pip-apim-${args.stack}-${r}`,
      resourceGroupName: rg.name,
      location: r,
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
      dnsSettings: { domainNameLabel: pulumi.output(args.nameSuffix).apply(s => globalName(["apim", args.stack, r], s, 63)) },
      tags,
    }, child)])) : undefined;
    const zones = g.zoneRedundant ? ["1", "2", "3"].slice(0, Math.min(3, g.capacity)) : undefined;
    const vnet = (r: string) => internal ? { subnetResourceId: args.subnetIds![r] } : undefined;

    this.service = new apimanagement.ApiManagementService(`${name}-service`, {
      serviceName: pulumi.output(args.nameSuffix).apply(s => globalName(additional.length > 0 ? ["apim", args.stack] : ["apim", args.stack, home], s, 50)),
      resourceGroupName: rg.name,
      location: home,
      sku: { name: g.sku, capacity: g.capacity },
      zones,
      publisherName: g.publisherName,
      publisherEmail: g.publisherEmail,
      identity: { type: "SystemAssigned" },
      customProperties: TLS12_ONLY,
      virtualNetworkType: internal ? "Internal" : "None",
      virtualNetworkConfiguration: vnet(home),
      publicIpAddressId: publicIps?.[home].id,
      additionalLocations: additional.length > 0 ? additional.map(r => ({
        location: r,
        sku: { name: g.sku, capacity: g.capacity },
        zones,
        virtualNetworkConfiguration: vnet(r),
        publicIpAddressId: publicIps?.[r].id,
      })) : undefined,
      tags,
    }, { parent: this, protect: args.protect });

    const serviceName = this.service.name;
    const serviceArgs = { serviceName, resourceGroupName: rg.name };
    const principalId = this.service.identity.apply(i => i?.principalId ?? "");

    // The gateway's identity reads the vault's secrets (named values) and calls every account.
    const vaultAccess = grantRole(`${name}-vault-secrets-user`, {
      scope: args.vault.vault.id, principalId, role: "keyVaultSecretsUser", subscriptionId: args.vaultSubscriptionId,
    }, child);
    for (const [key, target] of args.targets) {
      grantRole(`${name}-openai-user-${key}`, {
        scope: target.account.account.id, principalId, role: "cognitiveServicesOpenAiUser", subscriptionId: target.subscriptionId,
      }, child);
    }

    const vaultNamedValue = (id: string, secretName: string) => new apimanagement.NamedValue(`${name}-nv-${id}`, {
      ...serviceArgs,
      namedValueId: id,
      displayName: id,
      secret: true,
      keyVault: { secretIdentifier: args.vault.secretUris[secretName] },
    }, { parent: this, dependsOn: [vaultAccess] });

    const telemetry = vaultNamedValue(TELEMETRY_NAMED_VALUE, args.secretNames.telemetry);
    const accountKeys = args.backendAuth === "keys"
      ? new Map([...args.targets.keys()].map(k => [k, vaultNamedValue(keyNamedValue(k), args.secretNames.accountKey(k))]))
      : new Map<string, apimanagement.NamedValue>();
    // Both strategies replay requests on other accounts with send-request (the pool's on-error fallback).
    for (const [key, target] of args.targets) {
      new apimanagement.NamedValue(`${name}-nv-${endpointNamedValue(key)}`, {
        ...serviceArgs, namedValueId: endpointNamedValue(key), displayName: endpointNamedValue(key), secret: false,
        value: target.account.endpoint,
      }, child);
    }

    const frontDoor = args.frontDoorId === undefined ? undefined : new apimanagement.NamedValue(`${name}-nv-${FRONT_DOOR_ID_NAMED_VALUE}`, {
      ...serviceArgs, namedValueId: FRONT_DOOR_ID_NAMED_VALUE, displayName: FRONT_DOOR_ID_NAMED_VALUE, secret: false, value: args.frontDoorId,
    }, child);

    // One backend per account; its breaker trips on the first 429/5xx and honours Retry-After.
    const backends = new Map([...args.targets].map(([key, target]) => [key, new apimanagement.Backend(`${name}-backend-${key}`, {
      ...serviceArgs,
      backendId: key,
      title: `${key} (${target.account.region})`,
      protocol: "http",
      url: pulumi.interpolate`${target.account.endpoint}${API_PATH}`,
      tls: { validateCertificateChain: true, validateCertificateName: true },
      credentials: accountKeys.has(key) ? { header: { "api-key": [`{{${keyNamedValue(key)}}}`] } } : undefined,
      circuitBreaker: {
        rules: [{
          name: "spill-over",
          failureCondition: {
            count: 1,
            interval: "PT10S",
            statusCodeRanges: [{ min: 429, max: 429 }, { min: 500, max: 599 }],
          },
          tripDuration: "PT10S",
          acceptRetryAfter: true,
        }],
      },
    }, { parent: this, dependsOn: accountKeys.has(key) ? [accountKeys.get(key)!] : [] })]));

    const chains = policyChains(args.topology, args.backendAuth, g.tierTimeoutSeconds);
    const pool = (id: string, title: string, members: readonly { backendId: string; priority: number; weight: number }[]) =>
      new apimanagement.Backend(`${name}-${id}`, {
        ...serviceArgs,
        backendId: id,
        title,
        type: "Pool",
        pool: { services: members.map(m => ({ id: backends.get(m.backendId)!.id, priority: m.priority, weight: m.weight })) },
      }, child);
    const weights = (chainName: string) => new Map(args.topology.chains.find(c => c.name === chainName)!.tiers.map(t => [t.account, t.weight]));
    const pools = chains.map(c => pool(c.poolId, `Failover chain ${c.name}`,
      c.tiers.map(t => ({ backendId: t.accountKey, priority: t.priority, weight: weights(c.name).get(t.accountKey)! }))));
    // Standard-only pools: where lower-priority callers go when a PTU pool runs hot.
    const shedTargets = [...new Set(chains.filter(c => c.firstPtu).map(c => c.deployment))];
    const standardPools = shedTargets.map(d => {
      const shared = args.topology.chains.find(c => c.deployment === d && !c.workload)!;
      const standard = shared.tiers.filter(t => args.topology.accounts.find(a => a.key === t.account)?.role === "standard");
      return pool(standardPoolId(d), `Standard tier of ${d}`, standard.map(t => ({ backendId: t.account, priority: t.priority, weight: t.weight })));
    });

    const api = new apimanagement.Api(`${name}-api`, {
      ...serviceArgs,
      apiId: API_ID,
      displayName: "Azure OpenAI",
      description: "Azure OpenAI inference behind the BCDR failover chains.",
      path: API_PATH,
      protocols: ["https"],
      subscriptionRequired: g.callerAuth === "subscription-key",
      // The OpenAI SDKs send their key in `api-key`: subscription keys work with them unchanged.
      subscriptionKeyParameterNames: { header: "api-key", query: "api-key" },
    }, child);
    for (const op of OPERATIONS) {
      new apimanagement.ApiOperation(`${name}-op-${op.id}`, {
        ...serviceArgs,
        apiId: API_ID,
        operationId: op.id,
        displayName: op.displayName,
        method: "POST",
        urlTemplate: op.urlTemplate,
        templateParameters: [{ name: "deployment-id", type: "string", required: true }],
      }, { parent: this, dependsOn: [api] });
    }

    const callerAuth: pulumi.Output<CallerAuth> = args.entra
      ? pulumi.all([args.entra.tenantId, args.entra.clientId]).apply(([tenantId, clientId]) => ({
        kind: "entra" as const, tenantId, audiences: [args.entra!.audience, clientId], rolePrefix: args.entra!.rolePrefix,
        clientApplicationIds: [...new Set(args.applications.flatMap(a => a.clientApplicationIds))],
      }))
      : pulumi.output({ kind: "subscription-key" as const });
    this.policyXml = callerAuth.apply(auth => buildApiPolicy({
      strategy: g.strategy,
      callerAuth: auth,
      backendAuth: args.backendAuth,
      applications: args.applications,
      chains,
      retryAfterSeconds: g.retryAfterSeconds,
      ptuBudget: { 2: g.ptuBudget.priority2, 3: g.ptuBudget.priority3 },
      exposeBackendNames: g.exposeBackendNames,
      frontDoorIdNamedValue: frontDoor ? FRONT_DOOR_ID_NAMED_VALUE : undefined,
    }));
    new apimanagement.ApiPolicy(`${name}-api-policy`, {
      ...serviceArgs,
      apiId: API_ID,
      policyId: "policy",
      format: "xml",
      value: this.policyXml,
    }, { parent: this, dependsOn: [api, ...pools, ...standardPools, ...accountKeys.values(), ...(frontDoor ? [frontDoor] : [])] });

    if (g.callerAuth === "subscription-key") {
      // One product per application: its subscription key identifies it to the policy.
      for (const app of args.applications) {
        const product = new apimanagement.Product(`${name}-product-${app.name}`, {
          ...serviceArgs, productId: app.name, displayName: app.name, subscriptionRequired: true,
          approvalRequired: false, state: "published",
          description: `Application ${app.name} (priority ${app.priority}).`,
        }, child);
        new apimanagement.ProductApi(`${name}-product-api-${app.name}`, {
          ...serviceArgs, productId: app.name, apiId: API_ID,
        }, { parent: this, dependsOn: [product, api] });
        new apimanagement.Subscription(`${name}-subscription-${app.name}`, {
          ...serviceArgs, sid: app.name, displayName: app.name, scope: pulumi.interpolate`${this.service.id}/products/${app.name}`, state: "active",
        }, { parent: this, dependsOn: [product] });
      }
    }

    const logger = new apimanagement.Logger(`${name}-logger`, {
      ...serviceArgs,
      loggerId: "appinsights",
      loggerType: "applicationInsights",
      resourceId: args.observability.appInsights.id,
      credentials: { connectionString: `{{${TELEMETRY_NAMED_VALUE}}}` },
    }, { parent: this, dependsOn: [telemetry] });
    new apimanagement.ApiDiagnostic(`${name}-api-diagnostics`, {
      ...serviceArgs,
      apiId: API_ID,
      diagnosticId: "applicationinsights",
      loggerId: logger.id,
      alwaysLog: "allErrors",
      sampling: { samplingType: "fixed", percentage: 100 },
      verbosity: "information",
      // Custom metrics carry the token counts the policy emits.
      metrics: true,
      logClientIp: true,
      httpCorrelationProtocol: "W3C",
      // Prompts and completions can be confidential: no bodies in the logs.
      frontend: { request: { body: { bytes: 0 } }, response: { body: { bytes: 0 } } },
      backend: { request: { body: { bytes: 0 } }, response: { body: { bytes: 0 } } },
    }, { parent: this, dependsOn: [api] });
    diagnosticSetting(`${name}-diagnostics`, this.service.id, args.observability.workspace.id, child);

    const host = (url: string | undefined) => (url ?? "").replace(/^https:\/\//, "").replace(/\/$/, "");
    this.gatewayHosts = pulumi.all([this.service.gatewayRegionalUrl, this.service.additionalLocations]).apply(([url, locations]) => ({
      [home]: host(url),
      ...Object.fromEntries((locations ?? []).map(l => [l.location, host(l.gatewayRegionalUrl)])),
    }));
    this.privateIps = pulumi.all([this.service.privateIPAddresses, this.service.additionalLocations]).apply(([ips, locations]) => ({
      [home]: ips?.[0] ?? "",
      ...Object.fromEntries((locations ?? []).map(l => [l.location, l.privateIPAddresses?.[0] ?? ""])),
    }));
    this.registerOutputs({ gatewayHosts: this.gatewayHosts, privateIps: this.privateIps });
  }
}

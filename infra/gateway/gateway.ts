/**
 * The generative AI gateway: an API Management service (one Premium service spanning regions, or one
 * service per region) exposing the Azure OpenAI inference API behind the generated failover policy.
 * This component composes the parts, each in its own module: the identity and its grants (identity.ts),
 * the service (service.ts), named values (namedValues.ts), backends (backends.ts), the API
 * (api.ts), products and subscriptions (products.ts) and telemetry (telemetry.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { GatewayConfig } from "../config";
import { RoleGrant } from "../identity";
import { SecretVault } from "../keyvault";
import { Observability } from "../observability";
import { OpenAiAccount } from "../openai";
import { resourceGroup } from "../resourceGroup";
import { Tags, roleTags } from "../tags";
import { Topology } from "../topology";
import { openAiApi, openAiApiPolicy } from "./api";
import { declareBackends } from "./backends";
import { gatewayIdentity } from "./identity";
import { FRONT_DOOR_ID_NAMED_VALUE, keyNamedValue } from "./ids";
import { ServiceRef, VaultReader, plainNamedValue, vaultNamedValue } from "./namedValues";
import { GatewayChain, buildApiPolicy } from "./policy";
import { apiPolicyInput } from "./policyInput";
import { declareProducts } from "./products";
import { CustomDomain, GatewaySubnets, gatewayHosts, gatewayPrivateIps, gatewayService } from "./service";
import { SubscriptionKeys } from "./subscriptionKeys";
import { serviceIdentityType, systemIdentityVaultGrant } from "./systemIdentity";
import { declareTelemetry } from "./telemetry";

/** An OpenAI account behind the gateway, with the subscription it lives in (for role definition ids). */
export interface GatewayTarget {
  readonly account: OpenAiAccount;
  readonly subscriptionId: pulumi.Input<string>;
}

/** A custom gateway host name and the Key Vault secret holding its certificate (PFX with private key). */
export interface GatewayDomain {
  readonly hostName: string;
  /** ARM id of the vault holding the certificate: the gateway's identity is granted read access on it. */
  readonly keyVaultId: string;
  readonly secretName: string;
}

export interface ApiGatewayArgs {
  readonly stack: string;
  readonly config: GatewayConfig;
  /** Regions this service runs in: the first hosts it, the others are additional locations. */
  readonly regions: readonly string[];
  readonly topology: Topology;
  /** The topology's chains resolved to backends (./chains): computed once per run, shared by every gateway. */
  readonly chains: readonly GatewayChain[];
  readonly applications: readonly {
    readonly name: string;
    readonly priority: number;
    readonly workload?: string;
    readonly tokensPerMinute?: number;
    readonly clientApplicationIds: readonly string[];
  }[];
  /** Account key -> target. */
  readonly targets: ReadonlyMap<string, GatewayTarget>;
  /** Entra ID: the tenant and audience callers' tokens must carry; undefined with subscription keys. */
  readonly entra?: {
    readonly tenantId: pulumi.Input<string>;
    readonly audience: pulumi.Input<string>;
    readonly clientId: pulumi.Input<string>;
    readonly rolePrefix: string;
  };
  /** Subscription-key callers: every application's key pair, shared by every region's gateway. */
  readonly subscriptionKeys?: SubscriptionKeys;
  readonly backendAuth: "managedIdentity" | "keys";
  readonly vault: SecretVault;
  /** The subscription of the stack-wide resources (the vault, Application Insights): role definitions live there. */
  readonly homeSubscriptionId: pulumi.Input<string>;
  /** Key Vault secret name of each account's key (key mode). */
  readonly secretNames: { readonly accountKey: (accountKey: string) => string };
  readonly observability: Observability;
  readonly nameSuffix: pulumi.Input<string>;
  readonly commonTags: Tags;
  readonly protect: boolean;
  /**
   * The APIM subnet per region and how the gateway uses it: injected (private mode, internal VNet mode) or
   * integrated (public mode with VNets: Standard v2's outbound calls).
   */
  readonly subnets?: GatewaySubnets;
  /** Public mode: the Front Door profile's id; the policy refuses requests without it in `X-Azure-FDID`. */
  readonly frontDoorId?: pulumi.Input<string>;
  readonly customDomain?: GatewayDomain;
  /** Private mode: what makes the vault reachable from this gateway's regions (the private endpoints and DNS there). */
  readonly vaultAccess?: readonly pulumi.Resource[];
}

/** `https://<vault>.vault.azure.net/secrets/<name>` for a vault's ARM id. */
export function secretUri(keyVaultId: string, secretName: string): string {
  return `https://${keyVaultId.split("/").pop()!.toLowerCase()}.vault.azure.net/secrets/${secretName}`;
}

/**
 * Everything the gateway's user-assigned identity is granted, by logical suffix: telemetry ingestion, every
 * account, a public certificate vault. Never the stack's vault: its firewall admits only the service's
 * system-assigned identity (./systemIdentity.ts).
 */
function identityGrants(args: ApiGatewayArgs): Map<string, Omit<RoleGrant, "principalId">> {
  const grants = new Map<string, Omit<RoleGrant, "principalId">>([
    [
      "appinsights-publisher",
      {
        scope: args.observability.appInsights.id,
        role: "monitoringMetricsPublisher",
        subscriptionId: args.homeSubscriptionId,
      },
    ],
  ]);
  for (const [key, target] of args.targets) {
    grants.set(`openai-user-${key}`, {
      scope: target.account.account.id,
      role: "cognitiveServicesOpenAiUser",
      subscriptionId: target.subscriptionId,
    });
  }
  if (args.customDomain) {
    // API Management reads a Key Vault certificate through its secret (the PFX), which Key Vault Secrets User allows.
    const { keyVaultId } = args.customDomain;
    grants.set("certificate-reader", {
      scope: keyVaultId,
      role: "keyVaultSecretsUser",
      subscriptionId: keyVaultId.split("/")[2],
    });
  }
  return grants;
}

/** The named values the policy and backends read: keys (key mode), the Front Door id (public mode). */
function declareNamedValues(
  name: string,
  args: ApiGatewayArgs,
  service: ServiceRef,
  vaultReader: () => VaultReader,
  parent: pulumi.Resource,
) {
  // Key mode only reads the vault: the reader's grant and wait exist only then.
  const reader = args.backendAuth === "keys" ? vaultReader() : undefined;
  const keyValue = (key: string, r: VaultReader) =>
    vaultNamedValue(
      name,
      keyNamedValue(key),
      args.vault.secretUris[args.secretNames.accountKey(key)],
      service,
      r,
      parent,
    );
  const endpoints = new Map([...args.targets].map(([key, t]) => [key, t.account.endpoint] as const));
  return {
    keyNamedValues: new Map(reader ? [...args.targets.keys()].map(k => [k, keyValue(k, reader)] as const) : []),
    endpoints,
    frontDoor:
      args.frontDoorId === undefined
        ? undefined
        : [plainNamedValue(name, FRONT_DOOR_ID_NAMED_VALUE, args.frontDoorId, service, parent)],
  };
}

/** The API's policy document, generated from the chains once the callers' and the identity's ids are known. */
function policyDocument(
  args: ApiGatewayArgs,
  identityClientId: pulumi.Output<string>,
  checksFrontDoor: boolean,
): pulumi.Output<string> {
  const { entra } = args;
  const entraIds = entra
    ? pulumi
        .all([entra.tenantId, entra.audience, entra.clientId])
        .apply(([tenantId, audience, clientId]) => ({ tenantId, audience, clientId, rolePrefix: entra.rolePrefix }))
    : undefined;
  return pulumi.all([entraIds, identityClientId]).apply(([ids, clientId]) =>
    buildApiPolicy(
      apiPolicyInput(args.config, args.applications, args.chains, args.backendAuth, {
        entra: ids,
        identityClientId: clientId,
        checksFrontDoor,
      }),
    ),
  );
}

export class ApiGateway extends pulumi.ComponentResource {
  public readonly service: apimanagement.ApiManagementService;
  /** Region -> the regional gateway host name (what Front Door or the private DNS record points at). */
  public readonly gatewayHosts: pulumi.Output<Record<string, string>>;
  /** Region -> the gateway's private IP (private mode). */
  public readonly privateIps: pulumi.Output<Record<string, string>>;
  public readonly policyXml: pulumi.Output<string>;

  constructor(name: string, args: ApiGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:gateway:ApiGateway", name, {}, opts);
    const home = args.regions[0];
    const tags = roleTags(args.commonTags, "gateway");
    const rg = resourceGroup(
      name,
      { stack: args.stack, purpose: "gateway", region: home, tags },
      { parent: this, protect: args.protect },
    );

    const { identity, grants } = gatewayIdentity(
      name,
      { stack: args.stack, region: home, resourceGroupName: rg.name, tags, grants: identityGrants(args) },
      this,
    );
    const domain: CustomDomain | undefined = args.customDomain && {
      hostName: args.customDomain.hostName,
      certificateSecretUri: secretUri(args.customDomain.keyVaultId, args.customDomain.secretName),
    };
    this.service = gatewayService(
      name,
      {
        stack: args.stack,
        config: args.config,
        regions: args.regions,
        resourceGroupName: rg.name,
        nameSuffix: args.nameSuffix,
        tags,
        protect: args.protect,
        identity: {
          id: identity.id,
          clientId: identity.clientId,
          grants,
          // Key mode's named values read the firewalled vault: only the system-assigned identity may.
          type: serviceIdentityType(args.backendAuth === "keys"),
        },
        subnets: args.subnets,
        customDomain: domain,
      },
      this,
    );

    const service: ServiceRef = { serviceName: this.service.name, resourceGroupName: rg.name };
    const reader = (): VaultReader => ({
      ready: [
        systemIdentityVaultGrant(
          name,
          { service: this.service, vaultId: args.vault.vault.id, subscriptionId: args.homeSubscriptionId },
          this,
        ),
        ...(args.vaultAccess ?? []),
      ],
    });
    this.policyXml = this.declareApi(name, args, service, reader, identity.clientId);
    this.gatewayHosts = gatewayHosts(this.service, args.config.sku, home);
    this.privateIps = gatewayPrivateIps(this.service, home);
    this.registerOutputs({ gatewayHosts: this.gatewayHosts, privateIps: this.privateIps });
  }

  /** Named values, backends, the API with its policy, products and telemetry; returns the policy document. */
  private declareApi(
    name: string,
    args: ApiGatewayArgs,
    service: ServiceRef,
    reader: () => VaultReader,
    identityClientId: pulumi.Output<string>,
  ): pulumi.Output<string> {
    const g = args.config;
    const values = declareNamedValues(name, args, service, reader, this);
    const { endpoints, keyNamedValues } = values;
    const backends = declareBackends(name, { service, topology: args.topology, endpoints, keyNamedValues }, this);
    const { api } = openAiApi(name, { service, subscriptionRequired: g.callerAuth === "subscription-key" }, this);
    const xml = policyDocument(args, identityClientId, values.frontDoor !== undefined);
    openAiApiPolicy(
      name,
      service,
      xml,
      [api, ...backends, ...keyNamedValues.values(), ...(values.frontDoor ?? [])],
      this,
    );
    if (g.callerAuth === "subscription-key") {
      if (!args.subscriptionKeys)
        throw new Error("subscription-key callers need the applications' shared subscription keys");
      declareProducts(
        name,
        { service, serviceId: this.service.id, applications: args.applications, keys: args.subscriptionKeys.keys, api },
        this,
      );
    }
    declareTelemetry(
      name,
      {
        service,
        serviceId: this.service.id,
        observability: args.observability,
        identityClientId,
        api,
      },
      this,
    );
    return xml;
  }
}

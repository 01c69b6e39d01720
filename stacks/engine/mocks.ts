/**
 * Pulumi mocks that answer like Azure would: ARM-shaped resource ids in the right subscription and
 * resource group, `https://<subdomain>.openai.azure.com/` endpoints, principal ids for system-assigned
 * identities, regional gateway URLs, Key Vault URIs, private endpoint IPs allocated in their subnet,
 * Front Door host names and ids, the names Azure echoes back. Values are derived
 * from the resource's identity (never random), so two runs of the same stack answer the same.
 *
 * They also refuse what ARM refuses on PUT, from data with a cited source (./refusals/): a name that
 * breaks its type's rule or is taken in its scope, a model version not offered on its SKU in the account's
 * region, a VNet linked to two private zones of one name (the landing zone's links included), a subnet out of
 * addresses, zones in a region without any, a privatelink zone the landing zone denies, a policy document or a
 * count over its API Management tier's limit, a Front Door origin priority outside 1-5. A refusal is recorded (the mock monitor cannot fail one registration without crashing the
 * process) and ./runner.ts fails the run with every refusal once the program has finished.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "../../infra/identity";
import { APIM_REFUSAL_SOURCE, APIM_TIERS, ApimMock, ApimRefusal } from "./refusals/apim";
import { deploymentRefusal } from "./refusals/availability";
import { retiredDeploymentRefusal } from "./refusals/retirements";
import { planDate } from "../../infra/retirement";
import { DiagnosticSettingRegistry } from "./refusals/diagnosticSettings";
import { DnsLinkRegistry } from "./refusals/dnsLinks";
import {
  LandingZone,
  NO_LANDING_ZONE,
  existingLinks,
  privateZoneRefusal,
  subnetWithoutNsgRefusal,
} from "./refusals/landingZone";
import { SubnetAddresses, SubnetTraits } from "./refusals/subnets";
import { zoneRefusals } from "./refusals/zones";
import { ServiceLimits } from "./refusals/limits";
import { NameRegistry } from "./refusals/names";
import { AzureRefusal } from "./refusals/refusal";
import { armNameInput } from "../../catalog/namingRules";
import { TYPES } from "../../catalog/types";
import type { Props } from "./props";

export const DEFAULT_SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000000";
export const TENANT_ID = "11111111-1111-4111-8111-111111111111";

/** ARM path below `/providers/` of each resource-group-scoped type. */
const ARM_PATHS: Record<string, (i: Props, name: string) => string> = {
  [TYPES.account]: (_, n) => `Microsoft.CognitiveServices/accounts/${n}`,
  [TYPES.deployment]: (i, n) => `Microsoft.CognitiveServices/accounts/${i.accountName}/deployments/${n}`,
  [TYPES.apimService]: (_, n) => `Microsoft.ApiManagement/service/${n}`,
  [TYPES.backend]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/backends/${n}`,
  [TYPES.namedValue]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/namedValues/${n}`,
  [TYPES.api]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/apis/${n}`,
  [TYPES.apiOperation]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/apis/${i.apiId}/operations/${n}`,
  [TYPES.apiPolicy]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/apis/${i.apiId}/policies/${n}`,
  [TYPES.apiDiagnostic]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/apis/${i.apiId}/diagnostics/${n}`,
  [TYPES.logger]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/loggers/${n}`,
  [TYPES.product]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/products/${n}`,
  [TYPES.productApi]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/products/${i.productId}/apis/${n}`,
  [TYPES.subscription]: (i, n) => `Microsoft.ApiManagement/service/${i.serviceName}/subscriptions/${n}`,
  [TYPES.vault]: (_, n) => `Microsoft.KeyVault/vaults/${n}`,
  [TYPES.secret]: (i, n) => `Microsoft.KeyVault/vaults/${i.vaultName}/secrets/${n}`,
  [TYPES.workspace]: (_, n) => `Microsoft.OperationalInsights/workspaces/${n}`,
  [TYPES.appInsights]: (_, n) => `Microsoft.Insights/components/${n}`,
  [TYPES.publicIp]: (_, n) => `Microsoft.Network/publicIPAddresses/${n}`,
  [TYPES.networkSecurityGroup]: (_, n) => `Microsoft.Network/networkSecurityGroups/${n}`,
  [TYPES.virtualNetwork]: (_, n) => `Microsoft.Network/virtualNetworks/${n}`,
  [TYPES.virtualNetworkPeering]: (i, n) =>
    `Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/virtualNetworkPeerings/${n}`,
  [TYPES.privateEndpoint]: (_, n) => `Microsoft.Network/privateEndpoints/${n}`,
  [TYPES.privateDnsZoneGroup]: (i, n) =>
    `Microsoft.Network/privateEndpoints/${i.privateEndpointName}/privateDnsZoneGroups/${n}`,
  [TYPES.privateZone]: (_, n) => `Microsoft.Network/privateDnsZones/${n}`,
  [TYPES.virtualNetworkLink]: (i, n) =>
    `Microsoft.Network/privateDnsZones/${i.privateZoneName}/virtualNetworkLinks/${n}`,
  [TYPES.record]: (i, n) => `Microsoft.Network/privateDnsZones/${i.privateZoneName}/${i.recordType}/${n}`,
  [TYPES.frontDoorProfile]: (_, n) => `Microsoft.Cdn/profiles/${n}`,
  [TYPES.frontDoorEndpoint]: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/afdEndpoints/${n}`,
  [TYPES.originGroup]: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/originGroups/${n}`,
  [TYPES.origin]: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/originGroups/${i.originGroupName}/origins/${n}`,
  [TYPES.route]: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/afdEndpoints/${i.endpointName}/routes/${n}`,
  [TYPES.securityPolicy]: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/securityPolicies/${n}`,
  [TYPES.wafPolicy]: (_, n) => `Microsoft.Network/frontDoorWebApplicationFirewallPolicies/${n}`,
  [TYPES.userAssignedIdentity]: (_, n) => `Microsoft.ManagedIdentity/userAssignedIdentities/${n}`,
  [TYPES.storageAccount]: (_, n) => `Microsoft.Storage/storageAccounts/${n}`,
  [TYPES.blobContainer]: (i, n) =>
    `Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${n}`,
  [TYPES.appServicePlan]: (_, n) => `Microsoft.Web/serverfarms/${n}`,
  [TYPES.webApp]: (_, n) => `Microsoft.Web/sites/${n}`,
  [TYPES.actionGroup]: (_, n) => `microsoft.insights/actionGroups/${n}`,
  [TYPES.scheduledQueryRule]: (_, n) => `microsoft.insights/scheduledQueryRules/${n}`,
};

/** The public name a private endpoint answers for, per group id, from the target resource's name. */
const PRIVATE_LINK_FQDNS: Record<string, (name: string) => string> = {
  account: n => `${n}.openai.azure.com`,
  vault: n => `${n}.vault.azure.net`,
};

/** Extension resources live below the resource they apply to. */
const EXTENSION_PATHS: Record<string, (i: Props, name: string) => string> = {
  [TYPES.roleAssignment]: (i, n) => `${i.scope}/providers/Microsoft.Authorization/roleAssignments/${n}`,
  [TYPES.diagnosticSetting]: (i, n) => `${i.resourceUri}/providers/Microsoft.Insights/diagnosticSettings/${n}`,
};

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);

/** A resource as the mock engine creates it. */
interface Created {
  readonly logicalName: string;
  /** Its Azure name. */
  readonly name: string;
  readonly id: string;
  readonly inputs: Props;
}

/** A system-assigned identity gets its principal in the tenant. */
const systemIdentity = ({ id, inputs }: Created): Props =>
  inputs.identity?.type?.includes("SystemAssigned")
    ? { identity: { ...inputs.identity, principalId: stableGuid(`principal/${id}`), tenantId: TENANT_ID } }
    : {};

/** The random provider's result: deterministic per stack and logical name, so two plans are identical. */
function randomResult({ logicalName, inputs }: Created): Props {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(`${pulumi.getStack()}/${logicalName}`).digest();
  return { result: Array.from(bytes.subarray(0, inputs.length), b => alphabet[b % alphabet.length]).join("") };
}

function secretProperties({ name, id, inputs }: Created): Props {
  const uri = `https://${inputs.vaultName}.vault.azure.net/secrets/${name}`;
  // ARM never returns a secret's value.
  return {
    properties: {
      contentType: inputs.properties?.contentType,
      secretUri: uri,
      secretUriWithVersion: `${uri}/${hex(id, 32)}`,
    },
  };
}

function appInsightsKeys({ id, inputs }: Created): Props {
  const key = stableGuid(`instrumentation/${id}`);
  return {
    instrumentationKey: key,
    connectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${inputs.location}-1.in.applicationinsights.azure.com/`,
  };
}

/** Properties Azure, Entra ID or the random provider compute, for the types whose answer needs no engine state. */
const COMPUTED: Record<string, (r: Created) => Props> = {
  [TYPES.randomString]: randomResult,
  [TYPES.randomPassword]: randomResult,
  [TYPES.account]: r => ({
    ...systemIdentity(r),
    properties: {
      ...r.inputs.properties,
      endpoint: `https://${r.inputs.properties.customSubDomainName}.openai.azure.com/`,
      provisioningState: "Succeeded",
    },
  }),
  [TYPES.deployment]: ({ inputs }) => ({
    properties: { ...inputs.properties, provisioningState: "Succeeded" },
  }),
  [TYPES.vault]: ({ name, inputs }) => ({
    properties: { ...inputs.properties, vaultUri: `https://${name}.vault.azure.net/` },
  }),
  [TYPES.secret]: secretProperties,
  [TYPES.workspace]: ({ id }) => ({ customerId: stableGuid(`workspace/${id}`) }),
  [TYPES.appInsights]: appInsightsKeys,
  [TYPES.virtualNetwork]: ({ id, inputs }) => ({
    subnets: (inputs.subnets ?? []).map((s: Props) => ({ ...s, id: `${id}/subnets/${s.name}` })),
  }),
  [TYPES.frontDoorProfile]: ({ id }) => ({ frontDoorId: stableGuid(`frontdoor/${id}`) }),
  [TYPES.frontDoorEndpoint]: ({ name, id }) => ({ hostName: `${name}-${hex(id, 16)}.z01.azurefd.net` }),
  [TYPES.storageAccount]: ({ name }) => ({
    primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` },
  }),
  [TYPES.blob]: ({ name, inputs }) => ({
    url: `https://${inputs.accountName}.blob.core.windows.net/${inputs.containerName}/${name}`,
  }),
  [TYPES.webApp]: ({ name }) => ({ defaultHostName: `${name}.azurewebsites.net` }),
  [TYPES.userAssignedIdentity]: ({ id }) => ({
    principalId: stableGuid(`principal/${id}`),
    clientId: stableGuid(`client/${id}`),
    tenantId: TENANT_ID,
  }),
  [TYPES.application]: ({ logicalName }) => ({
    clientId: stableGuid(`client/${logicalName}`),
    objectId: stableGuid(`object/${logicalName}`),
  }),
  [TYPES.servicePrincipal]: ({ logicalName }) => ({
    objectId: stableGuid(`sp/${logicalName}`),
  }),
};

export class AzureMocks implements pulumi.runtime.Mocks {
  /** Subscription per provider name, so resources behind an explicit provider land in its subscription. */
  private readonly providerSubscriptions = new Map<string, string>();
  /** Subnets and the private IPs handed out in them (refusals once a subnet is full). */
  private readonly subnets = new SubnetAddresses();
  /** API Management: per-tier outputs and refusals. */
  private readonly apim = new ApimMock();
  private readonly names = new NameRegistry();
  private readonly dnsLinks = new DnsLinkRegistry();
  private readonly limits = new ServiceLimits();
  private readonly diagnosticSettings = new DiagnosticSettingRegistry();
  /** Account ARM id (lowercase) -> its region, for the deployments created on it. */
  private readonly accountRegions = new Map<string, string>();
  private readonly recorded: AzureRefusal[] = [];

  /** What Azure would have refused so far. */
  get refusals(): AzureRefusal[] {
    return [...this.recorded, ...this.subnets.refusals];
  }

  /**
   * `today`: the ISO date model retirements are judged on; `landingZone`: what exists and is denied before the
   * stack; `declaredOffers`: the offers the stack declares that the matrix lacks.
   */
  constructor(
    private readonly defaultSubscriptionId = DEFAULT_SUBSCRIPTION_ID,
    private readonly today = planDate(),
    private readonly landingZone: LandingZone = NO_LANDING_ZONE,
    /** Offers the stack declares itself (refusals/availability.ts). */
    private readonly declaredOffers: ReadonlySet<string> = new Set(),
  ) {
    for (const l of existingLinks(landingZone)) this.dnsLinks.existing(l.vnetId, l.zoneName, l.holder);
  }

  private subscriptionOf(provider: string | undefined): string {
    // A provider reference is `<provider urn>::<id>`; the urn ends with the provider's name.
    const name = provider?.split("::")[3];
    return (name && this.providerSubscriptions.get(name)) || this.defaultSubscriptionId;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    if (args.custom === false) return { id: undefined, state: {} };
    const inputs = args.inputs;
    if (args.type === "pulumi:providers:azure-native") {
      this.providerSubscriptions.set(args.name, inputs.subscriptionId);
      return { id: stableGuid(args.name), state: inputs };
    }
    const nameInput = armNameInput(args.type);
    const name: string = (nameInput && inputs[nameInput]) ?? args.name;
    const rgScope = `/subscriptions/${this.subscriptionOf(args.provider)}/resourceGroups/${inputs.resourceGroupName}`;
    const id =
      args.type === TYPES.resourceGroup
        ? `/subscriptions/${this.subscriptionOf(args.provider)}/resourceGroups/${name}`
        : (EXTENSION_PATHS[args.type]?.(inputs, name) ??
          (ARM_PATHS[args.type]
            ? `${rgScope}/providers/${ARM_PATHS[args.type](inputs, name)}`
            : stableGuid(`${args.type}/${args.name}`)));
    this.recorded.push(...this.names.check(args.type, args.name, inputs, id), ...this.networkRefusals(args, inputs));
    if (args.type === TYPES.apimService) this.limits.service(name, inputs.sku?.name);
    this.recorded.push(...this.limits.check(args.type, args.name, inputs));
    if (args.type === TYPES.diagnosticSetting) this.recorded.push(...this.diagnosticSettings.check(args.name, inputs));
    if (args.type === TYPES.account) this.accountRegions.set(id.toLowerCase(), inputs.location);
    if (args.type === TYPES.deployment) {
      const region = this.accountRegions.get(id.replace(/\/deployments\/[^/]+$/, "").toLowerCase());
      for (const refusal of [
        deploymentRefusal(args.name, inputs, region, this.declaredOffers),
        retiredDeploymentRefusal(args.name, inputs, this.today),
      ]) {
        if (refusal) this.recorded.push(refusal);
      }
    }
    // Subnets, declared on their own or inline in a VNet: remember their prefixes.
    if (inputs.addressPrefix) this.subnets.remember(id, inputs.addressPrefix, subnetTraits(inputs));
    for (const subnet of inputs.subnets ?? [])
      this.subnets.remember(`${id}/subnets/${subnet.name}`, subnet.addressPrefix, subnetTraits(subnet));
    const state: Props = { ...inputs, name, id, ...this.computed(args.type, args.name, name, id, inputs) };
    return { id, state };
  }

  /** What ARM refuses of private DNS, zones and address space, beyond names. */
  private networkRefusals(args: pulumi.runtime.MockResourceArgs, inputs: Props): AzureRefusal[] {
    switch (args.type) {
      case TYPES.virtualNetworkLink:
        return this.dnsLinks.check(args.name, inputs);
      case TYPES.privateZone:
        return [privateZoneRefusal(this.landingZone, args.name, inputs)].filter((r): r is AzureRefusal => !!r);
      case TYPES.virtualNetwork:
        return [subnetWithoutNsgRefusal(this.landingZone, args.name, inputs)].filter((r): r is AzureRefusal => !!r);
      case TYPES.publicIp:
        return zoneRefusals(args.name, [inputs]);
      case TYPES.apimService:
        return zoneRefusals(args.name, [inputs, ...(inputs.additionalLocations ?? [])]);
      default:
        return [];
    }
  }

  /** A service's outputs; what its tier cannot do is recorded as a refusal like every other (the run then fails). */
  private apimService(logicalName: string, name: string, inputs: Props): Props {
    const internal = inputs.virtualNetworkType === "Internal";
    for (const l of [inputs, ...(inputs.additionalLocations ?? [])]) {
      const subnet = l.virtualNetworkConfiguration?.subnetResourceId;
      if (inputs.virtualNetworkType === "External" && APIM_TIERS[inputs.sku?.name]?.vnetIntegration)
        this.subnets.apimIntegration(logicalName, subnet);
      else this.subnets.apimLocation(logicalName, inputs.sku?.name, l.sku?.capacity ?? 0, internal, subnet);
    }
    try {
      return this.apim.service(name, inputs, subnet => this.subnets.next(subnet, logicalName));
    } catch (e) {
      if (!(e instanceof ApimRefusal)) throw e;
      this.recorded.push({ rule: "apim-tier", resource: logicalName, message: e.message, source: APIM_REFUSAL_SOURCE });
      return {};
    }
  }

  /** Properties Azure computes for each type: those that need the engine's state here, the rest in COMPUTED. */
  private computed(type: string, logicalName: string, name: string, id: string, inputs: Props): Props {
    const created: Created = { logicalName, name, id, inputs };
    switch (type) {
      case TYPES.apimService:
        return {
          ...systemIdentity(created),
          publicIPAddresses: [`20.${parseInt(hex(`${id}/ip`, 2), 16)}.0.4`],
          ...this.apimService(logicalName, name, inputs),
        };
      case TYPES.privateEndpoint: {
        const [connection] = inputs.privateLinkServiceConnections ?? [];
        const target =
          String(connection?.privateLinkServiceId ?? "")
            .split("/")
            .pop() ?? "";
        const nic = inputs.customNetworkInterfaceName ?? `${name}.nic.${stableGuid(id)}`;
        return {
          customDnsConfigs: [
            {
              fqdn: PRIVATE_LINK_FQDNS[connection?.groupIds?.[0]]?.(target) ?? target,
              ipAddresses: [this.subnets.next(inputs.subnet?.id, logicalName)],
            },
          ],
          networkInterfaces: [{ id: id.replace(/privateEndpoints\/[^/]+$/, `networkInterfaces/${nic}`) }],
          provisioningState: "Succeeded",
        };
      }
      case TYPES.publicIp:
        this.apim.publicIp(id, inputs);
        return { ipAddress: `20.${parseInt(hex(id, 2), 16)}.${parseInt(hex(id + "/2", 2), 16)}.10` };
      default:
        return (COMPUTED[type] ?? systemIdentity)(created);
    }
  }

  call(args: pulumi.runtime.MockCallArgs): Props {
    switch (args.token) {
      case "azure-native:authorization:getClientConfig":
        return {
          subscriptionId: this.defaultSubscriptionId,
          tenantId: TENANT_ID,
          clientId: stableGuid("client"),
          objectId: stableGuid("object"),
        };
      case "azuread:index/getClientConfig:getClientConfig":
        return { tenantId: TENANT_ID, clientId: stableGuid("client"), objectId: stableGuid("object") };
      case "azure-native:cognitiveservices:listAccountKeys":
        return { key1: hex(`key1/${args.inputs.accountName}`, 32), key2: hex(`key2/${args.inputs.accountName}`, 32) };
      default:
        throw new Error(`the mocks do not answer ${args.token}`);
    }
  }
}

/** A subnet's delegations and NSG, as declared on its own or inline in a VNet. */
function subnetTraits(subnet: Props): SubnetTraits {
  return {
    delegations: (subnet.delegations ?? []).map((d: Props) => d.serviceName),
    hasNsg: !!subnet.networkSecurityGroup?.id,
  };
}

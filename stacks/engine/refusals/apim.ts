/**
 * API Management as the mocks answer it: what each tier exposes after a create (its gateway URLs, the
 * developer portal) and what each tier refuses. The tier facts are data, each with its source, and are
 * deliberately kept apart from the program's own (infra/gateway/tiers.ts): the mocks answer as Azure
 * documents it, and the program must cope with that answer.
 */
import { APIM_MAX_UNITS } from "../../../catalog/networkLimits";
import type { Props } from "../props";

export interface ApimTier {
  /**
   * ARM's `gatewayRegionalUrl` (and each additional location's) is set: classic tiers host the gateway
   * in regional units reachable as `https://<service>-<region>-01.regional.azure-api.net`. The v2 tiers
   * run on a different platform and expose only `https://<service>.azure-api.net`.
   * https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region
   * https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview
   */
  readonly regionalGatewayUrl: boolean;
  /** `additionalLocations` (multi-region deployment): Premium only. https://learn.microsoft.com/azure/api-management/api-management-features */
  readonly multiRegion: boolean;
  /** Availability zones: Premium and Standard v2 (the latter at creation only). https://learn.microsoft.com/azure/api-management/enable-availability-zone-support */
  readonly availabilityZones: boolean;
  /** VNet injection (`virtualNetworkType` External/Internal): Developer and Premium. https://learn.microsoft.com/azure/api-management/api-management-features */
  readonly vnetInjection: boolean;
  /**
   * VNet integration for outbound calls (`virtualNetworkType` External on a v2 tier): Standard v2 and Premium v2.
   * https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound
   */
  readonly vnetIntegration: boolean;
  /**
   * Protocol and cipher switches (`customProperties` `...Gateway.Security.*`): not on the v2 tiers, "The following
   * tiers don't support changes to the default cipher configuration: Consumption, Basic v2, Standard v2, Premium v2".
   * https://learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers
   */
  readonly protocolSettings: boolean;
}

const classic = (multi: boolean, zones: boolean, vnet: boolean): ApimTier => ({
  regionalGatewayUrl: true,
  multiRegion: multi,
  availabilityZones: zones,
  vnetInjection: vnet,
  vnetIntegration: false,
  protocolSettings: true,
});
const v2 = (zones: boolean, integration: boolean): ApimTier => ({
  regionalGatewayUrl: false,
  multiRegion: false,
  availabilityZones: zones,
  vnetInjection: false,
  vnetIntegration: integration,
  protocolSettings: false,
});

/** Source: the feature matrix https://learn.microsoft.com/azure/api-management/api-management-features (read 2026-11). */
export const APIM_TIERS: Readonly<Record<string, ApimTier>> = {
  Developer: classic(false, false, true),
  Basic: classic(false, false, false),
  Standard: classic(false, false, false),
  Premium: classic(true, true, true),
  BasicV2: v2(false, false),
  StandardV2: v2(true, true),
};

/** Azure's refusal of a service create, as ApimMock raises it; the mock engine records it as an AzureRefusal. */
export class ApimRefusal extends Error {}

/** Where the tier facts behind a refusal come from. */
export const APIM_REFUSAL_SOURCE =
  "https://learn.microsoft.com/azure/api-management/api-management-features; " +
  "https://learn.microsoft.com/azure/api-management/enable-availability-zone-support; " +
  "https://learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers; " +
  "https://learn.microsoft.com/azure/api-management/configure-custom-domain#domain-certificate-options; " +
  "https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview#key-capabilities (v2 tiers: up to 10 units); " +
  "https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound";

/** Public IPs by ARM id with their zones: a zone-redundant gateway needs zone-redundant public IPs. */
export class ApimMock {
  private readonly publicIpZones = new Map<string, readonly string[]>();

  /** Remembers a public IP's zones (none: a regional, non-zonal IP). */
  publicIp(id: string, inputs: Props): void {
    this.publicIpZones.set(id, inputs.zones ?? []);
  }

  /** The outputs Azure computes for a service, or its refusal. */
  service(name: string, inputs: Props, privateIp: (subnetId?: string) => string): Props {
    const sku: string = inputs.sku?.name;
    const tier = APIM_TIERS[sku];
    if (!tier) throw new ApimRefusal(`API Management service '${name}': unknown SKU '${sku}'`);
    this.check(name, sku, tier, inputs);
    const internal = inputs.virtualNetworkType === "Internal";
    const regional = (location: string) =>
      tier.regionalGatewayUrl ? `https://${name}-${location}-01.regional.azure-api.net` : undefined;
    const portalOn = inputs.developerPortalStatus !== "Disabled";
    return {
      gatewayUrl: `https://${name}.azure-api.net`,
      gatewayRegionalUrl: regional(inputs.location),
      developerPortalUrl: portalOn ? `https://${name}.developer.azure-api.net` : undefined,
      developerPortalStatus: portalOn ? "Enabled" : "Disabled",
      privateIPAddresses: internal ? [privateIp(inputs.virtualNetworkConfiguration?.subnetResourceId)] : undefined,
      additionalLocations: inputs.additionalLocations?.map((l: Props) => ({
        ...l,
        gatewayRegionalUrl: regional(l.location),
        privateIPAddresses: internal ? [privateIp(l.virtualNetworkConfiguration?.subnetResourceId)] : undefined,
      })),
      hostnameConfigurations: inputs.hostnameConfigurations?.map((h: Props) => ({
        ...h,
        certificateSource: "KeyVault",
      })),
      provisioningState: "Succeeded",
    };
  }

  /** Injection (classic Developer, Premium) or, on a v2 tier, integration (Standard v2, written External). */
  private checkVnet(tier: ApimTier, type: string, refuse: (why: string) => never): void {
    if (type === "None") return;
    if (tier.vnetInjection) return;
    if (!tier.vnetIntegration)
      refuse("VNet injection needs the Developer or Premium tier, VNet integration Standard v2");
    if (type !== "External")
      refuse("a v2 tier integrates with a VNet for outbound calls only (External), never Internal");
  }

  private check(name: string, sku: string, tier: ApimTier, inputs: Props): void {
    const refuse = (why: string): never => {
      throw new ApimRefusal(`API Management service '${name}' (${sku}): ${why}`);
    };
    const locations: Props[] = [inputs, ...(inputs.additionalLocations ?? [])];
    if (inputs.additionalLocations?.length && !tier.multiRegion) refuse("additional locations need the Premium tier");
    const maxUnits = APIM_MAX_UNITS[sku];
    if (maxUnits !== undefined && inputs.sku.capacity > maxUnits)
      refuse(`${inputs.sku.capacity} units; the tier scales to ${maxUnits}`);
    if (locations.some(l => l.zones?.length) && !tier.availabilityZones)
      refuse("this tier has no availability zone support");
    this.checkVnet(tier, inputs.virtualNetworkType ?? "None", refuse);
    const security = Object.keys(inputs.customProperties ?? {}).filter(k => k.includes(".Gateway.Security."));
    if (security.length && !tier.protocolSettings)
      refuse(`this tier takes no protocol or cipher settings (${security.join(", ")})`);
    // https://learn.microsoft.com/azure/api-management/enable-availability-zone-support (VNet-injected instances): the
    // location's Standard public IP must be deployed in the zones the gateway uses, or a zone outage takes the IP with it.
    for (const l of locations.filter(l => l.zones?.length && l.publicIpAddressId)) {
      const ipZones = this.publicIpZones.get(l.publicIpAddressId) ?? [];
      const missing = (l.zones as string[]).filter(z => !ipZones.includes(z));
      if (missing.length)
        refuse(
          `public IP ${l.publicIpAddressId} is not in zone(s) ${missing.join(", ")} used by the gateway in ${l.location}`,
        );
    }
    // A Key Vault hostname certificate is read with a user-assigned identity only if that identity is attached.
    const attached = Object.keys(inputs.identity?.userAssignedIdentities ?? {});
    for (const h of inputs.hostnameConfigurations ?? []) {
      if (h.identityClientId && attached.length === 0)
        refuse(
          `hostname ${h.hostName} names identity ${h.identityClientId}, but no user-assigned identity is attached`,
        );
    }
  }
}

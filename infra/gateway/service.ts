/**
 * The API Management service: one Premium service spanning regions (additional locations) or one
 * service in one region; its public IPs in internal VNet mode; its custom proxy host name.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as network from "@pulumi/azure-native/network";
import { GatewayConfig } from "../config";
import { globalName } from "../naming";
import type { GatewaySubnetUse } from "../network";
import { Tags } from "../tags";
import { acceptsProtocolSettings, regionalGatewayHosts } from "./tiers";

/** A host name clients call, served with a certificate API Management reads from Key Vault. */
export interface CustomDomain {
  readonly hostName: string;
  /** Versionless secret URI (`https://<vault>.vault.azure.net/secrets/<name>`): a renewed certificate is picked up without a deploy. */
  readonly certificateSecretUri: string;
}

export interface GatewayServiceArgs {
  readonly stack: string;
  readonly config: GatewayConfig;
  /** The first hosts the service; the others are additional locations. */
  readonly regions: readonly string[];
  readonly resourceGroupName: pulumi.Input<string>;
  readonly nameSuffix: pulumi.Input<string>;
  readonly tags: Tags;
  readonly protect: boolean;
  /** The user-assigned identity the service runs as, and the grants it must hold before the service exists. */
  readonly identity: {
    readonly id: pulumi.Input<string>;
    readonly clientId: pulumi.Input<string>;
    readonly grants: readonly pulumi.Resource[];
    /** With `SystemAssigned`, the service also gets its own identity (the only one that may read a firewalled vault). */
    readonly type: "UserAssigned" | "SystemAssigned, UserAssigned";
  };
  /**
   * The APIM subnet per region and how the gateway uses it: injected (private mode, internal VNet mode) or
   * integrated (public mode with VNets: Standard v2's outbound calls).
   */
  readonly subnets?: GatewaySubnets;
  readonly customDomain?: CustomDomain;
}

/** TLS 1.0/1.1 and SSL 3 off on both sides of the gateway (classic tiers: the v2 tiers take no such setting, see tiers.ts). */
const TLS12_ONLY = Object.fromEntries(
  [
    "Protocols.Tls10",
    "Protocols.Tls11",
    "Protocols.Ssl30",
    "Backend.Protocols.Tls10",
    "Backend.Protocols.Tls11",
    "Backend.Protocols.Ssl30",
  ].map(p => [`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${p}`, "False"]),
);

/**
 * How long a create or update of the service may run before Pulumi gives up on it. "It can take 30 to 40
 * minutes to create and activate an API Management service" (https://learn.microsoft.com/azure/api-management/get-started-create-service-instance),
 * a region added to it takes about as long again, and infrastructure changes (zones, VNet, regions, custom
 * domains) "can take 15 minutes or longer ... longer for an instance with a greater number of scale units or
 * multi-region configuration" (https://learn.microsoft.com/azure/api-management/configure-custom-domain): one
 * create plus one region per additional location, with margin. The workflow's job timeout (.github/workflows/deploy.yml)
 * is longer than this, so Pulumi ends the operation (and records it) before GitHub kills the job.
 */
export function serviceTimeouts(regions: number): pulumi.CustomTimeouts {
  const minutes = 60 + 45 * Math.max(0, regions - 1);
  return { create: `${minutes}m`, update: `${minutes}m`, delete: "60m" };
}

/** Every zone of the region: a zone-redundant public IP survives the loss of any one zone. */
const ALL_ZONES = ["1", "2", "3"];

/**
 * Internal VNet mode needs a Standard public IP per region for management traffic
 * (https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet). When the
 * gateway is zone-redundant the IP must be too, or one zone's outage takes the region's management
 * endpoint with it (https://learn.microsoft.com/azure/api-management/enable-availability-zone-support).
 */
function publicIps(
  name: string,
  args: GatewayServiceArgs,
  parent: pulumi.Resource,
): Record<string, network.PublicIPAddress> {
  return Object.fromEntries(
    args.regions.map(r => [
      r,
      new network.PublicIPAddress(
        `${name}-pip-${r}`,
        {
          publicIpAddressName: `pip-apim-${args.stack}-${r}`,
          resourceGroupName: args.resourceGroupName,
          location: r,
          sku: { name: "Standard" },
          zones: args.config.zoneRedundant ? ALL_ZONES : undefined,
          publicIPAllocationMethod: "Static",
          dnsSettings: {
            domainNameLabel: pulumi.output(args.nameSuffix).apply(s => globalName(["apim", args.stack, r], s, 63)),
          },
          tags: args.tags,
        },
        { parent },
      ),
    ]),
  );
}

/**
 * The proxy host name, with its certificate read from Key Vault by the user-assigned identity. On a
 * multi-region service it applies to every regional gateway.
 * https://learn.microsoft.com/azure/api-management/configure-custom-domain
 */
function hostnameConfigurations(
  domain: CustomDomain | undefined,
  identityClientId: pulumi.Input<string>,
): apimanagement.ApiManagementServiceArgs["hostnameConfigurations"] {
  return (
    domain && [
      {
        type: "Proxy",
        hostName: domain.hostName,
        keyVaultId: domain.certificateSecretUri,
        identityClientId,
        certificateSource: "KeyVault",
        defaultSslBinding: true,
        negotiateClientCertificate: false,
      },
    ]
  );
}

/** The APIM subnet per region, and whether the gateway is injected there or integrates with it. */
export interface GatewaySubnets {
  readonly use: GatewaySubnetUse;
  readonly ids: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * `Internal` injects a classic gateway into its subnet. A Standard v2 gateway's outbound VNet integration is the
 * integrated subnet with `External` (the portal's "Outbound features: virtual network integration",
 * https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound), which needs API version 2024-05-01
 * or later ("The latest capabilities of the v2 tiers are supported in API Management API version 2024-05-01 or
 * later", https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview); azure-native 3.x's
 * apimanagement module is 2024-05-01. The checklist confirms the value on a dev service.
 */
function vnetType(subnets: GatewaySubnets | undefined): "Internal" | "External" | "None" {
  if (!subnets) return "None";
  return subnets.use === "injected" ? "Internal" : "External";
}

export function gatewayService(
  name: string,
  args: GatewayServiceArgs,
  parent: pulumi.Resource,
): apimanagement.ApiManagementService {
  const { config: g } = args;
  const [home, ...additional] = args.regions;
  const internal = args.subnets?.use === "injected";
  const ips = internal ? publicIps(name, args, parent) : undefined;
  const zones = g.zoneRedundant ? ALL_ZONES.slice(0, Math.min(ALL_ZONES.length, g.capacity)) : undefined;
  const vnet = (r: string) => args.subnets && { subnetResourceId: args.subnets.ids[r] };
  return new apimanagement.ApiManagementService(
    `${name}-service`,
    {
      serviceName: pulumi
        .output(args.nameSuffix)
        .apply(s => globalName(additional.length > 0 ? ["apim", args.stack] : ["apim", args.stack, home], s, 50)),
      resourceGroupName: args.resourceGroupName,
      location: home,
      sku: { name: g.sku, capacity: g.capacity },
      zones,
      publisherName: g.publisherName,
      publisherEmail: g.publisherEmail,
      identity: {
        type: args.identity.type,
        userAssignedIdentities: pulumi.output(args.identity.id).apply(id => ({ [id]: {} })),
      },
      customProperties: acceptsProtocolSettings(g.sku) ? TLS12_ONLY : undefined,
      // Nobody browses this gateway: applications read their keys from Key Vault (see the README).
      // `developerPortalStatus` / `legacyPortalStatus`, API version 2024-05-01:
      // https://learn.microsoft.com/rest/api/apimanagement/api-management-service/create-or-update
      developerPortalStatus: "Disabled",
      legacyPortalStatus: "Disabled",
      hostnameConfigurations: hostnameConfigurations(args.customDomain, args.identity.clientId),
      virtualNetworkType: vnetType(args.subnets),
      virtualNetworkConfiguration: vnet(home),
      publicIpAddressId: ips?.[home].id,
      additionalLocations:
        additional.length > 0
          ? additional.map(r => ({
              location: r,
              sku: { name: g.sku, capacity: g.capacity },
              zones,
              virtualNetworkConfiguration: vnet(r),
              publicIpAddressId: ips?.[r].id,
            }))
          : undefined,
      tags: args.tags,
    },
    {
      parent,
      protect: args.protect,
      dependsOn: [...args.identity.grants],
      customTimeouts: serviceTimeouts(args.regions.length),
    },
  );
}

/** Region -> the host name of that region's gateway, from what the tier exposes (see tiers.ts). */
export function gatewayHosts(
  service: apimanagement.ApiManagementService,
  sku: GatewayConfig["sku"],
  home: string,
): pulumi.Output<Record<string, string>> {
  return pulumi
    .all([service.gatewayUrl, service.gatewayRegionalUrl, service.additionalLocations])
    .apply(([gatewayUrl, gatewayRegionalUrl, additionalLocations]) =>
      regionalGatewayHosts(sku, home, { gatewayUrl, gatewayRegionalUrl, additionalLocations }),
    );
}

/** Region -> the gateway's private IP (internal VNet mode). */
export function gatewayPrivateIps(
  service: apimanagement.ApiManagementService,
  home: string,
): pulumi.Output<Record<string, string>> {
  return pulumi.all([service.privateIPAddresses, service.additionalLocations]).apply(([ips, locations]) => ({
    [home]: ips?.[0] ?? "",
    ...Object.fromEntries((locations ?? []).map(l => [l.location, l.privateIPAddresses?.[0] ?? ""])),
  }));
}

/**
 * The gateways' private network: in every gateway region a VNet with a subnet for API Management and one for
 * private endpoints; and in that VNet the private endpoints of every OpenAI account and the Key Vault, resolved
 * through the region's own zones or the organization's central ones (privateLink.ts).
 * - Private mode injects the gateway into its subnet (internal VNet mode); the VNet is peered both ways with the
 *   region's hub VNet (the way in for clients and on-premises networks, optionally through the hub's VPN or
 *   ExpressRoute gateway), and the hubs resolve the gateway's name only (gatewayDns.ts).
 * - Public mode with VNets integrates the Standard v2 gateway with its subnet for outbound calls only: clients
 *   still come through Front Door, and the accounts close their public access.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { Provider } from "@pulumi/azure-native/provider";
import * as resources from "@pulumi/azure-native/resources";
import type * as inputs from "@pulumi/azure-native/types/input";
import { VnetConfig } from "./config";
import { CentralZones, PrivateLinkTarget, RegionalPrivateLink } from "./privateLink";
import { azureName } from "./naming";
import { resourceGroup } from "./resourceGroup";
import { Tags, roleTags } from "./tags";
import { APIM_INTEGRATION_DELEGATION } from "../catalog/networkLimits";
import { TYPES } from "../catalog/types";

export const APIM_SUBNET = "snet-apim";
export const PRIVATE_ENDPOINT_SUBNET = "snet-private-endpoints";

const allow = (
  name: string,
  priority: number,
  direction: "Inbound" | "Outbound",
  from: string,
  to: string,
  ports: string[],
): inputs.network.SecurityRuleArgs => ({
  name,
  priority,
  direction,
  access: "Allow",
  protocol: "Tcp",
  sourceAddressPrefix: from,
  sourcePortRange: "*",
  destinationAddressPrefix: to,
  ...(ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRanges: ports }),
});

/**
 * What API Management needs in internal VNet mode, beyond the default rules (which already admit the
 * clients' HTTPS from the VNet and its peers): the management plane and the infrastructure load
 * balancer in, and its dependencies out.
 */
export const APIM_SECURITY_RULES = [
  allow("AllowApiManagementInbound", 100, "Inbound", "ApiManagement", "VirtualNetwork", ["3443"]),
  allow("AllowAzureLoadBalancerInbound", 110, "Inbound", "AzureLoadBalancer", "VirtualNetwork", ["6390"]),
  allow("AllowStorageOutbound", 100, "Outbound", "VirtualNetwork", "Storage", ["443"]),
  allow("AllowSqlOutbound", 110, "Outbound", "VirtualNetwork", "Sql", ["1433"]),
  allow("AllowKeyVaultOutbound", 120, "Outbound", "VirtualNetwork", "AzureKeyVault", ["443"]),
  allow("AllowAzureMonitorOutbound", 130, "Outbound", "VirtualNetwork", "AzureMonitor", ["1886", "443"]),
];

/**
 * How the gateway uses its subnet: `injected` (classic tiers, internal VNet mode: the gateway lives there) or
 * `integrated` (Standard v2: the gateway's outbound calls leave through it).
 */
export type GatewaySubnetUse = "injected" | "integrated";

export interface RegionalNetworkArgs {
  readonly stack: string;
  readonly region: string;
  readonly vnet: VnetConfig;
  readonly gatewaySubnet: GatewaySubnetUse;
  readonly commonTags: Tags;
  /** Protect the resource group and the VNet. */
  readonly protect: boolean;
}

/** The parts of a VNet's ARM id. */
export function parseVnetId(id: string): { subscriptionId: string; resourceGroupName: string; name: string } {
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i.exec(
      id,
    );
  if (!m) throw new Error(`not a VNet id: ${id}`);
  return { subscriptionId: m[1], resourceGroupName: m[2], name: m[3] };
}

/** Region -> hub VNet id for the first of `regions` peered with each hub (ARM ids compare case-insensitively). */
function firstRegionPerHub(
  regions: readonly string[],
  vnets: Readonly<Record<string, VnetConfig>>,
): Record<string, string> {
  const seen = new Set<string>();
  return Object.fromEntries(
    regions.flatMap(region => {
      const hub = vnets[region]?.hubVnetId;
      if (!hub || seen.has(hub.toLowerCase())) return [];
      seen.add(hub.toLowerCase());
      return [[region, hub]];
    }),
  );
}

/**
 * The gateway's subnet. Injected: behind the NSG rules internal mode needs. Integrated: delegated to
 * Microsoft.Web/serverFarms, with an NSG that needs no rule of its own.
 * https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound
 */
function gatewaySubnet(use: GatewaySubnetUse, prefix: string, nsgId: pulumi.Input<string>) {
  return {
    name: APIM_SUBNET,
    addressPrefix: prefix,
    networkSecurityGroup: { id: nsgId },
    ...(use === "integrated"
      ? { delegations: [{ name: "apim-integration", serviceName: APIM_INTEGRATION_DELEGATION }] }
      : {}),
  };
}

/** The VNet with its two subnets, each behind its NSG. */
function regionalVnet(
  name: string,
  args: RegionalNetworkArgs,
  resourceGroupName: pulumi.Input<string>,
  tags: Tags,
  parent: pulumi.Resource,
): network.VirtualNetwork {
  const { region, vnet: v } = args;
  const nsg = new network.NetworkSecurityGroup(
    `${name}-apim-nsg`,
    {
      networkSecurityGroupName: azureName(TYPES.networkSecurityGroup, ["nsg", "apim", args.stack, region]),
      resourceGroupName,
      location: region,
      securityRules: args.gatewaySubnet === "injected" ? APIM_SECURITY_RULES : [],
      tags,
    },
    { parent },
  );
  const peNsg = new network.NetworkSecurityGroup(
    `${name}-pe-nsg`,
    {
      networkSecurityGroupName: azureName(TYPES.networkSecurityGroup, ["nsg", "pe", args.stack, region]),
      resourceGroupName,
      location: region,
      tags,
    },
    { parent },
  );
  // Subnets inline: declared as separate resources they would fight the VNet over its subnet list.
  return new network.VirtualNetwork(
    `${name}-vnet`,
    {
      virtualNetworkName: azureName(TYPES.virtualNetwork, ["vnet", "aoai", args.stack, region]),
      resourceGroupName,
      location: region,
      addressSpace: { addressPrefixes: [v.addressSpace] },
      // With the organization's central zones, the hub's resolver answers (they are linked to the hub).
      ...(v.dnsServers ? { dhcpOptions: { dnsServers: v.dnsServers } } : {}),
      subnets: [
        gatewaySubnet(args.gatewaySubnet, v.apimSubnet, nsg.id),
        {
          name: PRIVATE_ENDPOINT_SUBNET,
          addressPrefix: v.privateEndpointSubnet,
          privateEndpointNetworkPolicies: "Disabled",
          // Azure Landing Zones deny a subnet without one (Deny-Subnet-Without-Nsg); with private endpoint network
          // policies disabled its default rules change nothing for the endpoints.
          // https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
          networkSecurityGroup: { id: peNsg.id },
        },
      ],
      tags,
    },
    { parent, protect: args.protect },
  );
}

/**
 * The peerings with the hub, both ways. A peering is only `Connected` once both sides exist.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#create-a-peering
 * With `useHubGateway`, the hub's side allows gateway transit and the spoke's uses the hub's gateway, so the
 * hub's VPN or ExpressRoute gateway advertises the spoke's prefixes on-premises. Azure refuses
 * useRemoteGateways unless the remote side already allows transit and the hub has a gateway
 * (RemoteVnetHasNoGateways): the spoke's side waits for the hub's.
 * https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit
 */
function hubPeerings(
  name: string,
  args: RegionalNetworkArgs,
  vnet: network.VirtualNetwork,
  resourceGroupName: pulumi.Input<string>,
  hubVnetId: string,
  parent: pulumi.Resource,
): void {
  const transit = args.vnet.useHubGateway === true;
  const peering = { allowVirtualNetworkAccess: true, allowForwardedTraffic: true };
  const hub = parseVnetId(hubVnetId);
  // The hub may sit in the connectivity team's subscription: its side is written through a provider for it.
  const hubProvider = new Provider(`${name}-hub-subscription`, { subscriptionId: hub.subscriptionId }, { parent });
  const hubSide = new network.VirtualNetworkPeering(
    `${name}-hub-return-peering`,
    {
      ...peering,
      useRemoteGateways: false,
      ...(transit ? { allowGatewayTransit: true } : {}),
      virtualNetworkPeeringName: vnet.name.apply(n => `to-${n}`),
      virtualNetworkName: hub.name,
      resourceGroupName: hub.resourceGroupName,
      remoteVirtualNetwork: { id: vnet.id },
    },
    { parent, provider: hubProvider },
  );
  new network.VirtualNetworkPeering(
    `${name}-hub-peering`,
    {
      ...peering,
      useRemoteGateways: transit,
      virtualNetworkPeeringName: "to-hub",
      virtualNetworkName: vnet.name,
      resourceGroupName,
      remoteVirtualNetwork: { id: hubVnetId },
    },
    { parent, dependsOn: transit ? [hubSide] : [] },
  );
}

/** One region's VNet: the APIM subnet with its NSG, the private endpoint subnet, the peerings with a hub. */
export class RegionalNetwork extends pulumi.ComponentResource {
  public readonly resourceGroup: resources.ResourceGroup;
  public readonly vnet: network.VirtualNetwork;
  public readonly apimSubnetId: pulumi.Output<string>;
  public readonly privateEndpointSubnetId: pulumi.Output<string>;
  /** The hub VNet this VNet is peered with both ways, if any (private mode always has one). */
  public readonly hubVnetId?: string;

  constructor(name: string, args: RegionalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:network:RegionalNetwork", name, {}, opts);
    const { region, vnet: v } = args;
    const tags = roleTags(args.commonTags, "network");
    this.resourceGroup = resourceGroup(
      name,
      { stack: args.stack, purpose: "network", region, tags },
      { parent: this, protect: args.protect },
    );
    const resourceGroupName = this.resourceGroup.name;

    this.vnet = regionalVnet(name, args, resourceGroupName, tags, this);
    this.apimSubnetId = pulumi.interpolate`${this.vnet.id}/subnets/${APIM_SUBNET}`;
    this.privateEndpointSubnetId = pulumi.interpolate`${this.vnet.id}/subnets/${PRIVATE_ENDPOINT_SUBNET}`;

    if (!v.hubVnetId && args.gatewaySubnet === "injected")
      throw new Error(`no hub VNet for ${region}: the config requires network.vnets.${region}.hubVnetId`);
    this.hubVnetId = v.hubVnetId;
    if (v.hubVnetId) hubPeerings(name, args, this.vnet, resourceGroupName, v.hubVnetId, this);

    this.registerOutputs({
      vnetId: this.vnet.id,
      apimSubnetId: this.apimSubnetId,
      privateEndpointSubnetId: this.privateEndpointSubnetId,
    });
  }
}

/** An OpenAI account reached through private endpoints. */
export interface PrivateAccount {
  /** The account's topology key, e.g. `standard-primary`. */
  readonly key: string;
  readonly accountId: pulumi.Input<string>;
  /** Its custom subdomain (`<subdomain>.openai.azure.com`), which is also its name. */
  readonly subdomain: pulumi.Input<string>;
  /** The account's last deployment: its private endpoints wait for it (409 while the account deploys). */
  readonly settled: pulumi.Resource;
  readonly region: string;
}

export interface PrivateNetworkArgs {
  readonly stack: string;
  /** Injected (private mode) or integrated (public mode with VNets): see GatewaySubnetUse. */
  readonly gatewaySubnet: GatewaySubnetUse;
  /** The gateway regions: each gets a VNet, the private endpoints and its own zones. */
  readonly regions: readonly string[];
  /** Region -> its VNet's ranges (validated by the config: one per region, no overlaps). */
  readonly vnets: Readonly<Record<string, VnetConfig>>;
  readonly accounts: readonly PrivateAccount[];
  readonly vault: { readonly id: pulumi.Input<string>; readonly name: pulumi.Input<string>; readonly region: string };
  /** The organization's privatelink zones (network.centralDnsZones); undefined: each region's own. */
  readonly centralZones?: CentralZones;
  readonly commonTags: Tags;
  /** Protect the stateful resources: resource groups, VNets, DNS zones. */
  readonly protect: boolean;
}

/** What each gateway region provides to the gateway and the DNS failover. */
export interface PrivateRegion {
  readonly network: RegionalNetwork;
  readonly privateLink: RegionalPrivateLink;
}

/** Every gateway region's network, private endpoints and split-brain DNS. */
export class PrivateNetwork extends pulumi.ComponentResource {
  public readonly regions: Readonly<Record<string, PrivateRegion>>;
  /** Region -> the APIM subnet (the gateway's `subnet.ids`). */
  public readonly apimSubnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Region -> the VNet (what the gateway's DNS zone links to). */
  public readonly vnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  /**
   * Region -> its hub VNet, for the first region of each distinct hub: what the gateway's zone links to. Azure
   * links a VNet to one zone per name (https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links),
   * so a hub shared by regions is linked once. The privatelink zones are never linked to a hub (privateLink.ts).
   */
  public readonly hubVnetIds: Readonly<Record<string, string>>;

  constructor(name: string, args: PrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:network:PrivateNetwork", name, {}, opts);
    const targets: PrivateLinkTarget[] = [
      ...args.accounts.map(a => ({
        key: a.key,
        service: "openai" as const,
        resourceId: a.accountId,
        name: a.subdomain,
        settled: a.settled,
        region: a.region,
      })),
      { key: "vault", service: "vault", resourceId: args.vault.id, name: args.vault.name, region: args.vault.region },
    ];
    this.hubVnetIds = firstRegionPerHub(args.regions, args.vnets);
    this.regions = Object.fromEntries(
      args.regions.map(region => {
        const vnet = args.vnets[region];
        if (!vnet) throw new Error(`no VNet configured for gateway region ${region}`);
        const regional = new RegionalNetwork(
          `${name}-${region}`,
          {
            stack: args.stack,
            region,
            vnet,
            gatewaySubnet: args.gatewaySubnet,
            commonTags: args.commonTags,
            protect: args.protect,
          },
          { parent: this },
        );
        const privateLink = new RegionalPrivateLink(
          `${name}-${region}-private-link`,
          {
            region,
            resourceGroupName: regional.resourceGroup.name,
            vnetId: regional.vnet.id,
            gatewayRegions: args.regions,
            centralZones: args.centralZones,
            subnetId: regional.privateEndpointSubnetId,
            targets,
            commonTags: args.commonTags,
            protect: args.protect,
          },
          { parent: this },
        );
        return [region, { network: regional, privateLink }];
      }),
    );
    const each = <T>(f: (r: PrivateRegion) => T) =>
      Object.fromEntries(Object.entries(this.regions).map(([region, r]) => [region, f(r)]));
    this.apimSubnetIds = each(r => r.network.apimSubnetId);
    this.vnetIds = each(r => r.network.vnet.id);
    this.registerOutputs({ apimSubnetIds: this.apimSubnetIds, vnetIds: this.vnetIds });
  }
}

/**
 * The watchdog's way to both gateways: a VNet in network.dnsRegion whose one subnet the function app integrates
 * with (Flex Consumption delegates it to Microsoft.App/environments:
 * https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#enable-virtual-network-integration),
 * peered both ways with every gateway VNet, so a probe reaches each region's gateway private IP without passing
 * through the other region. Peerings are not transitive: the watchdog reaches the gateway VNets and nothing
 * peered with them (https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview).
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { azureName } from "../naming";
import { Tags } from "../tags";
import { TYPES } from "../../catalog/types";

export const WATCHDOG_SUBNET = "snet-watchdog";

/** A gateway region's VNet, as the peering names it. */
export interface PeerVnet {
  readonly id: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
}

export interface WatchdogNetworkArgs {
  readonly stack: string;
  readonly region: string;
  readonly addressSpace: string;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region -> that gateway region's VNet. */
  readonly gatewayVnets: Readonly<Record<string, PeerVnet>>;
  readonly tags: Tags;
}

/** The VNet and its peerings; returns the integration subnet's id. */
export function watchdogNetwork(
  name: string,
  args: WatchdogNetworkArgs,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const { resourceGroupName, tags } = args;
  // Azure Landing Zones deny a subnet without an NSG (Deny-Subnet-Without-Nsg); the default rules admit the VNet
  // and its peers, which is all the probes need.
  const nsg = new network.NetworkSecurityGroup(
    `${name}-nsg`,
    {
      networkSecurityGroupName: azureName(TYPES.networkSecurityGroup, ["nsg", "watchdog", args.stack, args.region]),
      resourceGroupName,
      location: args.region,
      tags,
    },
    { parent },
  );
  const vnet = new network.VirtualNetwork(
    `${name}-vnet`,
    {
      virtualNetworkName: azureName(TYPES.virtualNetwork, ["vnet", "watchdog", args.stack, args.region]),
      resourceGroupName,
      location: args.region,
      addressSpace: { addressPrefixes: [args.addressSpace] },
      subnets: [
        {
          name: WATCHDOG_SUBNET,
          addressPrefix: args.addressSpace,
          networkSecurityGroup: { id: nsg.id },
          delegations: [{ name: "flex-consumption", serviceName: "Microsoft.App/environments" }],
        },
      ],
      tags,
    },
    { parent },
  );
  peerWithGateways(name, vnet, args, parent);
  return pulumi.interpolate`${vnet.id}/subnets/${WATCHDOG_SUBNET}`;
}

/** Both sides of a peering with each gateway VNet: a peering is only `Connected` once both exist. */
function peerWithGateways(
  name: string,
  vnet: network.VirtualNetwork,
  args: WatchdogNetworkArgs,
  parent: pulumi.Resource,
) {
  const peering = { allowVirtualNetworkAccess: true, allowForwardedTraffic: false, useRemoteGateways: false };
  for (const [region, peer] of Object.entries(args.gatewayVnets)) {
    new network.VirtualNetworkPeering(
      `${name}-to-${region}`,
      {
        ...peering,
        virtualNetworkPeeringName: `to-${region}`,
        virtualNetworkName: vnet.name,
        resourceGroupName: args.resourceGroupName,
        remoteVirtualNetwork: { id: peer.id },
      },
      { parent },
    );
    new network.VirtualNetworkPeering(
      `${name}-from-${region}`,
      {
        ...peering,
        virtualNetworkPeeringName: "to-watchdog",
        virtualNetworkName: peer.name,
        resourceGroupName: peer.resourceGroupName,
        remoteVirtualNetwork: { id: vnet.id },
      },
      { parent },
    );
  }
}

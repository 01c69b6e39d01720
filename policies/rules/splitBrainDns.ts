/**
 * BCDR rule 7, split-brain DNS: each gateway region has its own `privatelink.*` zones, linked only to that
 * region's VNet, so every region resolves each account to its own private endpoint and a regional outage
 * never breaks name resolution in the other regions.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { refersTo } from "../lib/armId";
import { gatewayRegions, gatewayServices, serviceRegions } from "../lib/gateway";
import { NETWORK_MODE_SCHEMA, OPENAI_PRIVATE_LINK_ZONE, privateLinkZones, requireNetworkMode } from "../lib/network";
import { TYPES, ofType, referenced, regionName, sameName } from "../lib/resources";
import { VirtualNetworkInputs, VirtualNetworkLinkInputs } from "../lib/shapes";

export const splitBrainDns: StackValidationPolicy = {
  name: "split-brain-dns",
  description: "In private mode, each gateway region's privatelink zone is linked to that region's VNet only.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: (args, report) => {
    requireNetworkMode(args, "private");
    const zones = privateLinkZones(args.resources);
    const vnets = ofType<VirtualNetworkInputs>(args.resources, TYPES.virtualNetwork);
    const links = ofType<VirtualNetworkLinkInputs>(args.resources, TYPES.virtualNetworkLink).map(link => ({
      zone: referenced(link, zones, z =>
        sameName(z.props.privateZoneName, link.props.privateZoneName) && sameName(z.props.resourceGroupName, link.props.resourceGroupName)),
      vnet: referenced(link, vnets, v => refersTo(link.props.virtualNetwork?.id,
        { type: "Microsoft.Network/virtualNetworks", name: v.props.virtualNetworkName, resourceGroup: v.props.resourceGroupName })),
    }));
    const regionsLinkedTo = (zone: (typeof zones)[number]) =>
      [...new Set(links.filter(l => l.zone === zone).flatMap(l => regionName(l.vnet?.props.location) ?? []))].sort();

    for (const zone of zones) {
      const regions = regionsLinkedTo(zone);
      if (regions.length > 1) {
        report(`Private DNS zone '${zone.name}' (${zone.props.privateZoneName}) is linked to VNets in ${regions.join(", ")}: ` +
          `each region needs its own zone linked only to its own VNet; remove the links to the other regions' VNets.`, zone.urn);
      }
    }
    const services = gatewayServices(args.resources);
    for (const region of gatewayRegions(args.resources)) {
      const ownZone = zones.some(z => sameName(z.props.privateZoneName, OPENAI_PRIVATE_LINK_ZONE) && regionsLinkedTo(z).join() === region);
      if (ownZone) continue;
      const hasVnet = vnets.some(v => regionName(v.props.location) === region);
      report(hasVnet
        ? `Gateway region ${region} has no ${OPENAI_PRIVATE_LINK_ZONE} zone of its own: add one linked only to ${region}'s VNet, with A records for ${region}'s private endpoints.`
        : `Gateway region ${region} has no VNet: private mode needs a VNet per gateway region, with its own ${OPENAI_PRIVATE_LINK_ZONE} zone linked to it.`,
        services.find(s => serviceRegions(s).includes(region))?.urn);
    }
  },
};

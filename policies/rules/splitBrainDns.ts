/**
 * BCDR rule 7, split-brain DNS: each gateway region has its own `privatelink.openai.azure.com` zone, linked
 * only to that region's VNet, so every region resolves each account to its own private endpoint and a
 * regional outage never breaks name resolution in the other regions.
 *
 * A link belongs to the zone its `privateZoneName` was computed from and the VNet its `virtualNetwork` was
 * (else the VNet its virtualNetwork.id names); a link to a VNet outside the stack (the hub private mode is
 * reached through) names no region. "No zone linked to VNets of several regions" decides in every
 * phase; "each region has its own privatelink.openai.azure.com zone" needs zone names, outputs only after
 * the update. A stack registering its endpoints in the organization's central zones (DNS zone groups) owns no
 * privatelink zone, so no region needs one.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { namesResource } from "../lib/armId";
import { gatewayRegions, gatewayServices, serviceRegions } from "../lib/gateway";
import { link } from "../lib/links";
import { onTopology } from "../lib/scope";
import {
  NETWORK_MODE_SCHEMA,
  OPENAI_PRIVATE_LINK_ZONE,
  PRIVATE_LINK_ZONE_PREFIX,
  requirePrivateBackends,
} from "../lib/network";
import { TYPES } from "../../catalog/types";
import { ofType, regionName, sameName } from "../lib/resources";
import { PrivateZoneOutputs, VirtualNetworkLinkOutputs, VirtualNetworkOutputs } from "../lib/shapes";

export const splitBrainDns: StackValidationPolicy = {
  name: "split-brain-dns",
  description:
    "Where the gateways reach the accounts through private endpoints, each gateway region has its own privatelink.openai.azure.com zone, linked to that region's VNet only. " +
    "Decides after update (zone names are outputs only then); a privatelink zone linked to several regions is caught in preview where its name is known.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: onTopology((args, verdict) => {
    requirePrivateBackends(args);
    const zones = ofType<PrivateZoneOutputs>(args.resources, TYPES.privateZone);
    const vnets = ofType<VirtualNetworkOutputs>(args.resources, TYPES.virtualNetwork);
    const links = ofType<VirtualNetworkLinkOutputs>(args.resources, TYPES.virtualNetworkLink).map(l => {
      const vnet = verdict.resolve(
        link(l, "virtualNetwork", vnets, {
          what: `the VNet of DNS link '${l.name}'`,
          matches: v =>
            namesResource(l.props.virtualNetwork?.id, "Microsoft.Network/virtualNetworks", () => v.props.name),
        }),
      );
      // A known VNet outside the stack (the hub the private mode is reached through) names no gateway region.
      return {
        zone: verdict.resolve(link(l, "privateZoneName", zones, { what: `the zone of DNS link '${l.name}'` }))?.[0],
        vnet: vnet?.[0],
        decided: vnet !== undefined,
      };
    });
    const regionsLinkedTo = (zone: (typeof zones)[number]) =>
      [...new Set(links.filter(l => l.zone === zone).flatMap(l => regionName(l.vnet?.props.location) ?? []))].sort();
    // A zone's name is an output only after the update; in a preview, only a zone linked to one region is decided.
    const gateway = gatewayRegions(args.resources);
    if (!gateway.complete) verdict.cannotDecide("the gateway's additional locations are unknown");
    const zoneNames = new Map(
      zones.map(z => [
        z,
        regionsLinkedTo(z).length > 1 || gateway.regions.length > 0
          ? verdict.read(`the name of private DNS zone '${z.name}'`, () => z.props.name)
          : undefined,
      ]),
    );

    for (const zone of zones) {
      const regions = regionsLinkedTo(zone);
      const name = zoneNames.get(zone);
      if (regions.length > 1 && name !== undefined && name.toLowerCase().startsWith(PRIVATE_LINK_ZONE_PREFIX)) {
        verdict.violation(
          `Private DNS zone '${zone.name}' is linked to VNets in ${regions.join(", ")}: ` +
            `each region needs its own privatelink zone linked only to its own VNet; remove the links to the other regions' VNets.`,
          zone.urn,
        );
      }
    }
    const central = ofType(args.resources, TYPES.privateDnsZoneGroup).length > 0;
    if (central || [...zoneNames.values()].includes(undefined) || links.some(l => !l.zone || !l.decided)) return;
    for (const region of gateway.regions) {
      const ownZone = zones.some(
        z => sameName(zoneNames.get(z), OPENAI_PRIVATE_LINK_ZONE) && regionsLinkedTo(z).join() === region,
      );
      if (ownZone) continue;
      const hasVnet = vnets.some(v => regionName(v.props.location) === region);
      verdict.violation(
        hasVnet
          ? `Gateway region ${region} has no ${OPENAI_PRIVATE_LINK_ZONE} zone of its own: add one linked only to ${region}'s VNet, with A records for ${region}'s private endpoints.`
          : `Gateway region ${region} has no VNet: private mode needs a VNet per gateway region, with its own ${OPENAI_PRIVATE_LINK_ZONE} zone linked to it.`,
        gatewayServices(args.resources).find(s => serviceRegions(s).regions.includes(region))?.urn,
      );
    }
  }),
};

/**
 * The Azure landing zone a private-mode stack deploys into, as the mock engine knows it from the stack's config
 * (`network`): what exists before the stack does, and what its policies deny.
 *
 * - The connectivity team's hubs (`network.vnets.<region>.hubVnetId`) are linked to the organization's
 *   `privatelink.*` zones, where its resolver answers for every private endpoint of the organization, so a stack's
 *   own zone of the same name linked to a hub is refused (409, ./dnsLinks.ts).
 *   https://learn.microsoft.com/azure/cloud-adoption-framework/ready/azure-best-practices/private-link-and-dns-integration-at-scale
 * - With `network.centralDnsZones` the stack declares it sits in a landing zone whose platform owns those zones:
 *   the Azure Landing Zones policy `Deny-Private-DNS-Zones` ("Deny the creation of private DNS", assigned to the
 *   Corp landing zones, used with the central zones in the connectivity subscription) refuses the stack's own
 *   `privatelink.*` zones (403 RequestDisallowedByPolicy). As shipped it denies every private DNS zone: the
 *   gateway's own zone needs an exemption for its resource group, which the mock cannot see (checklist).
 *   https://github.com/Azure/Enterprise-Scale/wiki/ALZ-Policies (Corp: "Deny-Private-DNS-Zones")
 * - Every landing zone (a stack peered with the connectivity team's hubs sits in one) denies a subnet without a
 *   network security group: `Deny-Subnet-Without-Nsg` ("Subnets should have a Network Security Group", assigned to
 *   the Landing Zones management group, effect Deny).
 *   https://github.com/Azure/Enterprise-Scale/wiki/ALZ-Policies (Landing Zones: "Deny-Subnet-Without-Nsg")
 */
import { PRIVATE_LINK_SERVICES, isPrivateLinkZone } from "../../../catalog/privateLink";
import type { Props } from "../props";
import type { AzureRefusal } from "./refusal";

export interface LandingZone {
  /** The hubs the stack peers with. */
  readonly hubVnetIds: readonly string[];
  /** The organization owns the privatelink zones: the landing zone denies the stack its own. */
  readonly centralZones: boolean;
}

export const NO_LANDING_ZONE: LandingZone = { hubVnetIds: [], centralZones: false };

/** The landing zone a stack's raw `aoai-bcdr:network` value (a JSON string, as the CLI hands it over) describes. */
export function landingZoneOf(rawNetwork: unknown): LandingZone {
  let n: Props = rawNetwork ?? {};
  if (typeof n === "string") {
    try {
      n = JSON.parse(n);
    } catch {
      return NO_LANDING_ZONE;
    }
  }
  if (n?.mode !== "private") return NO_LANDING_ZONE;
  const hubs = Object.values((n.vnets ?? {}) as Record<string, Props>)
    .map(v => v?.hubVnetId)
    .filter((id): id is string => typeof id === "string");
  return { hubVnetIds: [...new Set(hubs)], centralZones: Boolean(n.centralDnsZones) };
}

/** The links the connectivity team made: every hub to every organization-wide privatelink zone. */
export function existingLinks(lz: LandingZone): { vnetId: string; zoneName: string; holder: string }[] {
  return lz.hubVnetIds.flatMap(vnetId =>
    Object.values(PRIVATE_LINK_SERVICES).map(s => ({
      vnetId,
      zoneName: s.zone,
      holder: "the organization's central zone (landing zone)",
    })),
  );
}

/** A `privatelink.*` zone created where the landing zone's policy denies it. */
export function privateZoneRefusal(lz: LandingZone, resource: string, inputs: Props): AzureRefusal | undefined {
  const zone = String(inputs.privateZoneName ?? "");
  if (!lz.centralZones || !isPrivateLinkZone(zone)) return undefined;
  return {
    rule: "landing-zone-policy",
    resource,
    message: `the landing zone's policy Deny-Private-DNS-Zones denies creating ${zone}: the organization owns it (network.centralDnsZones)`,
    source: "https://github.com/Azure/Enterprise-Scale/wiki/ALZ-Policies (Corp landing zones: Deny-Private-DNS-Zones)",
  };
}

/** A VNet whose inline subnets include one without a network security group, in a landing zone. */
export function subnetWithoutNsgRefusal(lz: LandingZone, resource: string, inputs: Props): AzureRefusal | undefined {
  if (lz.hubVnetIds.length === 0) return undefined;
  const bare = ((inputs.subnets ?? []) as Props[]).filter(s => !s.networkSecurityGroup?.id).map(s => s.name);
  if (bare.length === 0) return undefined;
  return {
    rule: "landing-zone-policy",
    resource,
    message: `the landing zone's policy Deny-Subnet-Without-Nsg denies subnet ${bare.join(", ")}: it has no network security group`,
    source: "https://github.com/Azure/Enterprise-Scale/wiki/ALZ-Policies (Landing Zones: Deny-Subnet-Without-Nsg)",
  };
}

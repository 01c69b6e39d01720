/**
 * Private endpoints, one gateway region at a time: a private endpoint in the region's VNet for every target
 * (each OpenAI account, the Key Vault), and their names in one of two shapes a platform team meets.
 *
 * - Stack-owned zones (default): split-brain DNS. The region's own `privatelink.*` zones, linked to its VNet
 *   only, with an A record per target pointing at this region's endpoint. Every region resolves every account
 *   to an address in its own VNet, so the gateway never depends on another region's endpoints or DNS. The hubs
 *   are never linked: a VNet links to one zone of a name (a hub linked to the organization's zones answers
 *   409) and a hub that did resolve through these zones would get NXDOMAIN for every other private endpoint
 *   of the organization. Only the gateway resolves the accounts; clients need the gateway's name (gatewayDns.ts).
 *   The A records are explicit, computed from the endpoints' IPs, so the plan shows what each region resolves.
 * - Central zones (`network.centralDnsZones`): the organization's zones, in the connectivity subscription. One
 *   zone holds one answer per name, so each target is registered once, by a DNS zone group on one endpoint:
 *   the endpoint in the target's own region when that is a gateway region (the answer fails only with the
 *   target itself), else the one in the first gateway region (registrationRegion).
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { azureName } from "./naming";
import { Tags, roleTags } from "./tags";
import { PRIVATE_LINK_SERVICES, PrivateLinkService } from "../catalog/privateLink";
import { TYPES } from "../catalog/types";

/** A resource reached through a private endpoint. */
export interface PrivateLinkTarget {
  /** Stable key (an account's topology key, `vault`): part of the logical and Azure names. */
  readonly key: string;
  readonly service: PrivateLinkService;
  readonly resourceId: pulumi.Input<string>;
  /** The record's name in the zone: the account's custom subdomain, the vault's name. */
  readonly name: pulumi.Input<string>;
  /** What the endpoint must wait for: the target accepts no endpoint while it still deploys. */
  readonly settled?: pulumi.Resource;
  /** The target's own region: with central zones, the endpoint there answers for it. */
  readonly region: string;
}

/** Service -> the ARM id of the organization's zone for it. */
export type CentralZones = Readonly<Record<PrivateLinkService, string>>;

/**
 * With central zones, the gateway region whose endpoint answers for a target: its own region when it is a
 * gateway region (that answer fails only when the target does), else the first gateway region.
 */
export function registrationRegion(targetRegion: string, gatewayRegions: readonly string[]): string {
  return gatewayRegions.includes(targetRegion) ? targetRegion : gatewayRegions[0];
}

export interface RegionalPrivateLinkArgs {
  readonly region: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly vnetId: pulumi.Input<string>;
  /** Every gateway region, in order (with central zones: which endpoint answers for a target). */
  readonly gatewayRegions: readonly string[];
  /** The organization's zones; undefined: the region's own zones (split brain). */
  readonly centralZones?: CentralZones;
  /** The private endpoints' subnet. */
  readonly subnetId: pulumi.Input<string>;
  readonly targets: readonly PrivateLinkTarget[];
  readonly commonTags: Tags;
  /** Protect the DNS zones. */
  readonly protect: boolean;
}

/** Private DNS zones resolve everywhere they are linked: `global` is their only location. */
export const DNS_LOCATION = "global";

export interface ZoneLinkArgs {
  readonly zoneName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly linkName: string;
  readonly vnetId: pulumi.Input<string>;
  readonly tags: Tags;
  /**
   * `NxDomainRedirect`: a name the zone lacks falls back to public resolution instead of NXDOMAIN. Links to
   * `privatelink.*` zones only. https://learn.microsoft.com/azure/dns/private-dns-fallback
   */
  readonly resolutionPolicy?: "NxDomainRedirect";
}

/** A private DNS zone's link to a VNet: resolution only (no auto-registration of the VNet's VMs). */
export function zoneLink(logical: string, args: ZoneLinkArgs, parent: pulumi.Resource): privatedns.VirtualNetworkLink {
  return new privatedns.VirtualNetworkLink(
    logical,
    {
      privateZoneName: args.zoneName,
      resourceGroupName: args.resourceGroupName,
      virtualNetworkLinkName: args.linkName,
      location: DNS_LOCATION,
      virtualNetwork: { id: args.vnetId },
      registrationEnabled: false,
      ...(args.resolutionPolicy ? { resolutionPolicy: args.resolutionPolicy } : {}),
      tags: args.tags,
    },
    { parent },
  );
}

/** What Azure's own DNS zone groups write: a recreated endpoint's new IP is picked up at once. */
const RECORD_TTL_SECONDS = 10;

export class RegionalPrivateLink extends pulumi.ComponentResource {
  /** Service -> this region's zone (stack-owned zones only; the services among the targets). */
  public readonly zones: Readonly<Partial<Record<PrivateLinkService, privatedns.PrivateZone>>>;
  /** Target key -> its private endpoint in this region. */
  public readonly endpoints: Readonly<Record<string, network.PrivateEndpoint>>;
  /** Target key -> its A record in this region's zone (stack-owned zones only). */
  public readonly records: Readonly<Record<string, privatedns.PrivateRecordSet>>;
  /** Target key -> the DNS zone group registering this region's endpoint in the central zone (central zones only). */
  public readonly zoneGroups: Readonly<Record<string, network.PrivateDnsZoneGroup>>;
  /** Target key -> the endpoint's private IP in this region. */
  public readonly endpointIps: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: RegionalPrivateLinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:privateLink:RegionalPrivateLink", name, {}, opts);
    const services = [...new Set(args.targets.map(t => t.service))];
    this.zones = args.centralZones
      ? {}
      : Object.fromEntries(services.map(service => [service, this.zone(name, service, args)]));
    const endpoints: Record<string, network.PrivateEndpoint> = {};
    const records: Record<string, privatedns.PrivateRecordSet> = {};
    const zoneGroups: Record<string, network.PrivateDnsZoneGroup> = {};
    const endpointIps: Record<string, pulumi.Output<string>> = {};
    for (const target of args.targets) {
      const { endpoint, ip } = this.endpoint(name, target, args);
      endpoints[target.key] = endpoint;
      endpointIps[target.key] = ip;
      if (!args.centralZones) records[target.key] = this.record(name, target, ip, args);
      else if (registrationRegion(target.region, args.gatewayRegions) === args.region)
        zoneGroups[target.key] = this.zoneGroup(name, target, endpoint, args.centralZones, args);
    }
    this.endpoints = endpoints;
    this.records = records;
    this.zoneGroups = zoneGroups;
    this.endpointIps = endpointIps;
    this.registerOutputs({
      zoneIds: Object.fromEntries(Object.entries(this.zones).map(([s, z]) => [s, z.id])),
      endpointIps,
    });
  }

  /**
   * The service's zone in this region, linked to the region's VNet only. The same zone name in every region's
   * resource group: that is the split brain. The link falls back to public resolution for names the zone lacks
   * (a Key Vault the stack does not own, such as the gateway certificate's), instead of answering NXDOMAIN.
   */
  private zone(name: string, service: PrivateLinkService, args: RegionalPrivateLinkArgs): privatedns.PrivateZone {
    const { resourceGroupName } = args;
    const tags = roleTags(args.commonTags, "dns");
    const zone = new privatedns.PrivateZone(
      `${name}-${service}-zone`,
      {
        privateZoneName: PRIVATE_LINK_SERVICES[service].zone,
        resourceGroupName,
        location: DNS_LOCATION,
        tags,
      },
      { parent: this, protect: args.protect },
    );
    zoneLink(
      `${name}-${service}-link`,
      {
        zoneName: zone.name,
        resourceGroupName,
        linkName: `link-${args.region}`,
        vnetId: args.vnetId,
        tags,
        resolutionPolicy: "NxDomainRedirect",
      },
      this,
    );
    return zone;
  }

  /** The target's private endpoint in this region's endpoint subnet, and the address Azure gives it. */
  private endpoint(name: string, target: PrivateLinkTarget, args: RegionalPrivateLinkArgs) {
    const endpointName = azureName(TYPES.privateEndpoint, ["pe", target.key, args.region]);
    const endpoint = new network.PrivateEndpoint(
      `${name}-pe-${target.key}`,
      {
        privateEndpointName: endpointName,
        resourceGroupName: args.resourceGroupName,
        location: args.region,
        subnet: { id: args.subnetId },
        customNetworkInterfaceName: `${endpointName}-nic`,
        privateLinkServiceConnections: [
          {
            name: endpointName,
            privateLinkServiceId: target.resourceId,
            groupIds: [PRIVATE_LINK_SERVICES[target.service].groupId],
          },
        ],
        tags: roleTags(args.commonTags, "network"),
      },
      { parent: this, dependsOn: target.settled ? [target.settled] : [] },
    );
    const ip = endpoint.customDnsConfigs.apply(configs => {
      const address = (configs ?? []).flatMap(c => c.ipAddresses ?? [])[0];
      if (!address) throw new Error(`private endpoint ${endpointName} reported no IP address`);
      return address;
    });
    return { endpoint, ip };
  }

  /** The target's A record in this region's zone, pointing at this region's endpoint. */
  private record(name: string, target: PrivateLinkTarget, ip: pulumi.Output<string>, args: RegionalPrivateLinkArgs) {
    return new privatedns.PrivateRecordSet(
      `${name}-record-${target.key}`,
      {
        privateZoneName: this.zones[target.service]!.name,
        resourceGroupName: args.resourceGroupName,
        recordType: "A",
        relativeRecordSetName: target.name,
        ttl: RECORD_TTL_SECONDS,
        aRecords: [{ ipv4Address: ip }],
      },
      { parent: this },
    );
  }

  /**
   * Registers this region's endpoint of the target in the organization's zone: Azure writes (and on deletion
   * removes) the A record. https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration#private-dns-zone-group
   */
  private zoneGroup(
    name: string,
    target: PrivateLinkTarget,
    endpoint: network.PrivateEndpoint,
    zones: CentralZones,
    args: RegionalPrivateLinkArgs,
  ): network.PrivateDnsZoneGroup {
    const zone = PRIVATE_LINK_SERVICES[target.service].zone;
    return new network.PrivateDnsZoneGroup(
      `${name}-dns-${target.key}`,
      {
        privateDnsZoneGroupName: "default",
        privateEndpointName: endpoint.name,
        resourceGroupName: args.resourceGroupName,
        privateDnsZoneConfigs: [{ name: zone.replace(/\./g, "-"), privateDnsZoneId: zones[target.service] }],
      },
      { parent: this },
    );
  }
}

/**
 * Private endpoints with split-brain DNS, one gateway region at a time: a private endpoint in the
 * region's VNet for every target (each OpenAI account, the Key Vault), and the region's own
 * `privatelink.*` zones, linked to its VNet only, with an A record per target pointing at this region's
 * endpoint. Every region resolves every account to an address in its own VNet, so a client (the gateway)
 * never depends on another region's endpoints or DNS.
 *
 * The A records are explicit, computed from the endpoints' IPs (not a DNS zone group), so the plan
 * shows and the tests check exactly what each region resolves.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { azureName } from "./naming";
import { Tags, roleTags } from "./tags";
import { TYPES } from "../catalog/types";

/** The private link services in use: the endpoint's group id and the zone Azure resolves it through. */
export const PRIVATE_LINK_SERVICES = {
  openai: { groupId: "account", zone: "privatelink.openai.azure.com" },
  vault: { groupId: "vault", zone: "privatelink.vaultcore.azure.net" },
} as const;
export type PrivateLinkService = keyof typeof PRIVATE_LINK_SERVICES;

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
}

export interface RegionalPrivateLinkArgs {
  readonly region: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly vnetId: pulumi.Input<string>;
  /** The region's hub VNet, linked to the zones too, so clients in the hub resolve the endpoints; undefined when another region's zones already use that hub. */
  readonly hubVnetId?: string;
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
      tags: args.tags,
    },
    { parent },
  );
}
/** What Azure's own DNS zone groups write: a recreated endpoint's new IP is picked up at once. */
const RECORD_TTL_SECONDS = 10;

export class RegionalPrivateLink extends pulumi.ComponentResource {
  /** Service -> this region's zone (only the services among the targets). */
  public readonly zones: Readonly<Partial<Record<PrivateLinkService, privatedns.PrivateZone>>>;
  /** Target key -> its private endpoint in this region. */
  public readonly endpoints: Readonly<Record<string, network.PrivateEndpoint>>;
  /** Target key -> its A record in this region's zone. */
  public readonly records: Readonly<Record<string, privatedns.PrivateRecordSet>>;
  /** Target key -> the endpoint's private IP in this region. */
  public readonly endpointIps: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: RegionalPrivateLinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:privateLink:RegionalPrivateLink", name, {}, opts);
    const services = [...new Set(args.targets.map(t => t.service))];
    this.zones = Object.fromEntries(services.map(service => [service, this.zone(name, service, args)]));
    const endpoints: Record<string, network.PrivateEndpoint> = {};
    const records: Record<string, privatedns.PrivateRecordSet> = {};
    const endpointIps: Record<string, pulumi.Output<string>> = {};
    for (const target of args.targets) {
      const { endpoint, ip } = this.endpoint(name, target, args);
      endpoints[target.key] = endpoint;
      endpointIps[target.key] = ip;
      records[target.key] = this.record(name, target, ip, args);
    }
    this.endpoints = endpoints;
    this.records = records;
    this.endpointIps = endpointIps;
    this.registerOutputs({
      zoneIds: Object.fromEntries(Object.entries(this.zones).map(([s, z]) => [s, z.id])),
      endpointIps,
    });
  }

  /** The service's zone in this region, linked to the region's VNet and hub. The same zone name in every region's resource group: that is the split brain. */
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
    const link = (logical: string, linkName: string, vnetId: pulumi.Input<string>) =>
      zoneLink(logical, { zoneName: zone.name, resourceGroupName, linkName, vnetId, tags }, this);
    link(`${name}-${service}-link`, `link-${args.region}`, args.vnetId);
    if (args.hubVnetId) link(`${name}-${service}-hub-link`, `link-hub-${args.region}`, args.hubVnetId);
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
}

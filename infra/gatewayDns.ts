/**
 * Private mode's gateway failover. No private global load balancer exists, so clients reach the gateway
 * through a private DNS name whose A record points at the active region's gateway. The zone is the host
 * name itself (its apex is the only record), so it shadows no other name under `azure-api.net` or the
 * internal domain, and it is linked to every gateway region's VNet and to every hub clients come from.
 *
 * Failing over is one config change (`network.activeGatewayRegion`) and a `pulumi up` targeted at the
 * record: its value changes and nothing else; no name or URN depends on which region is active. The zone
 * and its resource group live in `network.dnsRegion`, outside every gateway region: an outage makes a
 * region's resource-group metadata read-only, and the failover must not need the region it leaves.
 * https://learn.microsoft.com/azure/azure-resource-manager/management/overview#resource-group-location-alignment
 */
import * as pulumi from "@pulumi/pulumi";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import { DNS_LOCATION, zoneLink } from "./privateLink";
import { resourceGroup } from "./resourceGroup";
import { Tags, roleTags } from "./tags";
import { GATEWAY_DNS_COMPONENT } from "../catalog/watchdog";

export interface GatewayDnsArgs {
  /** The host name clients call: the gateway's `<service>.azure-api.net` or a custom domain on every gateway. */
  readonly hostName: pulumi.Input<string>;
  readonly stack: string;
  /** Where the zone's resource group lives: none of the gateway regions (validated by the config). */
  readonly dnsRegion: string;
  /** Region -> VNet id: every gateway VNet (the gateway itself resolves its name). */
  readonly vnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Region -> hub VNet id: where clients come from, one entry per distinct hub (PrivateNetwork.hubVnetIds). */
  readonly hubVnetIds: Readonly<Record<string, string>>;
  /** Region -> that region's gateway private IP. */
  readonly gatewayIps: pulumi.Input<Readonly<Record<string, pulumi.Input<string>>>>;
  /** The region the name resolves to. */
  readonly activeRegion: string;
  readonly commonTags: Tags;
  /** Protect the zone. */
  readonly protect: boolean;
  /**
   * The failover watchdog moves the record: the program writes its target when it creates it (activeRegion)
   * and never again, so a `pulumi up` after a move does not move it back (docs/networking.md).
   */
  readonly watchdogOwnsTarget: boolean;
}

/** Short, so that clients follow a failover within seconds of `pulumi up`. */
const RECORD_TTL_SECONDS = 10;

export class GatewayDns extends pulumi.ComponentResource {
  public readonly resourceGroup: resources.ResourceGroup;
  public readonly zone: privatedns.PrivateZone;
  public readonly record: privatedns.PrivateRecordSet;
  /** The gateway IP the name resolves to now. */
  public readonly activeIp: pulumi.Output<string>;

  constructor(name: string, args: GatewayDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GATEWAY_DNS_COMPONENT, name, {}, opts);
    const tags = roleTags(args.commonTags, "dns");
    this.resourceGroup = resourceGroup(
      name,
      { stack: args.stack, purpose: "dns", region: args.dnsRegion, tags },
      { parent: this, protect: args.protect },
    );
    const resourceGroupName = this.resourceGroup.name;
    this.zone = new privatedns.PrivateZone(
      `${name}-zone`,
      {
        privateZoneName: args.hostName,
        resourceGroupName,
        location: DNS_LOCATION,
        tags,
      },
      { parent: this, protect: args.protect },
    );
    const links = [
      ...Object.entries(args.vnetIds).map(([region, vnetId]) => [`link-${region}`, vnetId] as const),
      ...Object.entries(args.hubVnetIds).map(([region, hubId]) => [`link-hub-${region}`, hubId] as const),
    ];
    for (const [linkName, vnetId] of links) {
      zoneLink(`${name}-${linkName}`, { zoneName: this.zone.name, resourceGroupName, linkName, vnetId, tags }, this);
    }
    this.activeIp = pulumi.output(args.gatewayIps).apply(ips => {
      const ip = ips[args.activeRegion];
      if (!ip)
        throw new Error(
          `no gateway private IP for the active region ${args.activeRegion}; gateway regions: ${Object.keys(ips).join(", ")}`,
        );
      return ip;
    });
    this.record = new privatedns.PrivateRecordSet(
      `${name}-record`,
      {
        privateZoneName: this.zone.name,
        resourceGroupName,
        recordType: "A",
        relativeRecordSetName: "@",
        ttl: RECORD_TTL_SECONDS,
        aRecords: [{ ipv4Address: this.activeIp }],
      },
      // The watchdog's writes: the address and the metadata recording its last move.
      { parent: this, ...(args.watchdogOwnsTarget ? { ignoreChanges: ["aRecords", "metadata"] } : {}) },
    );
    this.registerOutputs({ zoneId: this.zone.id, activeIp: this.activeIp });
  }
}

/**
 * Private mode's gateway failover. No private global load balancer exists, so clients reach the gateway
 * through a private DNS name whose A record points at the active region's gateway. The zone is the host
 * name itself (its apex is the only record), so it shadows no other name under `azure-api.net` or the
 * internal domain, and it is linked to every gateway region's VNet.
 *
 * Failing over is one config change (`network.activeGatewayRegion`) and `pulumi up`: the record's value
 * changes and nothing else; no name or URN depends on which region is active.
 */
import * as pulumi from "@pulumi/pulumi";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { DNS_LOCATION } from "./privateLink";
import { Tags, roleTags } from "./tags";

export interface GatewayDnsArgs {
  /** The host name clients call: the gateway's `<service>.azure-api.net` or a custom domain on every gateway. */
  readonly hostName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Region -> VNet id: every VNet whose clients call the gateway. */
  readonly vnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Region -> that region's gateway private IP. */
  readonly gatewayIps: pulumi.Input<Readonly<Record<string, pulumi.Input<string>>>>;
  /** The region the name resolves to. */
  readonly activeRegion: string;
  readonly commonTags: Tags;
  /** Protect the zone. */
  readonly protect: boolean;
}

/** Short, so that clients follow a failover within seconds of `pulumi up`. */
const RECORD_TTL_SECONDS = 10;

export class GatewayDns extends pulumi.ComponentResource {
  public readonly zone: privatedns.PrivateZone;
  public readonly record: privatedns.PrivateRecordSet;
  /** The gateway IP the name resolves to now. */
  public readonly activeIp: pulumi.Output<string>;

  constructor(name: string, args: GatewayDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:gatewayDns:GatewayDns", name, {}, opts);
    const tags = roleTags(args.commonTags, "dns");
    this.zone = new privatedns.PrivateZone(`${name}-zone`, {
      privateZoneName: args.hostName,
      resourceGroupName: args.resourceGroupName,
      location: DNS_LOCATION,
      tags,
    }, { parent: this, protect: args.protect });
    for (const [region, vnetId] of Object.entries(args.vnetIds)) {
      new privatedns.VirtualNetworkLink(`${name}-link-${region}`, {
        privateZoneName: this.zone.name,
        resourceGroupName: args.resourceGroupName,
        virtualNetworkLinkName: `link-${region}`,
        location: DNS_LOCATION,
        virtualNetwork: { id: vnetId },
        registrationEnabled: false,
        tags,
      }, { parent: this });
    }
    this.activeIp = pulumi.output(args.gatewayIps).apply(ips => {
      const ip = ips[args.activeRegion];
      if (!ip) throw new Error(`no gateway private IP for the active region ${args.activeRegion}; gateway regions: ${Object.keys(ips).join(", ")}`);
      return ip;
    });
    this.record = new privatedns.PrivateRecordSet(`${name}-record`, {
      privateZoneName: this.zone.name,
      resourceGroupName: args.resourceGroupName,
      recordType: "A",
      relativeRecordSetName: "@",
      ttl: RECORD_TTL_SECONDS,
      aRecords: [{ ipv4Address: this.activeIp }],
    }, { parent: this });
    this.registerOutputs({ zoneId: this.zone.id, activeIp: this.activeIp });
  }
}

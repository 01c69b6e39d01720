/**
 * BCDR rule 6, public mode: Front Door has an origin for the gateway of every region, in origin groups that
 * probe each origin's health, so it stops sending traffic to a region whose gateway is down.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { ApimService, gatewayRegions, gatewayServices, serviceRegions } from "../lib/gateway";
import { NETWORK_MODE_SCHEMA, requireNetworkMode } from "../lib/network";
import { TYPES, Typed, known, ofType, referenced, sameName } from "../lib/resources";
import { OriginGroupInputs, OriginInputs } from "../lib/shapes";

/** API Management's regional gateway host: `<service>-<region>-01.regional.azure-api.net`. */
const REGIONAL_GATEWAY_HOST = /^.+-([a-z0-9]+)-\d+\.regional\.azure-api\.net$/i;

/**
 * A single-region service's own host, `<service>.azure-api.net`: the only name of a v2-tier gateway, which has
 * no regional URL (https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview). A multi-region
 * service's own host is routed to the nearest healthy region, so it names no region.
 */
function serviceHostRegion(host: string, services: readonly ApimService[]): string | undefined {
  const service = services.find(s => sameName(`${s.props.serviceName}.azure-api.net`, host));
  const regions = service ? serviceRegions(service) : [];
  return regions.length === 1 ? regions[0] : undefined;
}

/** The gateway region an origin sends to: by its host name, or in a preview (the host still unknown) a single-region service it depends on. */
function originRegion(origin: Typed<OriginInputs>, services: readonly ApimService[]): string | undefined {
  const host = known(() => origin.props.hostName);
  if (host !== undefined) return REGIONAL_GATEWAY_HOST.exec(host)?.[1].toLowerCase() ?? serviceHostRegion(host, services);
  const regions = services.filter(s => origin.dependencies.some(d => d.urn === s.urn)).flatMap(serviceRegions);
  return regions.length === 1 ? regions[0] : undefined;
}

export const frontDoorOrigins: StackValidationPolicy = {
  name: "front-door-origins",
  description: "In public mode, Front Door has a health-probed origin for the gateway of every gateway region.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: (args, report) => {
    requireNetworkMode(args, "public");
    const regions = gatewayRegions(args.resources);
    if (regions.length === 0) args.notApplicable("the stack has no API Management gateway");
    const services = gatewayServices(args.resources);
    const groups = ofType<OriginGroupInputs>(args.resources, TYPES.originGroup);
    const origins = ofType<OriginInputs>(args.resources, TYPES.origin)
      .filter(o => !sameName(o.props.enabledState, "Disabled"))
      .map(o => ({
        region: originRegion(o, services),
        group: referenced(o, groups, g => sameName(g.props.originGroupName, o.props.originGroupName) &&
          sameName(g.props.profileName, o.props.profileName) && sameName(g.props.resourceGroupName, o.props.resourceGroupName)),
      }))
      .filter(o => o.region !== undefined && regions.includes(o.region));
    for (const region of regions.filter(r => !origins.some(o => o.region === r))) {
      report(`No enabled Front Door origin sends to the gateway in ${region}: add an origin whose host name is the ${region} regional gateway ` +
        `(<service>-${region}-01.regional.azure-api.net; a v2-tier service's own <service>.azure-api.net) to the gateways' origin group.`, groups[0]?.urn);
    }
    for (const group of new Set(origins.flatMap(o => o.group ?? []))) {
      const probe = group.props.healthProbeSettings;
      if (!probe?.probePath || !probe.probeProtocol || sameName(probe.probeProtocol, "NotSet")) {
        report(`Front Door origin group '${group.name}' does not probe its gateways: set healthProbeSettings (probePath "/status-0123456789abcdef", ` +
          `probeProtocol "Https", probeRequestType "GET") so traffic leaves a region whose gateway is down.`, group.urn);
      }
    }
  },
};

/**
 * BCDR rule 6, public mode: Front Door has an origin for the gateway of every region, in origin groups that
 * probe each origin's health, so it stops sending traffic to a region whose gateway is down.
 *
 * An origin belongs to the group its `originGroupName` was computed from. Its region is the one its host
 * name names (`<service>-<region>-01.regional.azure-api.net`), or, for a single-region service, that
 * service's own host (v2 tiers have no regional gateway URL:
 * https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview). In a first preview that host,
 * computed from the service's outputs, is unknown, and only an origin computed from a single-region service
 * can be placed.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { ApimService, gatewayRegions, gatewayServices, serviceRegions } from "../lib/gateway";
import { Verdict, link } from "../lib/links";
import { onTopology } from "../lib/scope";
import { NETWORK_MODE_SCHEMA, requireFrontDoorEntry } from "../lib/network";
import { TYPES } from "../../catalog/types";
import { Typed, UNKNOWN, known, ofType, sameName } from "../lib/resources";
import { OriginGroupOutputs, OriginOutputs } from "../lib/shapes";

/** API Management's regional gateway host: `<service>-<region>-01.regional.azure-api.net`. */
const REGIONAL_GATEWAY_HOST = /^.+-([a-z0-9]+)-\d+\.regional\.azure-api\.net$/i;

/** The region of the single-region service whose own host is `host` (a multi-region service's host names no region). */
function serviceHostRegion(host: string, services: readonly ApimService[]): string | undefined {
  const service = services.find(s => {
    const url = known(() => s.props.gatewayUrl);
    return url !== UNKNOWN && sameName(url, `https://${host}`);
  });
  const placed = service && serviceRegions(service);
  return placed?.complete && placed.regions.length === 1 ? placed.regions[0] : undefined;
}

/** The gateway region an origin sends to; undefined if it sends elsewhere, UNKNOWN if the preview cannot tell. */
function originRegion(
  origin: Typed<OriginOutputs>,
  services: readonly ApimService[],
): string | undefined | typeof UNKNOWN {
  const host = known(() => origin.props.hostName);
  if (host !== UNKNOWN)
    return host === undefined
      ? undefined
      : (REGIONAL_GATEWAY_HOST.exec(host)?.[1].toLowerCase() ?? serviceHostRegion(host, services));
  const placed = services
    .filter(s => (origin.propertyDependencies.hostName ?? []).some(d => d.urn === s.urn))
    .map(serviceRegions);
  return placed.length === 1 && placed[0].complete && placed[0].regions.length === 1 ? placed[0].regions[0] : UNKNOWN;
}

function placedOrigins(
  origins: readonly Typed<OriginOutputs>[],
  groups: readonly Typed<OriginGroupOutputs>[],
  services: readonly ApimService[],
  verdict: Verdict,
) {
  return origins.map(o => {
    const region = originRegion(o, services);
    if (region === UNKNOWN) verdict.cannotDecide(`the gateway region origin '${o.name}' sends to is unknown`);
    return {
      region,
      enabled: verdict.read(`the state of origin '${o.name}'`, () => !sameName(o.props.enabledState, "Disabled")),
      group: verdict.resolve(
        link(o, "originGroupName", groups, { what: `the origin group of origin '${o.name}'` }),
      )?.[0],
    };
  });
}

export const frontDoorOrigins: StackValidationPolicy = {
  name: "front-door-origins",
  description:
    "Where clients come through Front Door (public mode), Front Door has a health-probed origin for the gateway of every gateway region. " +
    "Decides after update, and in preview where origin host names are known.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: onTopology((args, verdict) => {
    requireFrontDoorEntry(args);
    const { regions, complete } = gatewayRegions(args.resources);
    if (regions.length === 0) args.notApplicable("the stack has no API Management gateway");
    if (!complete) verdict.cannotDecide("the gateway's additional locations are unknown");
    const groups = ofType<OriginGroupOutputs>(args.resources, TYPES.originGroup);
    const origins = placedOrigins(
      ofType<OriginOutputs>(args.resources, TYPES.origin),
      groups,
      gatewayServices(args.resources),
      verdict,
    );
    const serving = origins.filter(
      o => o.enabled === true && typeof o.region === "string" && regions.includes(o.region),
    );
    if (complete && !origins.some(o => o.region === UNKNOWN || o.enabled === undefined)) {
      for (const region of regions.filter(r => !serving.some(o => o.region === r))) {
        verdict.violation(
          `No enabled Front Door origin sends to the gateway in ${region}: add an origin whose host name is the ${region} regional gateway ` +
            `(<service>-${region}-01.regional.azure-api.net, or a single-region service's own host) to the gateways' origin group.`,
          groups[0]?.urn,
        );
      }
    }
    for (const group of new Set(serving.flatMap(o => o.group ?? []))) {
      const probe = known(() => group.props.healthProbeSettings && { ...group.props.healthProbeSettings });
      if (probe === UNKNOWN) verdict.cannotDecide(`the health probe of origin group '${group.name}' is unknown`);
      else if (!probe?.probePath || !probe.probeProtocol || sameName(probe.probeProtocol, "NotSet")) {
        verdict.violation(
          `Front Door origin group '${group.name}' does not probe its gateways: set healthProbeSettings (probePath "/status-0123456789abcdef", ` +
            `probeProtocol "Https", probeRequestType "GET") so traffic leaves a region whose gateway is down.`,
          group.urn,
        );
      }
    }
  }),
};

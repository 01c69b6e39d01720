/**
 * Azure's limits on what the stack declares, refused before anything is: the generated API policy document's
 * size, the named values and products per API Management service (each per tier), and Front Door's origin
 * priorities. The facts and their sources are data in catalog/serviceLimits.ts; each refusal names the keys
 * that drive the count and the limit it crosses.
 */
import {
  APIM_LIMITS_SOURCE,
  APIM_PRODUCTS,
  APIM_POLICY_DOCUMENT_MAX_BYTES,
  FRONT_DOOR_ORIGIN_PRIORITY,
  FRONT_DOOR_ORIGIN_PRIORITY_SOURCE,
  policySizeSource,
} from "../../../catalog/serviceLimits";
import { FootprintConfig, gatewayFootprint } from "../../gateway/footprint";
import { buildTopology, zeroCapacities } from "../../topology";
import { dataZoneOf, resolvedPools } from "../derive";
import { BcdrConfig } from "../types";
import { Rule, rule } from "./rule";

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Rules on single keys' counts: the config alone says whether they fit. */
/** The keys the chains are computed from (buildTopology, gatewayChains). */
const CHAIN_SECTIONS = [
  "regions",
  "standard",
  "overflowSubscriptions",
  "enterprisePtu",
  "workloadPtus",
  "gateway",
  "network",
  "openai",
] as const;

export const azureLimitRules: readonly Rule[] = [
  // Public mode, active/passive: the n-th gateway region is Front Door origin priority n (infra/edge.ts edgeOrigins).
  rule(["gateway", "edge", "network"], ({ gateway, edge, network }, issues) => {
    const { max } = FRONT_DOOR_ORIGIN_PRIORITY;
    if (network.mode !== "public" || edge.routing !== "active-passive" || gateway.regions.length <= max) return;
    issues.add(
      ["gateway", "regions"],
      `with edge.routing active-passive, gateway region ${max + 1} ('${gateway.regions[max]}') would be Front Door ` +
        `origin priority ${max + 1}, and Front Door takes priorities ${FRONT_DOOR_ORIGIN_PRIORITY.min} to ${max} ` +
        `(${FRONT_DOOR_ORIGIN_PRIORITY_SOURCE}): list at most ${max} gateway regions, or set edge.routing: active-active`,
    );
  }),
  rule(["gateway", "applications"], ({ gateway, applications }, issues) => {
    const limit = APIM_PRODUCTS[gateway.sku];
    if (gateway.callerAuth !== "subscription-key" || applications.length <= limit) return;
    issues.add(
      ["applications"],
      `${applications.length} applications need ${applications.length} API Management products (one each with ` +
        `gateway.callerAuth: subscription-key), more than the ${limit} a ${gateway.sku} service allows ` +
        `(${APIM_LIMITS_SOURCE}): use gateway.callerAuth: entra, or a larger gateway.sku`,
    );
  }),
];

/** The keys the policy document grows with, and how much of each the stack has. */
function sizeDrivers(c: FootprintConfig): string {
  return [
    `applications (${c.applications.length})`,
    `workloadPtus (${c.workloadPtus.length})`,
    `standard.models (${c.standard.models.length})`,
    `overflowSubscriptions (${c.overflowSubscriptions.length})`,
  ].join(", ");
}

/**
 * Rules on what the program derives from the whole config: the policy document, built at config time by the
 * policy builder itself, and the named values per service. They run once the standard capacities are known
 * (RuleContext.capacities; zero capacities otherwise, which only change pool weights).
 */
export const gatewayLimitRules: readonly Rule[] = [
  rule([...CHAIN_SECTIONS, "applications"], (c, issues, context) => {
    const config: FootprintConfig = { ...c, ...resolvedPools(c), dataZone: dataZoneOf(c) };
    // buildTopology reads the chain sections only.
    const topology = buildTopology(config as BcdrConfig, context.capacities ?? zeroCapacities(config as BcdrConfig));
    const footprint = gatewayFootprint(config, topology);
    const sku = config.gateway.sku;
    const maxBytes = APIM_POLICY_DOCUMENT_MAX_BYTES[sku];
    if (footprint.policyBytes > maxBytes) {
      issues.add(
        ["gateway", "sku"],
        `the generated API policy document is ${footprint.policyBytes} bytes (${kib(footprint.policyBytes)}), over the ` +
          `${kib(maxBytes)} a ${sku} service accepts (${policySizeSource(sku)}); it grows with ${sizeDrivers(config)}: ` +
          "list fewer, or use a tier with the larger limit",
      );
    }
  }),
];

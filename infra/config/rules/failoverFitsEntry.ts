/**
 * Public mode: the longest a request can spend failing over (every tier of its chain waited out, one after
 * the other: the pool's attempt that timed out, then the on-error walk, or the send-request walk) must end
 * before Front Door gives up on the origin, so callers get the gateway's 503 rather than Front Door's 504.
 */
import { ORIGIN_RESPONSE_TIMEOUT_SECONDS, gatewayChains } from "../../gateway/chains";
import { CapacityTable, buildTopology, standardPlacements } from "../../topology";
import { dataZoneOf, resolvedPools } from "../derive";
import { BcdrConfig } from "../types";
import { Rule, rule } from "./rule";

/** What the gateway itself needs besides waiting on tiers (policy, TLS, the walk's own hops). */
const GATEWAY_MARGIN_SECONDS = 10;

/**
 * The keys the chains are computed from (buildTopology, gatewayChains). The chains' tiers and timeouts do
 * not depend on capacities, so the rule runs on a table of zero capacities and needs no resolved quota.
 */
export const CHAIN_SECTIONS = [
  "regions",
  "standard",
  "overflowSubscriptions",
  "enterprisePtu",
  "workloadPtus",
  "gateway",
  "network",
  "openai",
] as const;
type ChainConfig = Pick<BcdrConfig, (typeof CHAIN_SECTIONS)[number] | "dataZone">;

export function zeroCapacities(config: ChainConfig): CapacityTable {
  const models = new Map(config.standard.models.map(m => [m.name, { capacity: 0, source: "config" as const }]));
  return new Map(standardPlacements(config as BcdrConfig).map(p => [p.key, models]));
}

/** The chain that can wait longest failing over, with its wait in seconds. */
function slowestChain(config: ChainConfig) {
  // buildTopology and gatewayChains read the chain sections only.
  const topology = buildTopology(config as BcdrConfig, zeroCapacities(config));
  return gatewayChains(config as BcdrConfig, topology)
    .map(c => ({
      chain: c.name,
      seconds: c.tiers.reduce((s, t) => s + t.timeoutSeconds, 0),
      tiers: c.tiers.map(t => t.role),
    }))
    .sort((a, b) => b.seconds - a.seconds)[0];
}

export const failoverRules: readonly Rule[] = [
  rule(CHAIN_SECTIONS, (c, issues) => {
    if (c.network.mode !== "public") return;
    const limit = ORIGIN_RESPONSE_TIMEOUT_SECONDS - GATEWAY_MARGIN_SECONDS;
    const worst = slowestChain({ ...c, ...resolvedPools(c), dataZone: dataZoneOf(c) });
    if (!worst || worst.seconds <= limit) return;
    issues.add(
      ["gateway", "tierTimeoutSeconds"],
      `chain ${worst.chain} (${worst.tiers.join(", ")}) can wait ${worst.seconds} s failing over, more than the ${limit} s ` +
        `Front Door leaves (origin response timeout ${ORIGIN_RESPONSE_TIMEOUT_SECONDS} s minus ${GATEWAY_MARGIN_SECONDS} s for the gateway): ` +
        "lower the tier timeouts so their sum over the chain fits, or callers get Front Door's 504 instead of the gateway's 503",
    );
  }),
];

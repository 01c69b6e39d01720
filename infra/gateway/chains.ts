/**
 * The failover chains as the gateway declares them: the topology's chains resolved to backends, pools
 * and tier timeouts. Pure: a function of the config and the topology, computed once per run.
 */
import { BcdrConfig, ConfigError, GatewayConfig, configKey } from "../config";
import { AccountRole } from "../../catalog/tags";
import { Topology } from "../topology";
import { backendId, endpointNamedValue, keyNamedValue, poolId, standardPoolId } from "./ids";
import { GatewayChain } from "./policy";

/** `gateway.tierTimeoutSeconds`: seconds each tier role may take to send its response headers. */
export type TierTimeouts = GatewayConfig["tierTimeoutSeconds"];

const timeoutOf = (timeouts: TierTimeouts, role: AccountRole): number =>
  role === "workload-ptu"
    ? timeouts.workloadPtu
    : role === "enterprise-ptu"
      ? timeouts.enterprisePtu
      : timeouts.standard;

/** Every chain of the topology, tiers in walking order (pool priority), one backend per (account, deployment). */
export function gatewayChains(config: BcdrConfig, topology: Topology): GatewayChain[] {
  const timeouts = config.gateway.tierTimeoutSeconds;
  const account = (key: string) => {
    const found = topology.accounts.find(a => a.key === key);
    if (!found) throw new Error(`chain tier names unknown account ${key}`);
    return found;
  };
  return topology.chains.map(c => {
    const tiers = [...c.tiers].sort((a, b) => a.priority - b.priority).map(t => ({ ...t, spec: account(t.account) }));
    const first = tiers[0].spec;
    const firstPtu =
      first.role === "standard"
        ? undefined
        : {
            backendId: backendId(first.key, c.deployment),
            units: first.deployments.find(d => d.name === c.deployment)?.capacity ?? 0,
          };
    return {
      name: c.name,
      deployment: c.deployment,
      workload: c.workload,
      firstPtu,
      poolId: poolId(c.name),
      standardPoolId: standardPoolId(c.deployment),
      tiers: tiers.map(t => ({
        backendId: backendId(t.account, c.deployment),
        account: t.account,
        role: t.spec.role,
        priority: t.priority,
        weight: t.weight,
        timeoutSeconds: timeoutOf(timeouts, t.spec.role),
        endpointNamedValue: endpointNamedValue(t.account),
        keyNamedValue: config.openai.auth === "keys" ? keyNamedValue(t.account) : undefined,
      })),
    };
  });
}

/**
 * Front Door's origin response timeout, the longest it may be set to ("a value between 16 and 240
 * seconds"; past it Front Door answers 504 "OriginTimeout" itself):
 * https://learn.microsoft.com/azure/frontdoor/troubleshoot-issues. The gateway's clean 503 must come first.
 */
export const ORIGIN_RESPONSE_TIMEOUT_SECONDS = 240;
/** What the gateway itself needs besides waiting on tiers (policy, TLS, the walk's own hops). */
const GATEWAY_MARGIN_SECONDS = 10;

/**
 * Public mode: the longest a request can spend failing over (every tier of its chain waited out, one
 * after the other: the pool's attempt that timed out, then the on-error walk, or the send-request walk)
 * must end before Front Door gives up on the origin. Throws a ConfigError naming
 * gateway.tierTimeoutSeconds; called before any resource is declared.
 */
export function checkFailoverFitsEntry(config: BcdrConfig, chains: readonly GatewayChain[]): void {
  if (config.network.mode !== "public") return;
  const limit = ORIGIN_RESPONSE_TIMEOUT_SECONDS - GATEWAY_MARGIN_SECONDS;
  const worst = chains
    .map(c => ({
      chain: c.name,
      seconds: c.tiers.reduce((s, t) => s + t.timeoutSeconds, 0),
      tiers: c.tiers.map(t => t.role),
    }))
    .sort((a, b) => b.seconds - a.seconds)[0];
  if (!worst || worst.seconds <= limit) return;
  throw new ConfigError([
    {
      key: configKey(["gateway", "tierTimeoutSeconds"]),
      message:
        `chain ${worst.chain} (${worst.tiers.join(", ")}) can wait ${worst.seconds} s failing over, more than the ${limit} s ` +
        `Front Door leaves (origin response timeout ${ORIGIN_RESPONSE_TIMEOUT_SECONDS} s minus ${GATEWAY_MARGIN_SECONDS} s for the gateway): ` +
        "lower the tier timeouts so their sum over the chain fits, or callers get Front Door's 504 instead of the gateway's 503",
    },
  ]);
}

/**
 * The failover chains as the gateway declares them: the topology's chains resolved to backends, pools
 * and tier timeouts. Pure: a function of the config and the topology, computed once per run.
 */
import { BcdrConfig, GatewayConfig } from "../config";
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
        region: t.spec.region,
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

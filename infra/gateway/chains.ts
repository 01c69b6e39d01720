/**
 * The failover chains as the policy builder sees them. Pure: a function of the topology.
 */
import { GatewayConfig } from "../config";
import { AccountRole, Topology } from "../topology";
import { backendId, endpointNamedValue, keyNamedValue, poolId, standardPoolId } from "./ids";
import { PolicyChain } from "./policy";

/** `gateway.tierTimeoutSeconds`: seconds each tier role may take to send its response headers. */
export type TierTimeouts = GatewayConfig["tierTimeoutSeconds"];

const timeoutOf = (timeouts: TierTimeouts, role: AccountRole): number =>
  role === "workload-ptu"
    ? timeouts.workloadPtu
    : role === "enterprise-ptu"
      ? timeouts.enterprisePtu
      : timeouts.standard;

/** The chains as the policy builder sees them: tiers in walking order, one backend per (account, deployment). */
export function policyChains(
  topology: Topology,
  backendAuth: "managedIdentity" | "keys",
  timeouts: TierTimeouts,
): PolicyChain[] {
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
        accountKey: t.account,
        role: t.spec.role,
        priority: t.priority,
        weight: t.weight,
        timeoutSeconds: timeoutOf(timeouts, t.spec.role),
        endpointNamedValue: endpointNamedValue(t.account),
        keyNamedValue: backendAuth === "keys" ? keyNamedValue(t.account) : undefined,
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

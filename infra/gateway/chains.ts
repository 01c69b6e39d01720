/**
 * The failover chains as the policy builder sees them. Pure: a function of the topology.
 */
import { Topology } from "../topology";
import { backendId, endpointNamedValue, keyNamedValue, poolId, standardPoolId } from "./ids";
import { PolicyChain } from "./policy";

/** The chains as the policy builder sees them: tiers in walking order, pools by id. */
export function policyChains(topology: Topology, backendAuth: "managedIdentity" | "keys"): PolicyChain[] {
  return topology.chains.map(c => {
    const tiers = [...c.tiers].sort((a, b) => a.priority - b.priority);
    const startsAtPtu = topology.accounts.find(a => a.key === tiers[0].account)?.role !== "standard";
    return {
      name: c.name, deployment: c.deployment, workload: c.workload, startsAtPtu,
      poolId: poolId(c.name),
      standardPoolId: standardPoolId(c.deployment),
      tiers: tiers.map(t => ({
        backendId: backendId(t.account, c.deployment), priority: t.priority,
        endpointNamedValue: endpointNamedValue(t.account),
        keyNamedValue: backendAuth === "keys" ? keyNamedValue(t.account) : undefined,
      })),
    };
  });
}

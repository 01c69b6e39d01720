/**
 * Backends: one per (OpenAI account, deployment), each with its own circuit breaker, and a load-balanced
 * pool per failover chain over the backends of that chain's deployment.
 *
 * Why per deployment: Azure OpenAI quota and rate limits are set per deployment
 * (https://learn.microsoft.com/azure/ai-services/openai/quotas-limits), so a 429 says one deployment is
 * full, not that the account is. A breaker trips for the backend it belongs to; with one backend per
 * account a gpt-5-mini 429 would take gpt-5.1 and gpt-5 of that account out of every pool.
 *
 * API Management facts relied on (https://learn.microsoft.com/azure/api-management/backends):
 * - a circuit breaker rule trips the backend on `count` failures matching `statusCodeRanges` within
 *   `interval`, for `tripDuration`; with `acceptRetryAfter` it stays open for the backend's Retry-After;
 * - a pool (`type: Pool`) sends to the lowest `priority` first, spreads by `weight` within one
 *   priority, and skips backends whose breaker is open; a pool holds single backends only.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { ChainSpec, Topology } from "../topology";
import { API_PATH, backendId, keyNamedValue, poolId, standardPoolId } from "./ids";
import { ServiceRef } from "./namedValues";

export interface BackendsArgs {
  readonly service: ServiceRef;
  readonly topology: Topology;
  /** Account key -> its endpoint, `https://<subdomain>.openai.azure.com/`. */
  readonly endpoints: ReadonlyMap<string, pulumi.Input<string>>;
  /** Key mode: account key -> the Key Vault-backed named value holding its key. */
  readonly keyNamedValues: ReadonlyMap<string, apimanagement.NamedValue>;
}

/**
 * The transport failures that trip a breaker too: a timeout and a connection that could not be made or
 * was dropped. ARM's backend schema has `failureCondition.errorReasons`, "the error reasons which are
 * considered as failure" (https://learn.microsoft.com/azure/templates/microsoft.apimanagement/service/backends),
 * without listing its values; these are the `context.LastError.Reason` values APIM documents for them
 * (https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies). That the
 * breaker matches them is on the README's dev-instance checklist.
 */
export const BREAKER_ERROR_REASONS = ["BackendConnectionFailure", "Timeout"];

/** Trips on the first 429, 5xx, timeout or connection failure, and stays open as long as the deployment's Retry-After says. */
export const CIRCUIT_BREAKER: apimanagement.BackendArgs["circuitBreaker"] = {
  rules: [{
    name: "spill-over",
    failureCondition: {
      count: 1,
      interval: "PT10S",
      statusCodeRanges: [{ min: 429, max: 429 }, { min: 500, max: 599 }],
      errorReasons: BREAKER_ERROR_REASONS,
    },
    tripDuration: "PT10S",
    acceptRetryAfter: true,
  }],
};

function deploymentBackend(name: string, args: BackendsArgs, account: string, deployment: string, region: string, parent: pulumi.Resource): apimanagement.Backend {
  const id = backendId(account, deployment);
  const key = args.keyNamedValues.get(account);
  return new apimanagement.Backend(`${name}-backend-${id}`, {
    ...args.service,
    backendId: id,
    title: `${deployment} on ${account} (${region})`,
    protocol: "http",
    url: pulumi.interpolate`${args.endpoints.get(account)!}${API_PATH}`,
    tls: { validateCertificateChain: true, validateCertificateName: true },
    credentials: key ? { header: { "api-key": [`{{${keyNamedValue(account)}}}`] } } : undefined,
    circuitBreaker: CIRCUIT_BREAKER,
  }, { parent, dependsOn: key ? [key] : [] });
}

interface PoolMember { readonly account: string; readonly priority: number; readonly weight: number }

function pool(name: string, args: BackendsArgs, id: string, title: string, deployment: string, members: readonly PoolMember[],
  backends: ReadonlyMap<string, apimanagement.Backend>, parent: pulumi.Resource): apimanagement.Backend {
  const ordered = [...members].sort((a, b) => a.priority - b.priority);
  const of = (m: PoolMember) => backends.get(backendId(m.account, deployment))!;
  return new apimanagement.Backend(`${name}-${id}`, {
    ...args.service,
    backendId: id,
    title,
    type: "Pool",
    pool: { services: ordered.map(m => ({ id: of(m).id, priority: m.priority, weight: m.weight })) },
  }, { parent, dependsOn: ordered.map(of) });
}

const roleOf = (topology: Topology, account: string) => topology.accounts.find(a => a.key === account)?.role;

/** The standard tier of a chain: where lower-priority callers go when its PTU pool runs hot. */
function standardTier(topology: Topology, chain: ChainSpec): readonly PoolMember[] {
  return chain.tiers.filter(t => roleOf(topology, t.account) === "standard");
}

function startsAtPtu(topology: Topology, chain: ChainSpec): boolean {
  const [first] = [...chain.tiers].sort((a, b) => a.priority - b.priority);
  return roleOf(topology, first.account) !== "standard";
}

/** Declares every backend and pool; returns the pools (the policy names them, so it must wait for them). */
export function declareBackends(name: string, args: BackendsArgs, parent: pulumi.Resource): apimanagement.Backend[] {
  const { topology } = args;
  const backends = new Map(topology.accounts.flatMap(a => a.deployments.map(d =>
    [backendId(a.key, d.name), deploymentBackend(name, args, a.key, d.name, a.region, parent)] as const)));
  const chainPools = topology.chains.map(c =>
    pool(name, args, poolId(c.name), `Failover chain ${c.name}`, c.deployment, c.tiers, backends, parent));
  const shedTargets = [...new Set(topology.chains.filter(c => startsAtPtu(topology, c)).map(c => c.deployment))];
  const standardPools = shedTargets.map(d => {
    const shared = topology.chains.find(c => c.deployment === d && !c.workload)!;
    return pool(name, args, standardPoolId(d), `Standard tier of ${d}`, d, standardTier(topology, shared), backends, parent);
  });
  return [...chainPools, ...standardPools];
}

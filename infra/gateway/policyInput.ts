/**
 * What the API policy is generated from: the gateway's config, the applications, the chains and the ids only
 * Azure and Entra ID know. Pure, so the program (with the real ids) and the config check (with ids of the same
 * length, to measure the document before anything is declared) build the document from one mapping.
 */
import type { GatewayConfig } from "../config";
import { ApiPolicyInput, CallerAuth, GatewayChain, PolicyTiming, policyApplications } from "./policy";
import { FRONT_DOOR_ID_NAMED_VALUE } from "./ids";

/** The applications as the policy reads them (the config's `applications`). */
export type PolicyCallers = readonly {
  readonly name: string;
  readonly priority: number;
  readonly workload?: string;
  readonly tokensPerMinute?: number;
  readonly clientApplicationIds: readonly string[];
}[];

/** The ids the policy names that Azure or Entra ID assign. */
export interface PolicyIdentities {
  /** Entra callers: the tenant, the gateway app's audience (identifier URI) and client id; undefined with subscription keys. */
  readonly entra?: {
    readonly tenantId: string;
    readonly audience: string;
    readonly clientId: string;
    readonly rolePrefix: string;
  };
  /** Client id of the gateway's user-assigned identity. */
  readonly identityClientId: string;
  /** Public mode: the policy checks the Front Door id in `X-Azure-FDID`. */
  readonly checksFrontDoor: boolean;
}

function callerAuth(applications: PolicyCallers, ids: PolicyIdentities): CallerAuth {
  if (!ids.entra) return { kind: "subscription-key" };
  const { tenantId, audience, clientId, rolePrefix } = ids.entra;
  return {
    kind: "entra",
    tenantId,
    audiences: [audience, clientId],
    rolePrefix,
    clientApplicationIds: [...new Set(applications.flatMap(a => a.clientApplicationIds))],
  };
}

/** Every wait of a request, as the policy and the clients' budget read them (`gateway.*Seconds`). */
export const policyTiming = (g: GatewayConfig): PolicyTiming => ({
  chainTimeoutSeconds: g.chainTimeoutSeconds,
  streamFirstByteSeconds: g.streamFirstByteSeconds,
  suspectSeconds: g.suspectSeconds,
});

export function apiPolicyInput(
  g: GatewayConfig,
  applications: PolicyCallers,
  chains: readonly GatewayChain[],
  backendAuth: ApiPolicyInput["backendAuth"],
  ids: PolicyIdentities,
): ApiPolicyInput {
  return {
    callerAuth: callerAuth(applications, ids),
    backendAuth,
    identityClientId: ids.identityClientId,
    applications: policyApplications(applications),
    chains,
    timing: policyTiming(g),
    retryAfterSeconds: g.retryAfterSeconds,
    ptuBudget: { 2: g.ptuBudget.priority2, 3: g.ptuBudget.priority3 },
    exposeBackendNames: g.exposeBackendNames,
    frontDoorIdNamedValue: ids.checksFrontDoor ? FRONT_DOOR_ID_NAMED_VALUE : undefined,
  };
}

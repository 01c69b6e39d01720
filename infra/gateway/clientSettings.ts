/**
 * What an application's team sets in its OpenAI client, derived from the gateway it calls: the API version
 * and how long to wait and how often to retry. Pure: a function of the chains and the gateway's timing.
 *
 * The gateway walks a caller's whole chain inside one request, each attempt bounded and the walk capped by
 * the chain's deadline (./policy/failover.ts). A client that gives up before the gateway does abandons a
 * request the gateway is still failing over; a client that retries more than the chain needs multiplies
 * the wait. Both figures are therefore taken from the chains, never typed by hand.
 */
import type { GatewayChain, GatewayTier, PolicyTiming } from "./policy";

/**
 * The `api-version` of `/openai/deployments/<name>/...` calls: `2025-04-01-preview`, the last dated release
 * of the inference API, after which Microsoft moved to the v1 API (`/openai/v1/`, no dated version): "Changes
 * between v1 preview release and 2025-04-01-preview", https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle.
 * The GPT-5 series' chat parameters (`reasoning_effort`, `max_completion_tokens`) need it on the dated API
 * (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/reasoning); the last GA release, 2024-10-21,
 * predates them. New features reach only the v1 API: prefer it.
 */
export const DATED_API_VERSION = "2025-04-01-preview";

/** The v1 API's path on the gateway (the API's path is `openai`; the backends' URLs end in `/openai`). */
export const V1_PATH = "/openai/v1/";

/**
 * Seconds the gateway needs besides waiting on backends: running the policy, TLS, the last answer's way back
 * (and the at most 1 s an attempt may overrun the deadline: its timeout is at least 1 s). A client waits this
 * much longer than the chain; Front Door's origin timeout leaves the same margin (rules/failoverFitsEntry.ts).
 */
export const GATEWAY_MARGIN_SECONDS = 10;

/** How long a client waits for one request and how often it retries, and what that adds up to. */
export interface ClientBudget {
  /** The longest one request can wait at the gateway: its chains' walk, capped by `gateway.chainTimeoutSeconds`. */
  readonly gatewayWaitSeconds: number;
  /** The client's timeout per request: the gateway's wait plus its margin. */
  readonly timeoutSeconds: number;
  /** The client's retries: one per step one region's outage can hang, plus one after a chain busy end to end. */
  readonly maxRetries: number;
  /** The longest a call can spend in requests, retries included: `(maxRetries + 1) × timeoutSeconds`. */
  readonly callBudgetSeconds: number;
}

/**
 * The longest one request waits on a chain: every step's bound (the tier's for a non-streamed request,
 * `streamFirstByteSeconds` for a streamed one), summed over the walk, capped by the chain's deadline.
 */
export function chainWaitSeconds(tiers: readonly GatewayTier[], timing: PolicyTiming): number {
  const walked = tiers.reduce((sum, t) => sum + t.timeoutSeconds, 0);
  const streamed = tiers.length * timing.streamFirstByteSeconds;
  return Math.min(timing.chainTimeoutSeconds, Math.max(walked, streamed));
}

/**
 * The most steps of a chain in one region. A step that hangs ends its request (a 503 with `Retry-After: 1`)
 * and is skipped by the next requests for `gateway.suspectSeconds`, so each hung step costs the client one
 * retry; one region's outage can hang every step in that region, one after another.
 */
export function stepsInOneRegion(tiers: readonly GatewayTier[]): number {
  const perRegion = new Map<string, number>();
  for (const t of tiers) perRegion.set(t.region, (perRegion.get(t.region) ?? 0) + 1);
  return Math.max(0, ...perRegion.values());
}

/** The budget of a caller whose requests may take any of `chains` (an application's: one per deployment name). */
export function clientBudget(chains: readonly GatewayChain[], timing: PolicyTiming): ClientBudget {
  const gatewayWaitSeconds = Math.max(0, ...chains.map(c => chainWaitSeconds(c.tiers, timing)));
  const timeoutSeconds = gatewayWaitSeconds + GATEWAY_MARGIN_SECONDS;
  const maxRetries = Math.max(0, ...chains.map(c => stepsInOneRegion(c.tiers))) + 1;
  return { gatewayWaitSeconds, timeoutSeconds, maxRetries, callBudgetSeconds: (maxRetries + 1) * timeoutSeconds };
}

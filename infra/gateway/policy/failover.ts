/**
 * The two failover strategies. Both move a request to the next backend of its chain on 408, 429 and
 * 5xx, give each tier its own time bound, and remember the earliest `Retry-After` a backend sent.
 */
import { CALLER_QUERY_CREDENTIALS } from "./callers";
import { COGNITIVE_SERVICES_AUDIENCE } from "./constants";
import { ApiPolicyInput, PolicyChain, PolicyTier } from "./types";
import { Element, choose, cs, el, header, namedValue, setVariable, variable } from "./xml";
import { retryAfterValue, servedByHeaders, unavailable } from "./responses";

/** 408 (Azure OpenAI timed out), 429 (throttled) and 5xx: another backend may answer. */
const failing = (status: string) => `${status} == 408 || ${status} == 429 || ${status} >= 500`;
const FAILOVER_CONDITION = failing("context.Response.StatusCode");

/**
 * The earliest moment a backend said it comes back: the smallest `Retry-After` (seconds) any attempt
 * got, kept as a string; an absent or odd header changes nothing.
 */
const rememberRetryAfter = (retryAfter: string) => setVariable("backend-retry-after", [
  "@{",
  "    var known = context.Variables.GetValueOrDefault<string>(\"backend-retry-after\", \"\");",
  "    int now; int before;",
  `    if (!int.TryParse(${retryAfter}, out now) || now <= 0) { return known; }`,
  "    return int.TryParse(known, out before) && before <= now ? known : now.ToString();",
  "}",
].join("\n"));

const attempt = `int.Parse(${variable("attempt")})`;
/** This attempt's timeout: the tier it should reach (attempt n -> nth tier of the pool, the last one after). */
const attemptTimeout = `@{ var t = (${variable("tier-timeouts")}).Split(','); return int.Parse(t[Math.Min(${attempt}, t.Length - 1)]); }`;

/**
 * Backend pool + circuit breakers. Inside the retry the pool is selected again, so a backend whose
 * breaker just opened is skipped (Azure-Samples/AI-Gateway labs/backend-pool-load-balancing/policy.xml).
 * `buffer-request-body` replays the body; `buffer-response="false"` streams server-sent events.
 * https://learn.microsoft.com/azure/api-management/forward-request-policy
 * https://learn.microsoft.com/azure/api-management/retry-policy (count 1-50 and condition accept expressions)
 */
export function poolBackend(): Element {
  return el("backend", {},
    el("retry", { condition: `@(${FAILOVER_CONDITION})`, count: `@(int.Parse(${variable("retry-count")}))`, interval: 0, "first-fast-retry": true },
      el("set-backend-service", { "backend-id": `@(${variable("chain-pool")})` }),
      el("forward-request", { timeout: attemptTimeout, "buffer-request-body": true, "buffer-response": false }),
      setVariable("attempt", `@((${attempt} + 1).ToString())`),
      rememberRetryAfter("context.Response.Headers.GetValueOrDefault(\"Retry-After\", \"\")")));
}

const RESPONSE = "attempt-response";
const lastStatus = `context.Variables.GetValueOrDefault<int>("attempt-status", -1)`;
const lastResponse = `context.Variables.GetValueOrDefault<IResponse>(${cs(RESPONSE)}, null)`;
const firstTier = `int.Parse(${variable("first-tier")})`;

/**
 * One step of a synchronous walk: a new request to the tier's account, bounded by the tier's own
 * timeout. `ignore-error="true"` leaves the response variable null on a connection failure or a
 * timeout, which counts as a failed tier (retry-policy reference, "Send request upon initial request
 * failure"). Children follow the documented order: set-url, set-method, set-header, set-body, then
 * authentication (send-request-policy; managed identity inside send-request: authentication-managed-
 * identity-policy). https://learn.microsoft.com/azure/api-management/send-request-policy
 */
function step(input: ApiPolicyInput, chain: PolicyChain, tier: PolicyTier, reached: string): Element[] {
  return choose([{
    condition: `@(${variable("chain")} == ${cs(chain.name)} && ${reached} && (${lastStatus} == -1 || ${failing(lastStatus)}))`,
    then: [
      el("send-request", { mode: "new", "response-variable-name": RESPONSE, timeout: tier.timeoutSeconds, "ignore-error": true },
        el("set-url", {}, `@("${namedValue(tier.endpointNamedValue)}" + ${variable("request-path")})`),
        el("set-method", {}, "@(context.Request.Method)"),
        header("Content-Type", "@(context.Request.Headers.GetValueOrDefault(\"Content-Type\", \"application/json\"))"),
        tier.keyNamedValue !== undefined && header("api-key", namedValue(tier.keyNamedValue)),
        el("set-body", {}, `@(${variable("request-body")})`),
        input.backendAuth === "managedIdentity" && managedIdentity(input)),
      // No answer at all (connection failure, timeout) is status 0: a failed tier.
      setVariable("attempt-status", `@(${lastResponse} == null ? 0 : ${lastResponse}.StatusCode)`),
      setVariable("served-by", tier.backendId),
      rememberRetryAfter(`(${lastResponse} == null ? "" : ${lastResponse}.Headers.GetValueOrDefault("Retry-After", ""))`),
    ],
  }]);
}

/**
 * Walks the tiers of the caller's chain from where `reached(index)` holds, then returns the first good
 * answer, Azure's last 429, or the clean 503. Responses of `send-request` are buffered: no streaming.
 */
function walk(input: ApiPolicyInput, reached: (index: number) => string, fromIndex: number): Element[] {
  const served = servedByHeaders(input, "walk");
  return [
    ...input.chains.flatMap(c => c.tiers.flatMap((t, i) => i < fromIndex ? [] : step(input, c, t, reached(i)))),
    ...choose([
      { condition: `@(${lastStatus} > 0 && !(${failing(lastStatus)}))`, then: [el("return-response", { "response-variable-name": RESPONSE }, ...served)] },
      { condition: `@(${lastStatus} == 429)`, then: [el("return-response", { "response-variable-name": RESPONSE }, ...served,
        header("Retry-After", retryAfterValue(input), "skip"))] },
    ], [unavailable(input)]),
  ];
}

/**
 * The send-request strategy: every hop is a `send-request` (none has a breaker that could jump to
 * on-error), from the chain's first tier, or its first standard tier when the caller was shed.
 */
export function sendRequestBackend(input: ApiPolicyInput): Element {
  return el("backend", {}, ...walk(input, i => `${firstTier} <= ${i}`, 0));
}

/**
 * Backend-pool strategy, on-error: the attempt that got no answer (timeout, connection failure) was
 * aimed at tier `first-tier + attempt`; the tiers after it are walked with new requests, so a dead
 * account hands the request over within the same call (send-request is allowed in on-error).
 */
export function poolFallback(input: ApiPolicyInput): Element[] {
  // The first tier is never after a failed one.
  return walk(input, i => `${firstTier} + int.Parse(${variable("attempt")}) < ${i}`, 1);
}

/**
 * Inbound variables a walk needs to replay the request on another account: the path and query, and
 * the body, captured here before anything forwards it (IMessageBody.As with preserveContent).
 */
export function replayInbound(): Element[] {
  // The original query minus the caller's key (the deletions above only change the forwarded URL).
  const credential = CALLER_QUERY_CREDENTIALS.map(name => `p.Key.ToLowerInvariant() != ${cs(name)}`).join(" && ");
  return [
    setVariable("request-path", [
      "@{",
      "    var query = string.Join(\"&\", context.Request.OriginalUrl.Query",
      `        .Where(p => ${credential})`,
      "        .SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + \"=\" + Uri.EscapeDataString(v))));",
      "    return context.Request.OriginalUrl.Path.TrimStart('/') + (query.Length > 0 ? \"?\" + query : string.Empty);",
      "}",
    ].join("\n")),
    setVariable("request-body", "@(context.Request.Body == null ? string.Empty : context.Request.Body.As<string>(preserveContent: true))"),
  ];
}

/**
 * The gateway's own identity towards Azure OpenAI. `client-id` selects the user-assigned identity
 * (https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy).
 */
export const managedIdentity = (input: ApiPolicyInput): Element =>
  el("authentication-managed-identity", { resource: COGNITIVE_SERVICES_AUDIENCE, "client-id": input.identityClientId });

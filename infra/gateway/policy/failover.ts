/**
 * The two failover strategies. Both move a request to the next backend of its chain on 408, 429 and
 * 5xx, give each tier its own time bound, and remember the earliest `Retry-After` a backend sent.
 */
import { CALLER_QUERY_CREDENTIALS } from "./callers";
import { COGNITIVE_SERVICES_AUDIENCE } from "./constants";
import { ApiPolicyInput, GatewayChain, GatewayTier } from "./types";
import { Element, choose, cs, el, header, jsonError, namedValue, setVariable, variable } from "./xml";
import { retryAfterValue, servedByHeaders, unavailable } from "./responses";

/** 408 (Azure OpenAI timed out), 429 (throttled) and 5xx: another backend may answer. */
const failing = (status: string) => `${status} == 408 || ${status} == 429 || ${status} >= 500`;
const FAILOVER_CONDITION = failing("context.Response.StatusCode");

/**
 * Headers of the caller's request a replay carries besides Content-Type: what OpenAI clients send that
 * changes the answer or traces it. Never a credential (`api-key`, `Authorization`, the subscription key).
 */
export const REPLAYED_HEADERS = ["Accept", "OpenAI-Beta", "x-ms-client-request-id", "User-Agent"];

/** Set to "true" around each forward: an error while it is "true" means the attempt got no response headers. */
const AWAITING = "awaiting-answer";

/**
 * The earliest moment a backend said it comes back: the smallest `Retry-After` (seconds) any attempt
 * got, kept as a string; an absent or odd header changes nothing.
 */
const rememberRetryAfter = (retryAfter: string) =>
  setVariable(
    "backend-retry-after",
    [
      "@{",
      '    var known = context.Variables.GetValueOrDefault<string>("backend-retry-after", "");',
      "    int now; int before;",
      `    if (!int.TryParse(${retryAfter}, out now) || now <= 0) { return known; }`,
      "    return int.TryParse(known, out before) && before <= now ? known : now.ToString();",
      "}",
    ].join("\n"),
  );

const attempt = `int.Parse(${variable("attempt")})`;
/**
 * This attempt's timeout: the tier it should reach (attempt n -> nth tier of the pool, the last one after).
 * tier-timeouts holds, per tier, the longest timeout of the tiers sharing its priority, since a weighted
 * pool may send the attempt to any of them.
 */
const attemptTimeout = `@{ var t = (${variable("tier-timeouts")}).Split(','); return int.Parse(t[Math.Min(${attempt}, t.Length - 1)]); }`;

/**
 * Backend pool + circuit breakers. Inside the retry the pool is selected again, so a backend whose
 * breaker just opened is skipped (Azure-Samples/AI-Gateway labs/backend-pool-load-balancing/policy.xml).
 * `buffer-request-body` replays the body; `buffer-response="false"` streams server-sent events.
 * https://learn.microsoft.com/azure/api-management/forward-request-policy
 * https://learn.microsoft.com/azure/api-management/retry-policy (count 1-50 and condition accept expressions)
 */
export function poolBackend(input: ApiPolicyInput): Element {
  return el(
    "backend",
    {},
    el(
      "retry",
      {
        condition: `@(${FAILOVER_CONDITION})`,
        count: `@(int.Parse(${variable("retry-count")}))`,
        interval: 0,
        "first-fast-retry": true,
      },
      el("set-backend-service", { "backend-id": `@(${variable("chain-pool")})` }),
      setVariable(AWAITING, "true"),
      el("forward-request", { timeout: attemptTimeout, "buffer-request-body": true, "buffer-response": false }),
      setVariable(AWAITING, "false"),
      forwardedBackend(input),
      setVariable("attempt", `@((${attempt} + 1).ToString())`),
      rememberRetryAfter('context.Response.Headers.GetValueOrDefault("Retry-After", "")'),
    ),
  );
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
function step(input: ApiPolicyInput, chain: GatewayChain, tier: GatewayTier, reached: string): Element[] {
  return choose([
    {
      // -1: nothing tried yet; 0: the step before got no answer (connection failure, timeout): both move on.
      condition: `@(${variable("chain")} == ${cs(chain.name)} && ${reached} && (${lastStatus} <= 0 || ${failing(lastStatus)}))`,
      then: [
        el(
          "send-request",
          { mode: "new", "response-variable-name": RESPONSE, timeout: tier.timeoutSeconds, "ignore-error": true },
          el("set-url", {}, `@("${namedValue(tier.endpointNamedValue)}" + ${variable("request-path")})`),
          el("set-method", {}, "@(context.Request.Method)"),
          header("Content-Type", '@(context.Request.Headers.GetValueOrDefault("Content-Type", "application/json"))'),
          ...REPLAYED_HEADERS.map(h => header(h, `@(context.Request.Headers.GetValueOrDefault(${cs(h)}, ""))`)),
          tier.keyNamedValue !== undefined && header("api-key", namedValue(tier.keyNamedValue)),
          el("set-body", {}, `@(${variable("request-body")})`),
          input.backendAuth === "managedIdentity" && managedIdentity(input),
        ),
        // No answer at all (connection failure, timeout) is status 0: a failed tier.
        setVariable("attempt-status", `@(${lastResponse} == null ? 0 : ${lastResponse}.StatusCode)`),
        setVariable("served-by", tier.backendId),
        rememberRetryAfter(
          `(${lastResponse} == null ? "" : ${lastResponse}.Headers.GetValueOrDefault("Retry-After", ""))`,
        ),
      ],
    },
  ]);
}

/**
 * Walks the tiers of the caller's chain for which `reached(index)` holds (a tier it yields `false` for
 * is never walked), then returns the first good answer, Azure's last 429, or the clean 503.
 * Responses of `send-request` are buffered: no streaming.
 */
function walk(input: ApiPolicyInput, reached: (chain: GatewayChain, index: number) => string | false): Element[] {
  const served = servedByHeaders(input, "walk");
  return [
    ...input.chains.flatMap(c =>
      c.tiers.flatMap((t, i) => {
        const when = reached(c, i);
        return when === false ? [] : step(input, c, t, when);
      }),
    ),
    ...choose(
      [
        {
          condition: `@(${lastStatus} > 0 && !(${failing(lastStatus)}))`,
          then: [el("return-response", { "response-variable-name": RESPONSE }, ...served)],
        },
        {
          condition: `@(${lastStatus} == 429)`,
          then: [
            el(
              "return-response",
              { "response-variable-name": RESPONSE },
              ...served,
              header("Retry-After", retryAfterValue(input), "skip"),
            ),
          ],
        },
      ],
      [unavailable(input)],
    ),
  ];
}

const replayable = `${variable("replayable")} == "true"`;

/**
 * The send-request strategy: every hop is a `send-request` (none has a breaker that could jump to
 * on-error), from the chain's first tier, or its first standard tier when the caller was shed. A body
 * it cannot replay as text (multipart audio) is refused rather than corrupted.
 */
export function sendRequestBackend(input: ApiPolicyInput): Element {
  return el(
    "backend",
    {},
    ...choose(
      [
        {
          condition: `@(${variable("replayable")} != "true")`,
          then: [
            jsonError(
              415,
              "Unsupported Media Type",
              "UnsupportedMediaType",
              "This gateway replays requests as JSON (send-request strategy); send a JSON body.",
            ),
          ],
        },
      ],
      walk(input, (_, i) => `${firstTier} <= ${i}`),
    ),
  );
}

/**
 * Which tier of the caller's chain the pool forwarded to. APIM does not document which member a pool
 * chose; the forwarded URL's host (`context.Request.Url.Host`) is taken as that member's account
 * (README, dev-instance checklist). Named values are substituted before an expression runs
 * (https://learn.microsoft.com/azure/api-management/api-management-howto-properties). `otherwise`: the
 * expression's last lines when the host names no tier.
 */
function byForwardedHost(
  input: ApiPolicyInput,
  value: (tier: GatewayTier, index: number) => string,
  otherwise: readonly string[],
): string {
  const matches = input.chains.flatMap(c =>
    c.tiers.map(
      (t, i) =>
        `    if (chain == ${cs(c.name)} && "${namedValue(t.endpointNamedValue)}".ToLowerInvariant().Contains(host)) { return ${cs(value(t, i))}; }`,
    ),
  );
  return [
    "@{",
    `    var chain = ${variable("chain")};`,
    '    var host = "//" + context.Request.Url.Host.ToLowerInvariant() + "/";',
    ...matches,
    ...otherwise,
    "}",
  ].join("\n");
}

/**
 * The tier that got no answer; when the host names none, attempt n is taken to have reached the pool's n-th
 * tier, counted from `first-tier` (the pool in use, shed or whole, lists only its own tiers' timeouts).
 */
const failedTier = (input: ApiPolicyInput) =>
  setVariable(
    "failed-tier",
    byForwardedHost(input, (_, i) => String(i), [
      `    var tiers = (${variable("tier-timeouts")}).Split(',');`,
      `    return (${firstTier} + Math.Min(${attempt}, tiers.Length - 1)).ToString();`,
    ]),
  );

/** The backend that answered a pool's forward (the PTU budget counters read it); empty when unknown. */
const forwardedBackend = (input: ApiPolicyInput) =>
  setVariable(
    "served-by",
    byForwardedHost(input, t => t.backendId, ["    return string.Empty;"]),
  );

/**
 * The tiers a walk may hand over to once tier `failed` got no answer: every other tier at its priority
 * or after (a weighted pool may have reached any tier of a priority first), never the failed one.
 */
function after(chain: GatewayChain, index: number): string | false {
  const failed = chain.tiers.flatMap((t, f) => (f !== index && t.priority <= chain.tiers[index].priority ? [f] : []));
  if (failed.length === 0) return false;
  return `${firstTier} <= ${index} && ",${failed.join(",")},".Contains("," + ${variable("failed-tier")} + ",")`;
}

/**
 * Backend-pool strategy, on-error: an attempt that got no response headers (timeout, connection failure,
 * no pool member left) is replayed with new requests on the chain's other tiers, skipping the one that
 * failed, so a dead account hands the request over within the same call (send-request is allowed in
 * on-error). An error after the headers (a stream cut mid-way) is never replayed: the caller already
 * has part of an answer. Nor is a body the walk cannot replay as text.
 */
export function poolFallback(input: ApiPolicyInput): Element[] {
  return choose(
    [
      {
        condition: `@(${variable(AWAITING)} == "true" && ${replayable})`,
        then: [failedTier(input), ...walk(input, after)],
      },
    ],
    [unavailable(input)],
  );
}

/**
 * Inbound variables a walk needs to replay the request on another account: the path and query, and
 * a JSON body (or none), captured here before anything forwards it (IMessageBody.As with preserveContent).
 * A body of any other type (multipart audio, binary) would not survive a string round trip: it is not
 * replayable.
 */
export function replayInbound(): Element[] {
  // The original query minus the caller's key (the deletions above only change the forwarded URL).
  const credential = CALLER_QUERY_CREDENTIALS.map(name => `p.Key.ToLowerInvariant() != ${cs(name)}`).join(" && ");
  return [
    setVariable(AWAITING, "false"),
    setVariable(
      "request-path",
      [
        "@{",
        '    var query = string.Join("&", context.Request.OriginalUrl.Query',
        `        .Where(p => ${credential})`,
        '        .SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v))));',
        "    return context.Request.OriginalUrl.Path.TrimStart('/') + (query.Length > 0 ? \"?\" + query : string.Empty);",
        "}",
      ].join("\n"),
    ),
    setVariable(
      "replayable",
      '@{ var type = context.Request.Headers.GetValueOrDefault("Content-Type", ""); return (context.Request.Body == null || type.Contains("json")).ToString().ToLowerInvariant(); }',
    ),
    setVariable(
      "request-body",
      `@(context.Request.Body == null || !(${replayable}) ? string.Empty : context.Request.Body.As<string>(preserveContent: true))`,
    ),
  ];
}

/**
 * The gateway's own identity towards Azure OpenAI. `client-id` selects the user-assigned identity
 * (https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy).
 */
export const managedIdentity = (input: ApiPolicyInput): Element =>
  el("authentication-managed-identity", { resource: COGNITIVE_SERVICES_AUDIENCE, "client-id": input.identityClientId });

/**
 * The walk: one `retry` whose attempt n sends the request to step n of the caller's `steps` (one backend
 * each), never twice to the same step. 408, 429 and 5xx move to the next step; every attempt is bounded
 * by its own timeout and by what is left of the chain's deadline. A step that gets no answer at all
 * (a timeout, a refused connection) ends the walk in on-error, which marks it suspect for the next callers.
 */
import { COGNITIVE_SERVICES_AUDIENCE } from "./constants";
import { ApiPolicyInput } from "./types";
import { Element, cs, el, setVariable, variable } from "./xml";
import { FIELD_SEPARATOR, STEP_SEPARATOR } from "./routing";

/** Key of the suspect list in the gateway's internal cache: `backendId@expiryUtcTicks|…`. */
export const SUSPECTS_KEY = "gateway-suspects";
/**
 * The gateway's own cache (`caching-type="internal"`): no external cache to provision. It "is shared by all units
 * in the same region" (https://learn.microsoft.com/azure/api-management/api-management-howto-cache), not across
 * regions; stores are asynchronous (https://learn.microsoft.com/azure/api-management/cache-store-value-policy).
 */
const CACHE = { key: SUSPECTS_KEY, "caching-type": "internal" };

/** Looks the suspect list up into the `suspects` variable (no entry: the variable is null). */
export const lookupSuspects = () => el("cache-lookup-value", { ...CACHE, "variable-name": "suspects" });

const char = (c: string) => `'${c}'`;
const stepsArray = `(${variable("steps")}).Split(${char(STEP_SEPARATOR)})`;
const stepIndex = `int.Parse(${variable("step")})`;
/** The fields of the step in flight: backendId, region, timeoutSeconds, kind. */
const currentStep = `${stepsArray}[${stepIndex}].Split(${char(FIELD_SEPARATOR)})`;

/**
 * C# lines that collect, into `live`, the entries of the suspect list that have not expired (`@{` bodies
 * only). The entries are the gateway's own, but a malformed one is skipped rather than thrown on.
 */
const LIVE_SUSPECTS = [
  "    var live = new List<string>();",
  '    foreach (var e in (context.Variables.GetValueOrDefault<string>("suspects", "") ?? "").Split(\'|\')) {',
  "        var p = e.Split('@'); long until;",
  "        if (p.Length == 2 && long.TryParse(p[1], out until) && until > DateTime.UtcNow.Ticks) { live.Add(e); }",
  "    }",
];

/**
 * The caller's steps for this request: each weighted group of standard steps (`S<weight>`) reordered with
 * a weighted random first pick (`System.Random`, an allowed type: policy expressions reference), the rest
 * in chain order; then every step still suspect left out, unless that leaves none.
 * https://learn.microsoft.com/azure/api-management/api-management-policy-expressions
 */
const ORDERED_STEPS = [
  "@{",
  `    var steps = ${stepsArray};`,
  ...LIVE_SUSPECTS,
  "    var suspect = live.Select(e => e.Split('@')[0]).ToList();",
  "    var ordered = new List<string>();",
  "    for (var i = 0; i < steps.Length; ) {",
  "        var group = new List<string>();",
  `        while (i < steps.Length && steps[i].Split(${char(FIELD_SEPARATOR)})[3].Length > 1) { group.Add(steps[i]); i++; }`,
  "        if (group.Count == 0) { ordered.Add(steps[i]); i++; continue; }",
  `        var weights = group.Select(g => int.Parse(g.Split(${char(FIELD_SEPARATOR)})[3].Substring(1))).ToList();`,
  "        var pick = new Random().Next(weights.Sum()); var at = 0;",
  "        while (pick >= weights[at]) { pick -= weights[at]; at++; }",
  "        ordered.Add(group[at]); group.RemoveAt(at); ordered.AddRange(group);",
  "    }",
  `    var usable = ordered.Where(s => !suspect.Contains(s.Split(${char(FIELD_SEPARATOR)})[0])).ToList();`,
  `    return string.Join(${cs(STEP_SEPARATOR)}, usable.Count > 0 ? usable : ordered);`,
  "}",
].join("\n");

/**
 * Whether the body asks for a streamed answer (`"stream": true` in a JSON body), as "true" or "false".
 * `As<JObject>(preserveContent: true)` keeps the body for forwarding (IMessageBody, policy expressions).
 */
export const STREAM_EXPRESSION = [
  "@{",
  '    if (context.Request.Body == null || !context.Request.Headers.GetValueOrDefault("Content-Type", "").Contains("json")) { return "false"; }',
  "    try {",
  '        var s = context.Request.Body.As<JObject>(preserveContent: true)["stream"];',
  '        return s != null && s.Type == JTokenType.Boolean && (bool)s ? "true" : "false";',
  '    } catch (Exception) { return "false"; }',
  "}",
].join("\n");

/** Inbound, once the chain is chosen: the suspect list, the request's own step order, its mode, no attempt yet. */
export function walkInbound(): Element[] {
  return [
    lookupSuspects(),
    setVariable("steps", ORDERED_STEPS),
    setVariable("stream", STREAM_EXPRESSION),
    setVariable("step", -1),
  ];
}

/** 408 (Azure OpenAI timed out), 429 (throttled), 5xx (failing, or a tripped breaker's 503): the next step may answer. */
export const FAILOVER_STATUS =
  "context.Response.StatusCode == 408 || context.Response.StatusCode == 429 || context.Response.StatusCode >= 500";

/** Seconds of the chain's deadline left, as a C# expression. */
const left = (input: ApiPolicyInput) => `${input.timing.chainTimeoutSeconds} - context.Elapsed.TotalSeconds`;

/**
 * This attempt's timeout: the step's bound (the first-byte bound when streamed), capped by what is left of
 * the chain's deadline (`context.Elapsed`, policy expressions reference), at least 1 s.
 */
const attemptTimeout = (input: ApiPolicyInput) =>
  [
    "@{",
    `    var bound = ${variable("stream")} == "true" ? ${input.timing.streamFirstByteSeconds} : int.Parse(${currentStep}[2]);`,
    `    return Math.Max(1, Math.Min(bound, ${input.timing.chainTimeoutSeconds} - (int)context.Elapsed.TotalSeconds));`,
    "}",
  ].join("\n");

/**
 * The earliest moment a backend said it comes back: the smallest `Retry-After` (seconds) any attempt
 * got, kept as a string; an absent or odd header changes nothing.
 */
const rememberRetryAfter = () =>
  setVariable(
    "backend-retry-after",
    [
      "@{",
      '    var known = context.Variables.GetValueOrDefault<string>("backend-retry-after", "");',
      "    int now; int before;",
      '    if (!int.TryParse(context.Response.Headers.GetValueOrDefault("Retry-After", ""), out now) || now <= 0) { return known; }',
      "    return int.TryParse(known, out before) && before <= now ? known : now.ToString();",
      "}",
    ].join("\n"),
  );

/**
 * The backend section. Each iteration names its step's backend itself (`set-backend-service` accepts an
 * expression in `backend-id`), so every hand-over is the policy's: a tripped breaker answers 503 at once
 * (backends reference) and the walk moves on. The retry goes on while the answer is 408/429/5xx, a
 * further step exists and at least 1 s of the deadline is left. `buffer-request-body` replays the body;
 * `buffer-response="false"` streams server-sent events.
 * https://learn.microsoft.com/azure/api-management/retry-policy (count 1-50 and condition accept expressions)
 * https://learn.microsoft.com/azure/api-management/set-backend-service-policy
 * https://learn.microsoft.com/azure/api-management/forward-request-policy (timeout accepts expressions)
 * https://learn.microsoft.com/azure/api-management/backends#circuit-breaker
 */
export function walkBackend(input: ApiPolicyInput): Element {
  const more = `${stepIndex} + 1 < ${stepsArray}.Length`;
  return el(
    "backend",
    {},
    el(
      "retry",
      {
        condition: `@((${FAILOVER_STATUS}) && ${more} && ${left(input)} >= 1)`,
        count: `@(Math.Max(1, ${stepsArray}.Length - 1))`,
        interval: 0,
        "first-fast-retry": true,
      },
      setVariable("step", `@((${stepIndex} + 1).ToString())`),
      el("set-backend-service", { "backend-id": `@(${currentStep}[0])` }),
      el("forward-request", {
        timeout: attemptTimeout(input),
        "buffer-request-body": true,
        "buffer-response": false,
      }),
      setVariable("served-by", `@(${currentStep}[0])`),
      setVariable("served-region", `@(${currentStep}[1])`),
      rememberRetryAfter(),
    ),
  );
}

/**
 * The suspect list with the step in flight added until `suspectSeconds` from now (and expired entries
 * dropped). Stored for as long as an entry lives.
 */
export function markSuspect(input: ApiPolicyInput): Element[] {
  const value = [
    "@{",
    `    var id = ${currentStep}[0];`,
    ...LIVE_SUSPECTS,
    "    live.RemoveAll(e => e.Split('@')[0] == id);",
    `    live.Add(id + "@" + DateTime.UtcNow.AddSeconds(${input.timing.suspectSeconds}).Ticks);`,
    '    return string.Join("|", live);',
    "}",
  ].join("\n");
  return [lookupSuspects(), el("cache-store-value", { ...CACHE, value, duration: input.timing.suspectSeconds })];
}

/**
 * The gateway's own identity towards Azure OpenAI. `client-id` selects the user-assigned identity
 * (https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy).
 */
export const managedIdentity = (input: ApiPolicyInput): Element =>
  el("authentication-managed-identity", { resource: COGNITIVE_SERVICES_AUDIENCE, "client-id": input.identityClientId });

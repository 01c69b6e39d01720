/**
 * What the caller sees besides Azure OpenAI's own answer: the gateway headers, the clean 503 with
 * `Retry-After` when the chain is exhausted, and the on-error section for a step that never answered.
 */
import { markSuspect } from "./failover";
import { ApiPolicyInput } from "./types";
import { Child, Element, choose, el, header, jsonError, variable } from "./xml";

/** The earliest `Retry-After` a backend sent, else the configured delay. */
export const retryAfterValue = (input: ApiPolicyInput) =>
  `@{ var known = context.Variables.GetValueOrDefault<string>("backend-retry-after", ""); return known.Length > 0 ? known : "${input.retryAfterSeconds}"; }`;

export function unavailable(input: ApiPolicyInput): Element {
  return jsonError(
    503,
    "Service Unavailable",
    "AllBackendsUnavailable",
    "Every backend of this deployment's failover chain is unavailable. Retry after the indicated delay.",
    [header("Retry-After", retryAfterValue(input))],
  );
}

/**
 * `X-Served-By`: the region of the step that answered, which the policy chose itself (set-backend-service
 * with the step's backend id), so no undocumented value is read; with `exposeBackendNames` also the
 * backend (account and deployment). `X-Gateway-Region` is `context.Deployment.Region` (policy expressions
 * reference).
 */
export function servedByHeaders(input: ApiPolicyInput): Child[] {
  const region = `${variable("served-region")}`;
  return [
    header("X-Served-By", input.exposeBackendNames ? `@(${region} + "/" + ${variable("served-by")})` : `@(${region})`),
    header("X-Gateway-Region", "@(context.Deployment.Region)"),
  ];
}

/**
 * The last step's answer. A 503 (the step's own, or its tripped breaker's) becomes the gateway's clean
 * 503 with the earliest Retry-After seen; a final 429 keeps Azure's Retry-After (one is added only when it
 * has none); any other answer (a 408, a 500) reaches the caller as it is.
 */
export function outbound(input: ApiPolicyInput): Element {
  return el(
    "outbound",
    {},
    el("base"),
    ...servedByHeaders(input),
    ...choose([
      { condition: "@(context.Response.StatusCode == 503)", then: [unavailable(input)] },
      {
        condition: "@(context.Response.StatusCode == 429)",
        then: [header("Retry-After", retryAfterValue(input), "skip")],
      },
    ]),
  );
}

/** The SDKs' retry hints: `Retry-After` in seconds, and `retry-after-ms`, which the OpenAI SDKs read first. */
const RETRY_SOON = [header("Retry-After", "1"), header("retry-after-ms", "1000")];

/** The clean 503 for a step that sent no answer; the caller's retry goes to the next step, the suspect one skipped. */
const noAnswer = (code: string, what: string) =>
  jsonError(
    503,
    "Service Unavailable",
    code,
    `The backend ${what}; it is skipped for a while. Retry now: the next backend of the chain answers.`,
    RETRY_SOON,
  );

/**
 * A step that sent no answer: forward-request raised `Timeout` (no response headers within its timeout)
 * or `BackendConnectionFailure` (the connection was not established or was aborted by the backend), and
 * processing jumped to on-error (error handling reference; `context.LastError.Source` names the policy).
 * The step is marked suspect and the caller gets a clean 503 at once: never a replay, which could be
 * billed twice for a request the backend still completes. Any other error (`ClientConnectionFailure`: the
 * caller left) is APIM's own handling (`<base/>`) only.
 * https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies
 */
export function onError(input: ApiPolicyInput): Element {
  const reason = (r: string) => `context.LastError.Reason == "${r}"`;
  return el(
    "on-error",
    {},
    el("base"),
    ...choose([
      {
        condition: `@(context.LastError.Source == "forward-request" && (${reason("Timeout")} || ${reason("BackendConnectionFailure")}))`,
        then: [
          ...markSuspect(input),
          ...choose(
            [{ condition: `@(${reason("Timeout")})`, then: [noAnswer("BackendTimeout", "did not answer in time")] }],
            [noAnswer("BackendUnreachable", "could not be reached")],
          ),
        ],
      },
    ]),
  );
}

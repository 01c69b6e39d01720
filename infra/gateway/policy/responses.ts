/**
 * What the caller sees besides Azure OpenAI's own answer: the gateway headers, the clean 503 with
 * `Retry-After`, and the on-error section that turns every way of getting no answer into that 503.
 */
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
 * `X-Served-By` only when the stack exposes account names, and only where the policy itself chose the
 * backend (a send-request step). A pool's forward names no member in any documented value
 * (https://learn.microsoft.com/azure/api-management/backends#load-balanced-pool), so pool answers carry
 * none until a dev instance confirms one (README, dev-instance checklist).
 * `X-Gateway-Region` is `context.Deployment.Region` (policy expressions reference).
 */
export function servedByHeaders(input: ApiPolicyInput, source: "walk" | "forward"): Child[] {
  return [
    input.exposeBackendNames && source === "walk" && header("X-Served-By", `@(${variable("served-by")})`),
    header("X-Gateway-Region", "@(context.Deployment.Region)"),
  ];
}

/** Backend-pool strategy: the last answer of the walk, made clean when the whole chain failed. */
export function outbound(input: ApiPolicyInput): Element {
  return el(
    "outbound",
    {},
    el("base"),
    ...(input.strategy === "backend-pool"
      ? [
          ...servedByHeaders(input, "forward"),
          ...choose([
            { condition: `@(context.Response.StatusCode >= 500)`, then: [unavailable(input)] },
            // A final 429 keeps Azure's own Retry-After; one is added only when it has none.
            {
              condition: "@(context.Response.StatusCode == 429)",
              then: [header("Retry-After", retryAfterValue(input), "skip")],
            },
          ]),
        ]
      : []),
  );
}

/**
 * No answer at all: a timeout (`Timeout`, forward-request or send-request), a connection that could
 * not be made or was dropped (`BackendConnectionFailure`), or any other error while forwarding
 * (section `backend`, e.g. a pool with every breaker open). All documented `context.LastError` values:
 * https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies
 */
export function onError(noAnswer: readonly Element[]): Element {
  const failed = [
    'context.LastError.Reason == "Timeout"',
    'context.LastError.Reason == "BackendConnectionFailure"',
    'context.LastError.Section == "backend"',
  ].join(" || ");
  return el(
    "on-error",
    {},
    el("base"),
    ...choose([{ condition: `@((${failed}) && context.Variables.ContainsKey("chain"))`, then: noAnswer }]),
  );
}

/**
 * The API Management policy for the Azure OpenAI API, generated from the topology. Pure: no Pulumi
 * import; every input is a plain value, so the document is easy to test. One module per concern:
 * callers (identity, budgets, credentials), routing (deployment, chain, steps, shedding), failover (the
 * walk over the steps), responses (headers, 503, on-error).
 */
import { applicationLimits, callerAuthentication, stripCallerCredentials } from "./callers";
import { METRIC_NAMESPACE } from "./constants";
import { managedIdentity, walkBackend, walkInbound } from "./failover";
import { onError, outbound } from "./responses";
import { routing } from "./routing";
import { storedObjectRouting, withRouteHint } from "./surface";
import { ApiPolicyInput } from "./types";
import { Element, el, namedValue, serialize, variable } from "./xml";

export * from "./types";
export { REMAINING_TOKENS_HEADER, policyApplications } from "./callers";

/**
 * Token metrics by application, deployment and gateway region. With `stream: true` the completion
 * tokens are estimated by APIM (azure-openai-token-limit and azure-openai-emit-token-metric references).
 */
function tokenMetrics(): Element {
  return el(
    "azure-openai-emit-token-metric",
    { namespace: METRIC_NAMESPACE },
    el("dimension", { name: "Application", value: `@(${variable("application")})` }),
    el("dimension", { name: "Deployment", value: `@(${variable("deployment")})` }),
    el("dimension", { name: "Location" }),
    el("dimension", { name: "API ID" }),
  );
}

function frontDoorCheck(input: ApiPolicyInput): Element | false {
  return (
    input.frontDoorIdNamedValue !== undefined &&
    el(
      "check-header",
      {
        name: "X-Azure-FDID",
        "failed-check-httpcode": 403,
        "failed-check-error-message": "Requests must come through the Front Door.",
        "ignore-case": true,
      },
      el("value", {}, namedValue(input.frontDoorIdNamedValue)),
    )
  );
}

/** Inbound in order: the entry check, who calls, where to, the metrics, the caller's credentials out, the walk's state. */
function inbound(input: ApiPolicyInput): Element {
  return el(
    "inbound",
    {},
    el("base"),
    frontDoorCheck(input),
    ...callerAuthentication(input),
    ...applicationLimits(input),
    ...storedObjectRouting(input, routing(input)),
    tokenMetrics(),
    ...stripCallerCredentials(),
    ...walkInbound(),
    // Key mode: each backend's credentials carry its Key Vault-backed key (see the Backend resources).
    input.backendAuth === "managedIdentity" && managedIdentity(input),
  );
}

export function buildApiPolicy(input: ApiPolicyInput): string {
  return serialize(
    el("policies", {}, inbound(input), walkBackend(input), withRouteHint(outbound(input)), onError(input)),
  );
}

/** Every `{{named-value}}` a policy document references. */
export function referencedNamedValues(xml: string): string[] {
  return [...new Set([...xml.matchAll(/\{\{([A-Za-z0-9._-]+)\}\}/g)].map(m => m[1]))].sort();
}

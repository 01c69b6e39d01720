/**
 * Who is calling: the caller's application (Entra app role or APIM product), its token budget, and the
 * removal of the caller's own credentials before anything is sent to Azure OpenAI.
 */
import { ApiPolicyInput, PolicyApplication } from "./types";
import { Element, choose, cs, deleteHeader, el, jsonError, setVariable, variable } from "./xml";

/** The gateway's own per-application budget header: Azure OpenAI already sends `x-ratelimit-remaining-tokens`. */
export const REMAINING_TOKENS_HEADER = "x-gateway-remaining-tokens";

/** The policy's view of the configured applications: the config's `priority` is their criticality. */
export function policyApplications(
  applications: readonly { name: string; priority: number; workload?: string; tokensPerMinute?: number }[],
): PolicyApplication[] {
  return applications.map(a => ({
    name: a.name,
    criticality: a.priority,
    workload: a.workload,
    tokensPerMinute: a.tokensPerMinute,
  }));
}

/**
 * Applications in the order a caller holding several app roles is matched: most critical first
 * (priority 1), then by name (ordinal). Documented in the README; never the order of the claim.
 */
function matchOrder(applications: readonly PolicyApplication[]): PolicyApplication[] {
  return [...applications].sort(
    (a, b) => a.criticality - b.criticality || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/**
 * The caller's application from its app roles. `Jwt.Claims.GetValueOrDefault(name, default)` returns
 * the claim's values comma-separated, as a string (policy expressions reference, "Jwt"):
 * https://learn.microsoft.com/azure/api-management/api-management-policy-expressions#ContextVariables
 */
function applicationFromRoles(applications: readonly PolicyApplication[], rolePrefix: string): string {
  const checks = matchOrder(applications).map(
    a => `    if (roles.Contains(${cs(rolePrefix + a.name)})) { return ${cs(a.name)}; }`,
  );
  return [
    "@{",
    '    var roles = ((Jwt)context.Variables["caller-token"]).Claims.GetValueOrDefault("roles", "").Split(\',\').Select(r => r.Trim()).ToArray();',
    ...checks,
    "    return string.Empty;",
    "}",
  ].join("\n");
}

export function callerAuthentication(input: ApiPolicyInput): Element[] {
  if (input.callerAuth.kind === "subscription-key") {
    // APIM already checked the key; the product the key belongs to is the application.
    return [setVariable("application", "@(context.Product != null ? context.Product.Id : string.Empty)")];
  }
  const { tenantId, audiences, clientApplicationIds, rolePrefix } = input.callerAuth;
  // No application yet, so no client application to accept: every caller is refused below.
  if (clientApplicationIds.length === 0) return [setVariable("application", "@(string.Empty)")];
  // validate-azure-ad-token: client-application-ids is required (at least one application-id);
  // audiences accept any listed value; children in the documented order.
  // https://learn.microsoft.com/azure/api-management/validate-azure-ad-token-policy
  return [
    el(
      "validate-azure-ad-token",
      {
        "tenant-id": tenantId,
        "header-name": "Authorization",
        "failed-validation-httpcode": 401,
        "failed-validation-error-message": "A valid Entra ID token for the gateway is required.",
        "output-token-variable-name": "caller-token",
      },
      el("client-application-ids", {}, ...clientApplicationIds.map(id => el("application-id", {}, id))),
      el("audiences", {}, ...audiences.map(a => el("audience", {}, a))),
      el(
        "required-claims",
        {},
        el(
          "claim",
          { name: "roles", match: "any" },
          ...matchOrder(input.applications).map(a => el("value", {}, `${rolePrefix}${a.name}`)),
        ),
      ),
    ),
    setVariable("application", applicationFromRoles(input.applications, rolePrefix)),
  ];
}

/** Per application: its workload, its criticality and its token budget; unknown callers are refused. */
export function applicationLimits(input: ApiPolicyInput): Element[] {
  const refuse = jsonError(
    403,
    "Forbidden",
    "UnknownApplication",
    input.applications.length > 0
      ? "The caller is not a registered application of this gateway."
      : "This gateway has no applications yet (aoai-bcdr:applications).",
  );
  return choose(
    input.applications.map(a => ({
      condition: `@(${variable("application")} == ${cs(a.name)})`,
      then: [
        // An empty attribute value is refused by APIM: no workload is an empty string expression.
        setVariable("workload", a.workload ?? "@(string.Empty)"),
        setVariable("app-priority", a.criticality),
        a.tokensPerMinute !== undefined &&
          el("azure-openai-token-limit", {
            "counter-key": `application:${a.name}`,
            "tokens-per-minute": a.tokensPerMinute,
            // Every answer passes outbound with its usage; streamed requests are estimated whatever this says.
            "estimate-prompt-tokens": false,
            "remaining-tokens-header-name": REMAINING_TOKENS_HEADER,
          }),
      ],
    })),
    [refuse],
  );
}

/** Query parameters that carry a caller's subscription key (the API accepts it in `api-key`; APIM's default name). */
export const CALLER_QUERY_CREDENTIALS = ["api-key", "subscription-key"];

/**
 * The caller's credentials never reach Azure OpenAI: the subscription key (`api-key` header or query,
 * `Ocp-Apim-Subscription-Key`) and the caller's token. The gateway's own credential is added after.
 */
export function stripCallerCredentials(): Element[] {
  return [
    deleteHeader("api-key"),
    deleteHeader("Ocp-Apim-Subscription-Key"),
    deleteHeader("Authorization"),
    ...CALLER_QUERY_CREDENTIALS.map(name => el("set-query-parameter", { name, "exists-action": "delete" })),
  ];
}

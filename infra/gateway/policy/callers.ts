/**
 * Who is calling: the caller's application (Entra client and app role, or APIM product), its token budget,
 * and the removal of the caller's own credentials before anything is sent to Azure OpenAI.
 */
import { ApiPolicyInput, PolicyApplication } from "./types";
import { Element, choose, cs, deleteHeader, el, jsonError, setVariable, variable } from "./xml";

/** The gateway's own per-application budget header: Azure OpenAI already sends `x-ratelimit-remaining-tokens`. */
export const REMAINING_TOKENS_HEADER = "x-gateway-remaining-tokens";

/** The policy's view of the configured applications: the config's `priority` is their criticality. */
export function policyApplications(
  applications: readonly {
    name: string;
    priority: number;
    workload?: string;
    tokensPerMinute?: number;
    clientApplicationIds: readonly string[];
  }[],
): PolicyApplication[] {
  return applications.map(a => ({
    name: a.name,
    criticality: a.priority,
    workload: a.workload,
    tokensPerMinute: a.tokensPerMinute,
    clientApplicationIds: a.clientApplicationIds,
  }));
}

/**
 * Applications in the order a client registered for several of them, and holding several of their app
 * roles, is matched: most critical first (priority 1), then by name (ordinal). Never the order of the claim.
 */
function matchOrder(applications: readonly PolicyApplication[]): PolicyApplication[] {
  return [...applications].sort(
    (a, b) => a.criticality - b.criticality || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** The 403 of a valid token whose client is not registered for an application whose app role it carries. */
export const CLIENT_NOT_ALLOWED = "ClientNotAllowedForApplication";

/**
 * The caller's application: the application whose OWN `clientApplicationIds` list the token's client and
 * whose app role the token carries. The client is `azp` in v2.0 tokens and `appid` in v1.0 tokens ("Only
 * present in v2.0 tokens, a replacement for appid. The application ID of the client using the token.",
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference). An app role alone
 * never decides: a client of one application granted another application's role is refused.
 * `Jwt.Claims.GetValueOrDefault(name, default)` returns the claim's values comma-separated, as a string
 * (https://learn.microsoft.com/azure/api-management/api-management-policy-expressions#ContextVariables).
 * Client ids are GUIDs, compared lower-cased.
 */
function applicationFromToken(applications: readonly PolicyApplication[], rolePrefix: string): string {
  const checks = matchOrder(applications)
    .filter(a => a.clientApplicationIds.length > 0)
    .map(a => {
      const clients = `,${a.clientApplicationIds.map(id => id.toLowerCase()).join(",")},`;
      return `    if (roles.Contains(${cs(rolePrefix + a.name)}) && ${cs(clients)}.Contains(client)) { return ${cs(a.name)}; }`;
    });
  return [
    "@{",
    '    var token = (Jwt)context.Variables["caller-token"];',
    '    var client = token.Claims.GetValueOrDefault("azp", "");',
    '    if (client.Length == 0) { client = token.Claims.GetValueOrDefault("appid", ""); }',
    '    client = "," + client.Trim().ToLowerInvariant() + ",";',
    '    var roles = token.Claims.GetValueOrDefault("roles", "").Split(\',\').Select(r => r.Trim()).ToArray();',
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
  // validate-azure-ad-token stays the signature, tenant and audience gate: client-application-ids is required
  // (at least one application-id; "each value is tried until ... one succeeds"), so it holds every application's
  // clients and decides no identity; audiences accept any listed value; children in the documented order.
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
    setVariable("application", applicationFromToken(input.applications, rolePrefix)),
    ...choose([
      {
        condition: `@(${variable("application")} == "")`,
        then: [
          jsonError(
            403,
            "Forbidden",
            CLIENT_NOT_ALLOWED,
            "The token's client application (azp or appid) is not registered (clientApplicationIds) for an application whose app role the token carries.",
          ),
        ],
      },
    ]),
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

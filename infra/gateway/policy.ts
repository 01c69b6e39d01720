/**
 * The API Management policy for the Azure OpenAI API, generated from the topology. Pure: no Pulumi
 * import; every input is a plain value, so the document is easy to test.
 *
 * The XML is built as a tree and serialized by xmlbuilder2, which escapes policy expressions
 * (`@(...)`, `@{...}`) for the `xml` policy format; nothing here concatenates markup by hand.
 */
import { create } from "xmlbuilder2";

export type FailoverStrategy = "backend-pool" | "send-request";

export interface PolicyApplication {
  readonly name: string;
  /** 1 = most critical: never shed from the PTU pools. */
  readonly priority: number;
  readonly workload?: string;
  readonly tokensPerMinute?: number;
}

export interface PolicyTier {
  /** APIM backend id of the account. */
  readonly backendId: string;
  readonly priority: number;
  /** Named value holding the account's endpoint (`https://<subdomain>.openai.azure.com/`). */
  readonly endpointNamedValue: string;
  /** Named value (Key Vault-backed) holding the account's key, in key mode. */
  readonly keyNamedValue?: string;
}

export interface PolicyChain {
  readonly name: string;
  readonly deployment: string;
  readonly workload?: string;
  /** Backend pool of the whole chain (the backend-pool strategy). */
  readonly poolId: string;
  /** Backend pool of the chain's standard tier only: where shed traffic goes. */
  readonly standardPoolId: string;
  /** Tiers in the order a request walks them (priority, then listing order). */
  readonly tiers: readonly PolicyTier[];
  /** Whether the chain starts at a PTU pool (then lower-priority callers can be shed from it). */
  readonly startsAtPtu: boolean;
}

export type CallerAuth =
  | { readonly kind: "entra"; readonly tenantId: string; readonly audience: string; readonly rolePrefix: string }
  | { readonly kind: "subscription-key" };

export interface ApiPolicyInput {
  readonly strategy: FailoverStrategy;
  readonly callerAuth: CallerAuth;
  readonly backendAuth: "managedIdentity" | "keys";
  readonly applications: readonly PolicyApplication[];
  readonly chains: readonly PolicyChain[];
  /** Seconds a caller is told to wait when every backend is down. */
  readonly retryAfterSeconds: number;
  /** PTU utilisation (%) above which priority 2 and priority 3 callers leave the PTU pools. */
  readonly shedAbove: { readonly 2: number; readonly 3: number };
  /** Seconds the gateway waits for a backend answer (long completions stream for minutes). */
  readonly backendTimeoutSeconds: number;
  /** Named value holding the Front Door id that must arrive in `X-Azure-FDID` (public mode). */
  readonly frontDoorIdNamedValue?: string;
  /** Client id of the gateway's user-assigned identity, which `authentication-managed-identity` must name (`client-id`). */
  readonly identityClientId?: string;
}

/** Status codes on which a request moves to the next backend of its chain: throttled, or the backend failed. */
const failing = (status: string) => `${status} == 429 || ${status} >= 500`;
export const FAILOVER_CONDITION = failing("context.Response.StatusCode");
export const COGNITIVE_SERVICES_AUDIENCE = "https://cognitiveservices.azure.com";
export const UTILIZATION_HEADER = "azure-openai-deployment-utilization";
export const METRIC_NAMESPACE = "aoai-bcdr";

// ---------------------------------------------------------------------------------------------
// A minimal element tree, serialized by xmlbuilder2

interface Element {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string | number | boolean>>;
  readonly children: readonly (Element | string)[];
}

type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

function el(name: string, attrs: Attrs = {}, ...children: (Element | string | false | undefined)[]): Element {
  const defined = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)) as Element["attrs"];
  return { name, attrs: defined, children: children.filter((c): c is Element | string => c !== false && c !== undefined) };
}

function serialize(root: Element): string {
  const doc = create();
  const add = (parent: ReturnType<typeof create>, e: Element) => {
    const node = parent.ele(e.name, Object.fromEntries(Object.entries(e.attrs).map(([k, v]) => [k, String(v)])));
    for (const c of e.children) typeof c === "string" ? node.txt(c) : add(node, c);
  };
  add(doc, root);
  return doc.end({ prettyPrint: true, headless: true }) + "\n";
}

/** A C# string literal for use inside a policy expression. */
function cs(value: string): string {
  return JSON.stringify(value);
}

const variable = (name: string) => `(string)context.Variables[${cs(name)}]`;
const setVariable = (name: string, value: string | number) => el("set-variable", { name, value: String(value) });
const header = (name: string, value: string, existsAction = "override") =>
  el("set-header", { name, "exists-action": existsAction }, el("value", {}, value));
const namedValue = (name: string) => `{{${name}}}`;

function jsonError(status: number, reason: string, code: string, message: string, extraHeaders: Element[] = []): Element {
  return el("return-response", {},
    el("set-status", { code: status, reason }),
    header("Content-Type", "application/json"),
    ...extraHeaders,
    el("set-body", {}, JSON.stringify({ error: { code, message } })));
}

// ---------------------------------------------------------------------------------------------
// Inbound: who is calling, what may they use, where does the request go

function callerAuthentication(input: ApiPolicyInput): Element[] {
  if (input.callerAuth.kind === "subscription-key") {
    // APIM already checked the key; the product the key belongs to is the application.
    return [setVariable("application", "@(context.Product != null ? context.Product.Id : string.Empty)")];
  }
  const { tenantId, audience, rolePrefix } = input.callerAuth;
  return [
    el("validate-azure-ad-token", {
      "tenant-id": tenantId, "header-name": "Authorization", "failed-validation-httpcode": 401,
      "failed-validation-error-message": "A valid Entra ID token for the gateway is required.",
      "output-token-variable-name": "caller-token",
    },
    el("audiences", {}, el("audience", {}, audience)),
    el("required-claims", {}, el("claim", { name: "roles", match: "any" },
      ...input.applications.map(a => el("value", {}, `${rolePrefix}${a.name}`))))),
    // The caller's app role names its application.
    setVariable("application", `@{
        var roles = ((Jwt)context.Variables["caller-token"]).Claims.GetValueOrDefault("roles", new string[0]);
        var role = roles.FirstOrDefault(r => r.StartsWith(${cs(rolePrefix)}));
        return role == null ? string.Empty : role.Substring(${rolePrefix.length});
    }`),
  ];
}

/** Per application: its workload, its priority and its token budget; unknown callers are refused. */
function applicationLimits(input: ApiPolicyInput): Element {
  return el("choose", {},
    ...input.applications.map(a => el("when", { condition: `@(${variable("application")} == ${cs(a.name)})` },
      // An empty attribute value is refused by APIM: no workload is an empty string expression.
      setVariable("workload", a.workload ?? "@(string.Empty)"),
      setVariable("app-priority", a.priority),
      a.tokensPerMinute !== undefined && el("azure-openai-token-limit", {
        "counter-key": a.name, "tokens-per-minute": a.tokensPerMinute, "estimate-prompt-tokens": false,
        "remaining-tokens-header-name": "x-ratelimit-remaining-tokens",
      }))),
    el("otherwise", {}, jsonError(403, "Forbidden", "UnknownApplication", "The caller is not a registered application of this gateway.")));
}

function tokenMetrics(): Element {
  return el("azure-openai-emit-token-metric", { namespace: METRIC_NAMESPACE },
    el("dimension", { name: "Application", value: `@(${variable("application")})` }),
    el("dimension", { name: "Deployment", value: `@(${variable("deployment")})` }),
    el("dimension", { name: "Location" }),
    el("dimension", { name: "API ID" }));
}

/** Lower-priority callers leave a hot PTU pool first: they go straight to the standard tier. */
function shedFromPtu(input: ApiPolicyInput, chain: PolicyChain): Element[] {
  if (!chain.startsAtPtu) return [];
  const priority = `int.Parse(${variable("app-priority")})`;
  const utilization = `double.Parse(${variable("ptu-utilization")})`;
  return [
    el("cache-lookup-value", { key: `ptu-utilization-${chain.name}`, "variable-name": "ptu-utilization", "default-value": "0" }),
    el("choose", {}, el("when", {
      condition: `@((${priority} == 2 && ${utilization} >= ${input.shedAbove[2]}) || (${priority} >= 3 && ${utilization} >= ${input.shedAbove[3]}))`,
    }, setVariable("chain-pool", chain.standardPoolId))),
  ];
}

function chainCondition(chain: PolicyChain): string {
  const deployment = `${variable("deployment")} == ${cs(chain.deployment)}`;
  return chain.workload ? `@(${variable("workload")} == ${cs(chain.workload)} && ${deployment})` : `@(${deployment})`;
}

/** Picks the caller's chain: its workload's chain for the deployment, else the shared one. */
function routing(input: ApiPolicyInput): Element {
  const ordered = [...input.chains.filter(c => c.workload), ...input.chains.filter(c => !c.workload)];
  return el("choose", {},
    ...ordered.map(c => el("when", { condition: chainCondition(c) },
      setVariable("chain", c.name),
      setVariable("chain-pool", c.poolId),
      ...shedFromPtu(input, c))),
    el("otherwise", {}, jsonError(404, "Not Found", "DeploymentNotFound",
      `Unknown deployment. Available: ${[...new Set(input.chains.map(c => c.deployment))].join(", ")}.`)));
}

/** https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy: `client-id` selects a user-assigned identity. */
const managedIdentity = (input: ApiPolicyInput) =>
  el("authentication-managed-identity", { resource: COGNITIVE_SERVICES_AUDIENCE, "client-id": input.identityClientId });

function backendAuthentication(input: ApiPolicyInput): Element[] {
  // Key mode: each backend's credentials carry its Key Vault-backed key (see the Backend resources).
  return input.backendAuth === "managedIdentity"
    ? [managedIdentity(input)]
    : [];
}

function inbound(input: ApiPolicyInput): Element {
  return el("inbound", {},
    el("base"),
    input.frontDoorIdNamedValue !== undefined && el("check-header", {
      name: "X-Azure-FDID", "failed-check-httpcode": 403, "failed-check-error-message": "Requests must come through the Front Door.",
      "ignore-case": true,
    }, el("value", {}, namedValue(input.frontDoorIdNamedValue))),
    ...callerAuthentication(input),
    setVariable("deployment", "@(context.Request.MatchedParameters[\"deployment-id\"])"),
    applicationLimits(input),
    tokenMetrics(),
    routing(input),
    ...sendRequestInbound(input),
    el("set-backend-service", { "backend-id": input.strategy === "backend-pool" ? `@(${variable("chain-pool")})` : `@(${variable("first-backend")})` }),
    ...backendAuthentication(input));
}

// ---------------------------------------------------------------------------------------------
// The two failover strategies

/** Longest chain: the retry must be able to reach its last backend. */
function chainLength(input: ApiPolicyInput): number {
  return Math.max(1, ...input.chains.map(c => c.tiers.length));
}

/** Backend pool + circuit breakers; the retry walks the pool, each failed backend trips its breaker. */
function poolBackend(input: ApiPolicyInput): Element {
  return el("backend", {},
    el("retry", { condition: `@(${FAILOVER_CONDITION})`, count: Math.max(1, chainLength(input) - 1), interval: 0, "first-fast-retry": true },
      el("forward-request", { "buffer-request-body": true, timeout: input.backendTimeoutSeconds })));
}

/**
 * The seed design's synchronous failover: while the last answer was 429/5xx (or no answer), a new
 * request to the chain's next backend with the same path, deployment name, query and body.
 */
function sendRequestSteps(input: ApiPolicyInput, chain: PolicyChain): Element[] {
  return chain.tiers.slice(1).map(tier => el("choose", {},
    el("when", { condition: `@(${variable("chain")} == ${cs(chain.name)} && (${failing("(int)context.Variables[\"attempt-status\"]")}))` },
      el("send-request", { mode: "new", "response-variable-name": "failover-response", timeout: input.backendTimeoutSeconds, "ignore-error": true },
        el("set-url", {}, `@("${namedValue(tier.endpointNamedValue)}" + ${variable("request-path")})`),
        el("set-method", {}, "@(context.Request.Method)"),
        header("Content-Type", "application/json"),
        ...(tier.keyNamedValue
          ? [header("api-key", namedValue(tier.keyNamedValue))]
          : [managedIdentity(input)]),
        el("set-body", {}, "@(context.Request.Body.As<string>(preserveContent: true))")),
      // No answer at all (connection failure, timeout) counts as a 503 and moves on.
      setVariable("attempt-status", "@{ var r = context.Variables.GetValueOrDefault<IResponse>(\"failover-response\"); return r == null ? 503 : r.StatusCode; }"),
      setVariable("served-by", tier.backendId))));
}

function sendRequestBackend(input: ApiPolicyInput): Element {
  return el("backend", {}, el("forward-request", { "buffer-request-body": true, "buffer-response": true, timeout: input.backendTimeoutSeconds }));
}

// ---------------------------------------------------------------------------------------------
// Outbound and errors

function servedBy(input: ApiPolicyInput): Element[] {
  return [
    header("X-Served-By", input.strategy === "backend-pool"
      // The account's subdomain names its role and region (oai-<stack>-<role>-<region>-<suffix>).
      ? "@(context.Request.Url.Host.Split('.')[0])"
      : `@(${variable("served-by")})`),
    header("X-Gateway-Region", "@(context.Deployment.Region)"),
  ];
}

/** Remember the PTU utilisation the chain's provisioned deployment reports, for the shedding above. */
function recordUtilization(): Element {
  return el("choose", {}, el("when", { condition: `@(context.Variables.ContainsKey("chain") && context.Response.Headers.ContainsKey(${cs(UTILIZATION_HEADER)}))` },
    el("cache-store-value", {
      key: `@("ptu-utilization-" + ${variable("chain")})`,
      value: `@(context.Response.Headers.GetValueOrDefault(${cs(UTILIZATION_HEADER)}, "0").TrimEnd('%'))`,
      duration: 10,
    })));
}

function unavailable(input: ApiPolicyInput): Element {
  return jsonError(503, "Service Unavailable", "AllBackendsUnavailable",
    "Every backend of this deployment's failover chain is unavailable. Retry after the indicated delay.",
    [header("Retry-After", String(input.retryAfterSeconds))]);
}

function outbound(input: ApiPolicyInput): Element {
  const failover = input.strategy === "send-request" ? [
    setVariable("attempt-status", "@(context.Response.StatusCode)"),
    ...input.chains.flatMap(c => sendRequestSteps(input, c)),
    el("choose", {},
      el("when", { condition: "@(context.Variables.GetValueOrDefault<IResponse>(\"failover-response\") != null)" },
        el("return-response", { "response-variable-name": "failover-response" }, ...servedBy(input))),
      el("when", { condition: "@(context.Variables.ContainsKey(\"failover-response\"))" }, unavailable(input))),
  ] : [];
  return el("outbound", {},
    el("base"),
    ...failover,
    recordUtilization(),
    ...servedBy(input),
    // The whole chain failed: a clean 503 the client can back off on; a final 429 keeps Azure's Retry-After.
    el("choose", {},
      el("when", { condition: "@(context.Response.StatusCode >= 500)" }, unavailable(input)),
      el("when", { condition: "@(context.Response.StatusCode == 429)" }, header("Retry-After", String(input.retryAfterSeconds), "skip"))));
}

function onError(input: ApiPolicyInput): Element {
  return el("on-error", {},
    el("base"),
    // Forwarding failed on every backend (pool exhausted, connection refused, timeout).
    el("choose", {}, el("when", { condition: "@(context.LastError.Source == \"forward-request\" || context.LastError.Source == \"retry\" || context.LastError.Source == \"set-backend-service\")" },
      unavailable(input))));
}

/** Inbound variables the send-request strategy needs to replay the request on the next account. */
function sendRequestInbound(input: ApiPolicyInput): Element[] {
  if (input.strategy !== "send-request") return [];
  return [
    setVariable("request-path", "@(context.Request.OriginalUrl.Path.TrimStart('/') + context.Request.OriginalUrl.QueryString)"),
    el("choose", {}, ...input.chains.map(c => el("when", { condition: `@(${variable("chain")} == ${cs(c.name)})` },
      setVariable("first-backend", c.tiers[0].backendId), setVariable("served-by", c.tiers[0].backendId)))),
  ];
}

export function buildApiPolicy(input: ApiPolicyInput): string {
  return serialize(el("policies", {},
    inbound(input),
    input.strategy === "backend-pool" ? poolBackend(input) : sendRequestBackend(input),
    outbound(input),
    onError(input)));
}

/** Every `{{named-value}}` a policy document references. */
export function referencedNamedValues(xml: string): string[] {
  return [...new Set([...xml.matchAll(/\{\{([A-Za-z0-9._-]+)\}\}/g)].map(m => m[1]))].sort();
}

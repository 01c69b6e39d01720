/**
 * Stored objects: responses, files and batches. Azure OpenAI keeps each in the one account that created it
 * (every call names the resource's endpoint), so a call that reads, deletes, continues or references one
 * must reach that account and no other: failing over would only find "not found" elsewhere.
 * - Responses API: a stateful API; `GET`/`DELETE /openai/v1/responses/{response_id}`,
 *   `GET .../{response_id}/input_items`, and a new response continuing one with `previous_response_id`
 *   (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/responses).
 * - Files and batches: a batch reads its `input_file_id` from the files of its own resource and runs on
 *   that resource's batch deployment (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/batch).
 * The gateway is stateless about them: every answer a backend served carries `x-gateway-route`, an opaque
 * token naming that backend's account, and a call on a stored object must echo it. The token maps to the
 * account's backend in a table generated from the chains; the call gets one attempt, no failover.
 */
import { createHash } from "crypto";
import { DEPLOYMENT_EXPRESSION } from "./routing";
import { ApiPolicyInput, GatewayChain, GatewayTier } from "./types";
import { Child, Element, choose, cs, deleteHeader, header, jsonError, setVariable, variable } from "./xml";

/** The header carrying the route hint, in answers and in calls on stored objects. */
export const ROUTE_HEADER = "x-gateway-route";
export const ROUTE_HINT_REQUIRED = "RouteHintRequired";
export const ROUTE_NOT_FOUND = "RouteNotFound";
export const LIST_NOT_ALLOWED = "ListNotAllowed";

/** An account's route token: 8 hex characters of its key's SHA-256. Opaque, and stable while the account exists. */
export const routeToken = (accountKey: string): string =>
  createHash("sha256").update(accountKey).digest("hex").slice(0, 8);

/**
 * The step a hinted call takes, in the chain format the backend section reads (`backendId,region,timeoutSeconds,kind`):
 * a chain of one step, so one attempt and no failover.
 */
export const routeStep = (t: GatewayTier): string =>
  `${t.backendId},${t.region},${t.timeoutSeconds},${t.role === "standard" ? "S" : "P"}`;

/**
 * Workloads whose chains reach an account, `+a+b+`; empty when a shared chain reaches it. A workload's PTU
 * account answers only that workload's applications, as its chains do.
 */
function owners(chains: readonly GatewayChain[], account: string): string {
  const reaching = chains.filter(c => c.tiers.some(t => t.account === account));
  if (reaching.some(c => !c.workload)) return "";
  return `+${[...new Set(reaching.map(c => c.workload!))].sort().join("+")}+`;
}

/**
 * The route table, one string: `|token/deployment~owners~step|...`, one entry per backend (account,
 * deployment), in chain order. A hinted call takes the entry of its account and deployment, else the
 * account's first entry (a `GET` names no deployment). Refused at build time if two accounts share a token.
 */
export function routeTable(chains: readonly GatewayChain[]): string {
  const entries = new Map<string, string>();
  const accounts = new Map<string, string>();
  for (const c of chains) {
    for (const t of c.tiers) {
      const token = routeToken(t.account);
      const other = accounts.get(token);
      if (other !== undefined && other !== t.account)
        throw new Error(`accounts ${other} and ${t.account} share the route token ${token}`);
      accounts.set(token, t.account);
      const key = `${token}/${c.deployment}`;
      if (!entries.has(key)) entries.set(key, `${key}~${owners(chains, t.account)}~${routeStep(t)}`);
    }
  }
  return `|${[...entries.values()].join("|")}|`;
}

const TABLE = "route-table";
const KIND = "stored-object";
const hintHeader = `context.Request.Headers.GetValueOrDefault(${cs(ROUTE_HEADER)}, "")`;

/**
 * What a call does with stored objects: `pin` (it must reach the account holding them), `list` (files or
 * batches of the whole account), or empty (routed by its deployment as any other call). `POST /responses`
 * creates a response unless its body continues one (`previous_response_id`) or references a file
 * (`file_id` anywhere); `POST /responses/<name>` (no object id, e.g. `input_tokens`) is routed by its `model`.
 */
export const STORED_OBJECT_EXPRESSION = [
  "@{",
  '    var m = Regex.Match(context.Request.OriginalUrl.Path, "/openai/(?:v1/)?(responses|files|batches)(/[^/]+)?(/.*)?$");',
  "    if (!m.Success) { return string.Empty; }",
  "    var method = context.Request.Method;",
  '    if (m.Groups[1].Value != "responses") { return m.Groups[2].Success || method != "GET" ? "pin" : "list"; }',
  '    if (m.Groups[3].Success || (m.Groups[2].Success && method != "POST")) { return "pin"; }',
  '    if (m.Groups[2].Success || method != "POST" || context.Request.Body == null || !context.Request.Headers.GetValueOrDefault("Content-Type", "").Contains("json")) { return string.Empty; }',
  "    try {",
  "        var body = context.Request.Body.As<JObject>(preserveContent: true);",
  '        var previous = body["previous_response_id"];',
  '        return (previous != null && previous.Type == JTokenType.String) || body.SelectToken("$..file_id") != null ? "pin" : string.Empty;',
  "    } catch (Exception) { return string.Empty; }",
  "}",
].join("\n");

/**
 * The step of a hinted call: the entry of its account and deployment, else its account's first entry;
 * empty for a malformed or unknown token, or an account the caller's workload cannot reach.
 */
export const ROUTE_STEP_EXPRESSION = [
  "@{",
  `    var hint = ${hintHeader}.Trim().ToLowerInvariant();`,
  '    if (!Regex.IsMatch(hint, "^[0-9a-f]{8}$")) { return string.Empty; }',
  `    var table = ${variable(TABLE)};`,
  `    var at = table.IndexOf("|" + hint + "/" + ${variable("deployment")} + "~");`,
  '    if (at < 0) { at = table.IndexOf("|" + hint + "/"); }',
  "    if (at < 0) { return string.Empty; }",
  "    var entry = table.Substring(at + 1, table.IndexOf('|', at + 1) - at - 1).Split('~');",
  `    if (entry[1].Length > 0 && !entry[1].Contains("+" + ${variable("workload")} + "+")) { return string.Empty; }`,
  "    return entry[2];",
  "}",
].join("\n");

function pinned(): Child[] {
  return [
    setVariable("steps", ROUTE_STEP_EXPRESSION),
    ...choose(
      [
        {
          condition: `@(${hintHeader}.Trim().Length == 0)`,
          then: [
            jsonError(
              400,
              "Bad Request",
              ROUTE_HINT_REQUIRED,
              `A stored response, file or batch lives in one account: send the ${ROUTE_HEADER} header of the answer that created it.`,
            ),
          ],
        },
        {
          condition: `@((${variable("steps")}).Length == 0)`,
          then: [
            jsonError(
              404,
              "Not Found",
              ROUTE_NOT_FOUND,
              `${ROUTE_HEADER} names no account this application can reach.`,
            ),
          ],
        },
      ],
      [deleteHeader(ROUTE_HEADER)],
    ),
  ];
}

/**
 * Inbound: calls on stored objects go to the account their hint names; listing files or batches is refused
 * (the gateway calls every account as one identity, so a list would show every application's objects); every
 * other call takes `routed` (the deployment's chain). The deployment is read once, before the choice (a hinted
 * call prefers its account's backend for it; token metrics name it), and not again inside `routed`.
 */
export function storedObjectRouting(input: ApiPolicyInput, routed: readonly Element[]): Element[] {
  const deployment = setVariable("deployment", DEPLOYMENT_EXPRESSION);
  return [
    setVariable(TABLE, routeTable(input.chains)),
    deployment,
    setVariable(KIND, STORED_OBJECT_EXPRESSION),
    ...choose(
      [
        {
          condition: `@(${variable(KIND)} == "list")`,
          then: [
            jsonError(
              403,
              "Forbidden",
              LIST_NOT_ALLOWED,
              "A list would show every application's objects: keep the ids you created.",
            ),
          ],
        },
        { condition: `@(${variable(KIND)} == "pin")`, then: pinned() },
      ],
      routed.filter(e => JSON.stringify(e) !== JSON.stringify(deployment)),
    ),
  ];
}

/** The route token of the account whose backend served this answer (`served-by`); empty for no 2xx answer from a step. */
export const ROUTE_HINT_EXPRESSION = [
  "@{",
  '    var served = context.Variables.GetValueOrDefault<string>("served-by", "");',
  `    var table = context.Variables.GetValueOrDefault<string>("${TABLE}", "");`,
  '    var at = served.Length == 0 || context.Response.StatusCode >= 300 ? -1 : table.IndexOf("~" + served + ",");',
  "    return at < 0 ? string.Empty : table.Substring(table.LastIndexOf('|', at) + 1, 8);",
  "}",
].join("\n");

/**
 * Outbound, after everything else: every 2xx answer a step served names that step's account, so the caller
 * can reach it again (`outbound` is the section to extend).
 */
export function withRouteHint(outbound: Element): Element {
  return {
    ...outbound,
    children: [
      ...outbound.children,
      setVariable("route-hint", ROUTE_HINT_EXPRESSION),
      ...choose([
        {
          condition: `@((${variable("route-hint")}).Length > 0)`,
          then: [header(ROUTE_HEADER, `@(${variable("route-hint")})`)],
        },
      ]),
    ],
  };
}

/**
 * Where a request goes: the deployment it names (in the path or, for the `/openai/v1/...` and
 * Responses APIs, in the body's `model`), the caller's chain for it as a list of steps, and the
 * shedding of lower-priority callers from a PTU deployment whose per-class budget is spent.
 */
import { ApiPolicyInput, GatewayChain, GatewayTier } from "./types";
import { Child, Element, choose, cs, el, jsonError, setVariable, variable } from "./xml";

/**
 * The shedding counters only measure: their limit is far above any real demand so they never refuse.
 * The decision is made on the tokens they report as used (limit minus remaining).
 */
export const SHED_COUNTER_LIMIT = 1_000_000_000;

/**
 * The deployment name: `/deployments/{name}/` in the path, else the JSON body's `model`. A body that is
 * not a JSON object (multipart audio on `/openai/v1/`, malformed JSON) yields no name and gets the 404
 * listing the models instead of an expression failure.
 * `As<JObject>(preserveContent: true)` keeps the body for forwarding (IMessageBody, policy expressions).
 */
export const DEPLOYMENT_EXPRESSION = [
  "@{",
  '    var named = Regex.Match(context.Request.OriginalUrl.Path, "/deployments/([^/]+)").Groups[1];',
  "    if (named.Success) { return named.Value; }",
  '    if (context.Request.Body == null || !context.Request.Headers.GetValueOrDefault("Content-Type", "").Contains("json")) { return string.Empty; }',
  "    try {",
  '        var model = context.Request.Body.As<JObject>(preserveContent: true)["model"];',
  "        return model != null && model.Type == JTokenType.String ? (string)model : string.Empty;",
  "    } catch (Exception) { return string.Empty; }",
  "}",
].join("\n");

/** Separators of the `steps` variable: steps, then a step's fields. */
export const STEP_SEPARATOR = ";";
export const FIELD_SEPARATOR = ",";

/**
 * A step's kind: `P` (PTU), `S` (standard), or `S<weight>` for a standard step of a weighted group (several
 * standard accounts at one priority), which the policy reorders per request. A group directly after another
 * weighted group is walked in chain order (`S`): consecutive `S<weight>` steps read as one group.
 */
function kinds(tiers: readonly GatewayTier[]): string[] {
  const out: string[] = [];
  let previousWeighted = false;
  for (let i = 0; i < tiers.length;) {
    const first = tiers[i];
    let end = i + 1;
    const samePriority = (t: GatewayTier) => t.role === "standard" && t.priority === first.priority;
    if (first.role === "standard") while (end < tiers.length && samePriority(tiers[end])) end++;
    const weighted: boolean = first.role === "standard" && end - i > 1 && !previousWeighted;
    for (const t of tiers.slice(i, end)) out.push(t.role !== "standard" ? "P" : weighted ? `S${t.weight}` : "S");
    previousWeighted = weighted;
    i = end;
  }
  return out;
}

/** The `steps` literal of some tiers of a chain: `backendId,region,timeoutSeconds,kind` per step. */
export function stepList(tiers: readonly GatewayTier[]): string {
  const kind = kinds(tiers);
  return tiers
    .map((t, i) => [t.backendId, t.region, t.timeoutSeconds, kind[i]].join(FIELD_SEPARATOR))
    .join(STEP_SEPARATOR);
}

/** The PTU deployments a chain can reach, in walking order: each keeps its own per-class budget counter. */
const ptuTiers = (chain: GatewayChain) => chain.tiers.filter(t => t.role !== "standard");
const budgetKey = (backendId: string) => `@("ptu-budget:${backendId}:priority-" + ${variable("app-priority")})`;

/**
 * One counter per (PTU deployment, class), counting only the tokens of requests that PTU deployment
 * answered: `rate-limit-by-key` with `increment-condition` and `increment-count` as expressions, which
 * APIM evaluates, and counts, at the end of the outbound pipeline
 * (https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy). Every answer from a step
 * passes through outbound (nothing returns early on the success path), and `served-by` is the step the
 * policy itself sent the attempt to. The tokens are what Azure OpenAI reported for the request
 * (`tokens-consumed-variable-name` of azure-openai-token-limit,
 * https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy). `calls` is far above
 * any demand, so the counters never refuse.
 */
function budgetCounters(chain: GatewayChain): Element[] {
  return ptuTiers(chain).map(t =>
    el("rate-limit-by-key", {
      calls: SHED_COUNTER_LIMIT,
      "renewal-period": 60,
      "increment-condition": `@(context.Variables.GetValueOrDefault<string>("served-by", "") == ${cs(t.backendId)} && context.Response.StatusCode < 400)`,
      // The variable's type is not documented: converted, never cast (a cast to the wrong type throws).
      "increment-count":
        '@(context.Variables.ContainsKey("tokens-consumed") ? Convert.ToInt32(context.Variables["tokens-consumed"]) : 0)',
      "counter-key": budgetKey(t.backendId),
    }),
  );
}

/**
 * Reads, in inbound, what the first PTU's counter holds for the caller's class: a literal `false` increment
 * condition is no expression, so nothing is deferred and nothing is counted; the remaining calls are stored
 * "after each policy execution" (rate-limit-by-key reference). The deferred counters above could not tell: their
 * variable is set only at the end of outbound. Dev-instance checklist: confirm the variable is set in inbound.
 */
const budgetProbe = (backendId: string) =>
  el("rate-limit-by-key", {
    calls: SHED_COUNTER_LIMIT,
    "renewal-period": 60,
    "increment-condition": "false",
    "counter-key": budgetKey(backendId),
    "remaining-calls-variable-name": "ptu-budget-remaining",
  });

/**
 * Priority-2 and priority-3 callers may use a fixed number of tokens per minute of the PTU deployment
 * the chain starts at (units × per-PTU budget); past it their steps start at the chain's first standard
 * step until the window frees tokens. A missing or odd remaining value means no shedding.
 */
function shedding(input: ApiPolicyInput, chain: GatewayChain): Child[] {
  const ptu = chain.firstPtu;
  if (!ptu) return [];
  const criticality = variable("app-priority");
  const budget = (p: 2 | 3) => ptu.units * input.ptuBudget[p];
  const spent = [
    "@{",
    "    long remaining;",
    '    if (!context.Variables.ContainsKey("ptu-budget-remaining") || !long.TryParse(Convert.ToString(context.Variables["ptu-budget-remaining"]), out remaining)) { return false; }',
    `    return ${SHED_COUNTER_LIMIT}L - remaining >= (${criticality} == "2" ? ${budget(2)}L : ${budget(3)}L);`,
    "}",
  ].join("\n");
  return choose([
    {
      condition: `@(${criticality} != "1")`,
      then: [
        // Measures this request's tokens for the counters; its own counter (per application) never refuses.
        el("azure-openai-token-limit", {
          "counter-key": `@("ptu-tokens:" + ${variable("application")})`,
          "tokens-per-minute": SHED_COUNTER_LIMIT,
          "estimate-prompt-tokens": false,
          "tokens-consumed-variable-name": "tokens-consumed",
        }),
        ...budgetCounters(chain),
        budgetProbe(ptu.backendId),
        ...choose([
          { condition: spent, then: [setVariable("steps", stepList(chain.tiers.filter(t => t.role === "standard")))] },
        ]),
      ],
    },
  ]);
}

function chainCondition(chain: GatewayChain): string {
  const deployment = `${variable("deployment")} == ${cs(chain.deployment)}`;
  return chain.workload ? `@(${variable("workload")} == ${cs(chain.workload)} && ${deployment})` : `@(${deployment})`;
}

/** Picks the caller's chain (its workload's chain for the deployment, else the shared one; else 404) and its steps. */
export function routing(input: ApiPolicyInput): Element[] {
  const ordered = [...input.chains.filter(c => c.workload), ...input.chains.filter(c => !c.workload)];
  const models = [...new Set(input.chains.map(c => c.deployment))].join(", ");
  return [
    setVariable("deployment", DEPLOYMENT_EXPRESSION),
    ...choose(
      ordered.map(c => ({
        condition: chainCondition(c),
        then: [setVariable("chain", c.name), setVariable("steps", stepList(c.tiers)), ...shedding(input, c)],
      })),
      [jsonError(404, "Not Found", "DeploymentNotFound", `Unknown deployment. Available: ${models || "(none)"}.`)],
    ),
  ];
}

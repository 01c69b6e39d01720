/**
 * Where a request goes: the deployment it names (in the path or, for the `/openai/v1/...` and
 * Responses APIs, in the body's `model`), the caller's chain for it, and the shedding of
 * lower-priority callers from a PTU deployment whose per-class budget is spent.
 */
import { ApiPolicyInput, PolicyChain, PolicyTier } from "./types";
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
  "    var named = Regex.Match(context.Request.OriginalUrl.Path, \"/deployments/([^/]+)\").Groups[1];",
  "    if (named.Success) { return named.Value; }",
  "    if (context.Request.Body == null || !context.Request.Headers.GetValueOrDefault(\"Content-Type\", \"\").Contains(\"json\")) { return string.Empty; }",
  "    try {",
  "        var model = context.Request.Body.As<JObject>(preserveContent: true)[\"model\"];",
  "        return model != null && model.Type == JTokenType.String ? (string)model : string.Empty;",
  "    } catch (Exception) { return string.Empty; }",
  "}",
].join("\n");

const failoverRetries = (tiers: readonly PolicyTier[]) => Math.max(1, tiers.length - 1);
/**
 * Per tier, the longest timeout among the tiers sharing its priority: a weighted pool may send attempt n
 * to any tier of that priority (https://learn.microsoft.com/azure/api-management/backends#load-balanced-pool).
 */
const timeouts = (tiers: readonly PolicyTier[]) => tiers.map(t =>
  Math.max(...tiers.filter(o => o.priority === t.priority).map(o => o.timeoutSeconds))).join(",");

/** The variables the failover reads: the pool, its retry budget, each attempt's timeout, where the walk starts. */
function chainTarget(poolId: string, tiers: readonly PolicyTier[], firstTier: number): Element[] {
  return [
    setVariable("chain-pool", poolId),
    // One retry per further backend of the pool, as the AI-Gateway backend-pool-load-balancing lab sizes it.
    setVariable("retry-count", failoverRetries(tiers)),
    setVariable("tier-timeouts", timeouts(tiers)),
    setVariable("first-tier", firstTier),
  ];
}

/**
 * Priority-2 and priority-3 callers may use a fixed number of tokens per minute of the PTU deployment
 * the chain starts at (units × per-PTU budget); past it they go to the standard tier until the
 * window frees tokens. One `azure-openai-token-limit` counter per (PTU deployment, class), keyed
 * by the PTU deployment; a missing or odd remaining value means no shedding.
 * https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy
 */
function shedding(input: ApiPolicyInput, chain: PolicyChain): Child[] {
  const ptu = chain.firstPtu;
  if (!ptu) return [];
  const standard = chain.tiers.filter(t => t.role === "standard");
  const priority = variable("app-priority");
  const budget = (p: 2 | 3) => ptu.units * input.ptuBudget[p];
  const spent = [
    "@{",
    "    long remaining;",
    "    if (!context.Variables.ContainsKey(\"ptu-budget-remaining\") || !long.TryParse(Convert.ToString(context.Variables[\"ptu-budget-remaining\"]), out remaining)) { return false; }",
    `    return ${SHED_COUNTER_LIMIT}L - remaining >= (${priority} == "2" ? ${budget(2)}L : ${budget(3)}L);`,
    "}",
  ].join("\n");
  return choose([{
    condition: `@(${priority} != "1")`,
    then: [
      el("azure-openai-token-limit", {
        "counter-key": `@("ptu-budget:${ptu.backendId}:priority-" + ${priority})`,
        "tokens-per-minute": SHED_COUNTER_LIMIT, "estimate-prompt-tokens": false,
        "remaining-tokens-variable-name": "ptu-budget-remaining",
      }),
      ...choose([{
        condition: spent,
        then: chainTarget(chain.standardPoolId, standard, chain.tiers.indexOf(standard[0])),
      }]),
    ],
  }]);
}

function chainCondition(chain: PolicyChain): string {
  const deployment = `${variable("deployment")} == ${cs(chain.deployment)}`;
  return chain.workload ? `@(${variable("workload")} == ${cs(chain.workload)} && ${deployment})` : `@(${deployment})`;
}

/** Picks the caller's chain: its workload's chain for the deployment, else the shared one; else 404. */
export function routing(input: ApiPolicyInput): Element[] {
  const ordered = [...input.chains.filter(c => c.workload), ...input.chains.filter(c => !c.workload)];
  const models = [...new Set(input.chains.map(c => c.deployment))].join(", ");
  return [
    setVariable("deployment", DEPLOYMENT_EXPRESSION),
    ...choose(ordered.map(c => ({
      condition: chainCondition(c),
      then: [setVariable("chain", c.name), ...chainTarget(c.poolId, c.tiers, 0), ...shedding(input, c)],
    })), [jsonError(404, "Not Found", "DeploymentNotFound", `Unknown deployment. Available: ${models || "(none)"}.`)]),
  ];
}

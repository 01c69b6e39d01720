/**
 * Reads the generated API policy (one `ApiPolicy` value, XML) into what the drill simulates. It reads, and
 * nothing else:
 *   per chain   set-variable `chain` beside `steps` ("backendId,region,timeoutSeconds,kind;..." with kind P,
 *               S or S<weight>); under it the shed `when` with its per-class budgets and the
 *               rate-limit-by-key counters (counter-key, increment-condition, remaining-calls-variable-name)
 *   backend     the `retry` condition (the statuses that move on; whether it stops at the deadline) and the
 *               waits in the forward-request timeout: min(stream ? first byte : step bound, deadline − elapsed)
 *   on-error    the LastError reasons it acts on, the Retry-After it answers and the suspect mark
 *               (cache-store-value key gateway-suspects, its duration), read back in inbound (cache-lookup-value)
 *   per app     its azure-openai-token-limit
 * The document is parsed with the pack's reader (policies/lib/policyXml.ts) and the retry condition with the
 * pack's status-condition parser (policies/lib/statusCondition.ts).
 */
import { PolicyElement, descendants, parsePolicyDocument } from "../../policies/lib/policyXml";
import { statusRanges } from "../../policies/lib/statusCondition";
import { ChainStep, GatewayRegion, RetryPolicy, ShedRule, SilentBackend, Waits } from "./topology";

/** A plan the drill cannot read: the message names the field. */
export class DrillPlanError extends Error {}

export function fail(field: string, problem: string): never {
  throw new DrillPlanError(`plan ${field}: ${problem}`);
}

export type PolicyFacts = Pick<GatewayRegion, "steps" | "shed" | "retry" | "waits" | "silent" | "tokenLimits">;

/** The cache key of the suspect list (one string "id@expiryUtcTicks|..."), as the gateway contract names it. */
export const SUSPECTS_KEY = "gateway-suspects";
/** The errors on-error treats as a silent backend (https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies). */
const SILENT_REASONS = ["Timeout", "BackendConnectionFailure"];

/** Every element below `e` (not `e` itself), in document order. */
const below = (e: PolicyElement) => descendants(e).slice(1);
const varsOf = (e: PolicyElement) =>
  new Map(e.children.filter(c => c.name === "set-variable").map(c => [c.attributes.name, c.attributes.value]));
/** The literal a `when` condition compares a variable with: `context.Variables["application"] == "x"`. */
const compared = (condition: string | undefined, name: string) =>
  new RegExp(`context\\.Variables\\["${name}"\\]\\)?\\s*==\\s*"([^"]+)"`).exec(condition ?? "")?.[1];

/** `backendId,region,timeoutSeconds,kind` per step, steps separated by `;`. */
export function parseSteps(value: string, field: string): ChainStep[] {
  return value
    .split(";")
    .filter(s => s.trim() !== "")
    .map((text, i) => {
      const [backend, region, timeout, kind, ...rest] = text.split(",").map(x => x.trim());
      const k = /^(P|S)(\d*)$/.exec(kind ?? "");
      if (!backend || !region || !(Number(timeout) > 0) || !k || (k[1] === "P" && k[2]) || rest.length > 0)
        fail(
          `${field} step ${i}`,
          `expected backendId,region,timeoutSeconds,P|S|S<weight>, got ${JSON.stringify(text)}`,
        );
      return {
        backend,
        region,
        timeoutS: Number(timeout),
        provisioned: k[1] === "P",
        ...(k[2] ? { weight: Number(k[2]) } : {}),
      };
    });
}

/**
 * The PTU budget counters of a chain: rate-limit-by-key keyed `ptu-budget:<backend>:priority-N`, counting
 * when `served-by` names that backend; the decision reads the one with remaining-calls-variable-name.
 */
function counters(e: PolicyElement, field: string): Pick<ShedRule, "decidedBy" | "countedOn"> {
  const limits = below(e).filter(x => x.name === "rate-limit-by-key");
  const backendOf = (x: PolicyElement) =>
    /"ptu-budget:([^:"]+):priority-/.exec(x.attributes["counter-key"] ?? "")?.[1] ??
    fail(
      field,
      `a budget counter keyed ${JSON.stringify(x.attributes["counter-key"])}, not ptu-budget:<backend>:priority-<class>`,
    );
  const decider =
    limits.find(x => x.attributes["remaining-calls-variable-name"] === "ptu-budget-remaining") ??
    fail(field, "a shed route without a rate-limit-by-key counter reporting ptu-budget-remaining");
  // A counter counts the requests its increment-condition says its backend served.
  const countedOn = limits
    .filter(x => {
      const condition = x.attributes["increment-condition"] ?? "";
      return condition.includes('"served-by"') && condition.includes(`"${backendOf(x)}"`);
    })
    .map(backendOf);
  return { decidedBy: backendOf(decider), countedOn };
}

/** The shed `when` of a chain: its condition compares the used tokens with a per-class budget. */
function shedRule(e: PolicyElement, field: string): ShedRule | undefined {
  const budgets = below(e)
    .filter(w => w.name === "when")
    .map(w => /==\s*"2"\s*\?\s*(\d+)L?\s*:\s*(\d+)L?/.exec(w.attributes.condition ?? ""))
    .find(m => m);
  if (!budgets) return undefined;
  return { budgets: { 2: Number(budgets[1]), 3: Number(budgets[2]) }, ...counters(e, field) };
}

/** Steps per chain (set-variable `chain` beside `steps`) and the shed rule nested under it. */
function chains(all: PolicyElement[], field: string): Pick<PolicyFacts, "steps" | "shed"> {
  const out: Pick<PolicyFacts, "steps" | "shed"> = { steps: {}, shed: {} };
  for (const e of all) {
    const vars = varsOf(e);
    const chain = vars.get("chain");
    const steps = vars.get("steps");
    if (!chain || steps === undefined) continue;
    out.steps[chain] = parseSteps(steps, `${field} chain ${chain}`);
    const shed = shedRule(e, `${field} chain ${chain}`);
    if (shed) out.shed[chain] = shed;
  }
  if (Object.keys(out.steps).length === 0)
    fail(field, 'no chain sets "steps": the drill models the step chain of docs/gateway.md');
  return out;
}

function retryPolicy(retry: PolicyElement): RetryPolicy {
  const condition = retry.attributes.condition ?? "";
  return {
    condition,
    statusRanges: statusRanges(condition),
    stopsAtDeadline: /context\.Elapsed/.test(condition),
  };
}

/**
 * The waits of each attempt, read from the forward-request timeout expression: the chain deadline is the
 * literal the elapsed seconds are taken from, the first-byte bound the literal a streamed request gets.
 */
function waits(forward: PolicyElement, all: PolicyElement[], field: string): Waits {
  const timeout = forward.attributes.timeout ?? "";
  // The expression may read a variable set beside it: search it and every set-variable value.
  const text = [timeout, ...all.filter(e => e.name === "set-variable").map(e => e.attributes.value ?? "")].join("\n");
  const deadline = /(\d+)\s*-\s*\(int\)\s*\(?\s*context\.Elapsed\.TotalSeconds/.exec(text)?.[1];
  const firstByte = /stream[^?:;]*\?\s*(\d+)\s*:/.exec(text)?.[1];
  if (!deadline) fail(`${field} forward-request timeout`, `no chain deadline (N - (int)context.Elapsed.TotalSeconds)`);
  if (!firstByte)
    fail(`${field} forward-request timeout`, "no first-byte bound for streamed requests (stream ? N : ...)");
  return { deadlineS: Number(deadline), firstByteS: Number(firstByte) };
}

/** on-error's answer to a silent backend, and the suspect mark that later requests read. */
function silent(all: PolicyElement[]): SilentBackend {
  const onError = all.find(e => e.name === "on-error");
  const handled = onError ? below(onError) : [];
  const conditions = handled.map(e => e.attributes.condition ?? "").join("\n");
  const reasons = SILENT_REASONS.filter(r => conditions.includes(`"${r}"`));
  const store = handled.find(e => e.name === "cache-store-value" && e.attributes.key === SUSPECTS_KEY);
  const inbound = all.find(e => e.name === "inbound");
  const lookedUp =
    !!inbound && below(inbound).some(e => e.name === "cache-lookup-value" && e.attributes.key === SUSPECTS_KEY);
  const header = handled.find(e => e.name === "set-header" && e.attributes.name?.toLowerCase() === "retry-after");
  const retryAfter = header?.children.find(c => c.name === "value")?.text.trim();
  return {
    reasons,
    // cache-store-value: duration in seconds (https://learn.microsoft.com/azure/api-management/cache-store-value-policy).
    suspectS: store && lookedUp ? Number(store.attributes.duration ?? 0) : 0,
    ...(retryAfter !== undefined && /^\d+$/.test(retryAfter) ? { retryAfterS: Number(retryAfter) } : {}),
  };
}

/** Application token limits: the azure-openai-token-limit with a literal budget inside the application's `when`. */
function tokenLimits(all: PolicyElement[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of all.filter(e => e.name === "when")) {
    const limit = w.children.find(c => /token-limit$/.test(c.name));
    const name = compared(w.attributes.condition, "application");
    if (limit && name) out[name] = Number(limit.attributes["tokens-per-minute"]);
  }
  return out;
}

export function readPolicy(xml: string, field: string): PolicyFacts {
  const parsed = parsePolicyDocument(xml);
  if ("error" in parsed) fail(field, `not well-formed XML (${parsed.error})`);
  const all = descendants(parsed.root);
  const retry = all.find(e => e.name === "retry") ?? fail(field, "no <retry> element around forward-request");
  const forward = all.find(e => e.name === "forward-request") ?? fail(field, "no <forward-request> element");
  return {
    ...chains(all, field),
    retry: retryPolicy(retry),
    waits: waits(forward, all, field),
    silent: silent(all),
    tokenLimits: tokenLimits(all),
  };
}

/**
 * Reads a plan (`npm run plan` output) into a DrillTopology. This is the only module that knows the
 * plan's shapes; it reads, and nothing else:
 *   resources  azure-native:apimanagement:ApiManagementService  serviceName, location, additionalLocations[].location
 *              azure-native:apimanagement:Backend               serviceName, backendId, url, circuitBreaker.rules[]
 *                                                               (name, failureCondition.count/interval/statusCodeRanges/
 *                                                               errorReasons, tripDuration, acceptRetryAfter),
 *                                                               pool.services[].id/priority/weight
 *              azure-native:apimanagement:ApiPolicy             serviceName, value (XML): retry interval/first-fast-retry/
 *                                                               condition; per chain set-variable chain, chain-pool,
 *                                                               retry-count, tier-timeouts, first-tier and the shed route
 *                                                               with its per-class budgets and rate-limit-by-key
 *                                                               counters (counter-key, increment-condition, remaining-
 *                                                               calls-variable-name); per application its token-limit;
 *                                                               on-error send-request steps (tier index, failed-tier
 *                                                               list, whether status 0 moves the walk on)
 *              azure-native:cdn:AFDOriginGroup / AFDOrigin      healthProbeSettings, loadBalancingSettings;
 *                                                               hostName, priority, weight, enabledState
 *              azure-native:privatedns:PrivateRecordSet          ttl of the gateway host's record
 *   outputs    accounts (region, role, subscription, endpoint, deployments), chains (deployment),
 *              applications (priority, chains, tokensPerMinute if present), gateway.hosts, entry
 */
import { XMLParser } from "fast-xml-parser";
import {
  BreakerRule,
  ChainRoute,
  DrillAccount,
  FallbackStep,
  ShedRule,
  DrillApplication,
  DrillBackend,
  DrillEntry,
  DrillPool,
  DrillTopology,
  GatewayRegion,
  RetryPolicy,
  StatusRange,
} from "./topology";
import { ResourceType, TYPES } from "../../catalog/types";

/** A plan the drill cannot read: the message names the field. */
export class DrillPlanError extends Error {}

interface PlanResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
export interface PlanLike {
  project: string;
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, any>;
}

function fail(field: string, problem: string): never {
  throw new DrillPlanError(`plan ${field}: ${problem}`);
}

/** ISO 8601 durations as APIM takes them (`PT10S`, `PT1M30S`, `P1D`) -> seconds. */
export function isoSeconds(value: unknown, field: string): number {
  const m =
    typeof value === "string" ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value) : null;
  if (!m || value === "P" || value === "PT")
    fail(field, `expected an ISO 8601 duration such as PT10S, got ${JSON.stringify(value)}`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

function breakerRules(backend: PlanResource): BreakerRule[] {
  const rules: any[] = backend.inputs.circuitBreaker?.rules ?? [];
  return rules.map((r, i) => {
    const field = `${backend.name}.circuitBreaker.rules[${i}]`;
    const fc = r.failureCondition ?? fail(field, "no failureCondition");
    return {
      name: r.name ?? `rule-${i}`,
      count: Number(fc.count ?? fail(`${field}.failureCondition.count`, "missing (percentage rules are not modelled)")),
      intervalS: isoSeconds(fc.interval, `${field}.failureCondition.interval`),
      tripS: isoSeconds(r.tripDuration, `${field}.tripDuration`),
      acceptRetryAfter: r.acceptRetryAfter === true,
      statusRanges: (fc.statusCodeRanges ?? []).map((s: any) => ({ min: Number(s.min), max: Number(s.max) })),
      errorReasons: fc.errorReasons ?? [],
    };
  });
}

const hostOf = (url: string) => new URL(url).host.toLowerCase();

function singleBackend(r: PlanResource, accountByHost: Map<string, string>): DrillBackend {
  const url = r.inputs.url ?? fail(`${r.name}.url`, "a single backend needs a url");
  const account =
    accountByHost.get(hostOf(url)) ??
    fail(`${r.name}.url`, `${url} is not the endpoint of any account in outputs.accounts`);
  return {
    id: r.inputs.backendId,
    account,
    deployment: /\/deployments\/([^/?]+)/.exec(url)?.[1],
    rules: breakerRules(r),
  };
}

function pool(r: PlanResource, backends: Record<string, DrillBackend>): DrillPool {
  const members = (r.inputs.pool.services as any[]).map((s, i) => {
    const id = /\/backends\/([^/]+)$/.exec(String(s.id))?.[1];
    if (!id || !backends[id])
      fail(`${r.name}.pool.services[${i}].id`, `${s.id} names no single backend of service ${r.inputs.serviceName}`);
    return { backend: id, priority: Number(s.priority ?? 1), weight: Number(s.weight ?? 1) };
  });
  return { id: r.inputs.backendId, members };
}

type XmlNode = Record<string, any>;
const tagOf = (n: XmlNode) => Object.keys(n).find(k => k !== ":@")!;
const attrs = (n: XmlNode): Record<string, string> => n[":@"] ?? {};

/** Every element of the policy, depth first, with its direct children. */
function* elements(nodes: XmlNode[]): Generator<{ tag: string; attrs: Record<string, string>; children: XmlNode[] }> {
  for (const n of nodes) {
    const tag = tagOf(n);
    if (tag === "#text") continue;
    yield { tag, attrs: attrs(n), children: n[tag] };
    yield* elements(n[tag]);
  }
}

/** The status codes a retry condition such as `StatusCode == 429 || StatusCode >= 500` retries on. */
export function conditionStatuses(condition: string): StatusRange[] {
  return [...condition.matchAll(/StatusCode\s*(==|>=|>|<=|<)\s*(\d{3})/g)].map(([, op, n]) => {
    const v = Number(n);
    return op === "=="
      ? { min: v, max: v }
      : op === ">="
        ? { min: v, max: 599 }
        : op === ">"
          ? { min: v + 1, max: 599 }
          : op === "<="
            ? { min: 100, max: v }
            : { min: 100, max: v - 1 };
  });
}

interface PolicyFacts {
  retry: RetryPolicy;
  chainPools: Record<string, string>;
  routes: Record<string, ChainRoute>;
  shed: Record<string, ShedRule>;
  fallback: Record<string, FallbackStep[]>;
  noAnswerMovesOn: boolean;
  tokenLimits: Record<string, number>;
}
type Element = { tag: string; attrs: Record<string, string>; children: XmlNode[] };

const varsOf = (e: Element) =>
  new Map(e.children.filter(c => tagOf(c) === "set-variable").map(c => [attrs(c).name, attrs(c).value]));
/** The literal a `when` condition compares a variable with: `context.Variables["chain"] == "x"`. */
const compared = (condition: string | undefined, name: string) =>
  new RegExp(`context\\.Variables\\["${name}"\\]\\)?\\s*==\\s*"([^"]+)"`).exec(condition ?? "")?.[1];

function route(vars: Map<string, string | undefined>, field: string): ChainRoute {
  const tiers = (vars.get("tier-timeouts") ?? fail(field, "a chain-pool without tier-timeouts")).split(",").map(Number);
  return {
    pool: vars.get("chain-pool")!,
    retryCount: Number(vars.get("retry-count")),
    tierTimeoutsS: tiers,
    firstTier: Number(vars.get("first-tier") ?? 0),
  };
}

/**
 * The PTU budget counters of a chain: rate-limit-by-key keyed `ptu-budget:<backend>:priority-N`, counting
 * when `served-by` names that backend; the decision reads the one with remaining-calls-variable-name.
 */
function counters(e: Element, field: string): Pick<ShedRule, "decidedBy" | "countedOn"> {
  const limits = [...elements(e.children)].filter(x => x.tag === "rate-limit-by-key");
  const backendOf = (x: Element) =>
    /"ptu-budget:([^:"]+):priority-/.exec(x.attrs["counter-key"] ?? "")?.[1] ??
    fail(
      field,
      `a budget counter keyed ${JSON.stringify(x.attrs["counter-key"])}, not ptu-budget:<backend>:priority-<class>`,
    );
  const decider =
    limits.find(x => x.attrs["remaining-calls-variable-name"] === "ptu-budget-remaining") ??
    fail(field, "a shed route without a rate-limit-by-key counter reporting ptu-budget-remaining");
  // A counter counts the requests its increment-condition says its backend served.
  const countedOn = limits
    .filter(x => (x.attrs["increment-condition"] ?? "").includes(`"served-by", "") == "${backendOf(x)}"`))
    .map(backendOf);
  return { decidedBy: backendOf(decider), countedOn };
}

/** Routes per chain (set-variable chain beside chain-pool) and the shed route nested under it. */
function routes(all: Element[], field: string): Pick<PolicyFacts, "chainPools" | "routes" | "shed"> {
  const out: Pick<PolicyFacts, "chainPools" | "routes" | "shed"> = { chainPools: {}, routes: {}, shed: {} };
  for (const e of all) {
    const vars = varsOf(e);
    const chain = vars.get("chain");
    if (!chain || !vars.has("chain-pool")) continue;
    out.chainPools[chain] = vars.get("chain-pool")!;
    out.routes[chain] = route(vars, `${field} chain ${chain}`);
    const nested = [...elements(e.children)].find(w => w.tag === "when" && varsOf(w).has("chain-pool"));
    if (!nested) continue;
    // The shed condition compares the used tokens with a per-class budget: (priority == "2" ? N : M).
    const b =
      /==\s*"2"\s*\?\s*(\d+)L\s*:\s*(\d+)L/.exec(nested.attrs.condition ?? "") ??
      fail(`${field} chain ${chain}`, "a shed route whose condition names no per-class budget");
    out.shed[chain] = {
      budgets: { 2: Number(b[1]), 3: Number(b[2]) },
      route: route(varsOf(nested), `${field} chain ${chain} (shed)`),
      ...counters(e, `${field} chain ${chain}`),
    };
  }
  return out;
}

/**
 * on-error's walk: each step's chain, its tier index (`first-tier <= i`), the failed tiers it follows
 * (`",0,1,".Contains(... failed-tier ...)`), its send-request timeout and backend (served-by).
 */
function fallback(all: Element[]): Record<string, FallbackStep[]> {
  const onError = all.find(e => e.tag === "on-error");
  const out: Record<string, FallbackStep[]> = {};
  if (!onError) return out;
  for (const w of elements(onError.children)) {
    const send = w.tag === "when" && w.children.find(c => tagOf(c) === "send-request");
    const condition = w.attrs.condition ?? "";
    const chain = compared(condition, "chain");
    const index = /<=\s*(\d+)\s*&&/.exec(condition)?.[1];
    const after = /",([\d,]+),"\.Contains\(/.exec(condition)?.[1];
    if (!send || !chain || index === undefined) continue;
    // send-request: "timeout ... default 60" (https://learn.microsoft.com/azure/api-management/send-request-policy)
    (out[chain] ??= []).push({
      index: Number(index),
      backend: varsOf(w).get("served-by")!,
      timeoutS: Number(attrs(send).timeout ?? 60),
      afterFailed: after ? after.split(",").map(Number) : [],
    });
  }
  return out;
}

/** Whether a step's condition lets the walk go on after a step that got no answer (status 0). */
const movesOnWithoutAnswer = (all: Element[]) =>
  all.some(
    e => e.tag === "when" && /GetValueOrDefault<int>\("attempt-status", -1\)\s*<=\s*0/.test(e.attrs.condition ?? ""),
  );

export function readPolicy(xml: string, field: string): PolicyFacts {
  const doc = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "" }).parse(
    xml,
  ) as XmlNode[];
  const all = [...elements(doc)];
  const retry =
    all.find(e => e.tag === "retry") ?? fail(field, "no <retry> element: the drill models the backend-pool strategy");
  if (!all.some(e => e.tag === "forward-request")) fail(field, "no <forward-request> element");
  const condition = retry.attrs.condition ?? "";
  // Application token limits: the azure-openai-token-limit with a literal budget inside the application's `when`.
  const tokenLimits: Record<string, number> = {};
  for (const w of all.filter(e => e.tag === "when")) {
    const limit = w.children.find(c => /token-limit$/.test(tagOf(c)));
    const name = compared(w.attrs.condition, "application");
    if (limit && name) tokenLimits[name] = Number(attrs(limit)["tokens-per-minute"]);
  }
  return {
    retry: {
      intervalS: Number(retry.attrs.interval ?? 0),
      firstFastRetry: retry.attrs["first-fast-retry"] === "true",
      condition,
      statusRanges: conditionStatuses(condition),
      // Transport failures leave context.Response null; a condition that never tests for it cannot retry them.
      onNoResponse: /Response\s*==\s*null|LastError/.test(condition),
    },
    ...routes(all, field),
    fallback: fallback(all),
    noAnswerMovesOn: movesOnWithoutAnswer(all),
    tokenLimits,
  };
}

function accounts(outputs: Record<string, any>): Record<string, DrillAccount> {
  const out = outputs.accounts ?? fail("outputs.accounts", "missing");
  return Object.fromEntries(
    Object.entries<any>(out).map(([key, a]) => [
      key,
      {
        key,
        region: a.region,
        role: a.role,
        subscription: a.subscription ?? "primary",
        deployments: Object.fromEntries(
          Object.entries<any>(a.deployments ?? {}).map(([d, v]) => [
            d,
            { model: v.model, sku: v.sku, capacity: Number(v.capacity) },
          ]),
        ),
      },
    ]),
  );
}

function gatewayRegions(plan: PlanLike): GatewayRegion[] {
  const of = (type: ResourceType) => plan.resources.filter(r => r.type === type);
  const accountByHost = new Map(Object.entries<any>(plan.outputs.accounts).map(([k, a]) => [hostOf(a.endpoint), k]));
  return of(TYPES.apimService).flatMap(svc => {
    const service = svc.inputs.serviceName;
    const mine = of(TYPES.backend).filter(b => b.inputs.serviceName === service);
    const backends = Object.fromEntries(
      mine.filter(b => !b.inputs.pool).map(b => [b.inputs.backendId, singleBackend(b, accountByHost)]),
    );
    const pools = Object.fromEntries(mine.filter(b => b.inputs.pool).map(b => [b.inputs.backendId, pool(b, backends)]));
    const policy =
      of(TYPES.apiPolicy).find(p => p.inputs.serviceName === service) ?? fail(`ApiPolicy of ${service}`, "missing");
    const facts = readPolicy(policy.inputs.value, `${policy.name}.value`);
    const regions = [svc.inputs.location, ...(svc.inputs.additionalLocations ?? []).map((l: any) => l.location)];
    return regions.map(region => ({ region, service, backends, pools, ...facts }));
  });
}

function applications(outputs: Record<string, any>, gateways: GatewayRegion[]): DrillApplication[] {
  return Object.entries<any>(outputs.applications ?? fail("outputs.applications", "missing")).map(([name, a]) => ({
    name,
    priority: Number(a.priority),
    chains: a.chains,
    tokensPerMinute: Number(
      a.tokensPerMinute ??
        gateways[0]?.tokenLimits[name] ??
        fail(
          `outputs.applications.${name}`,
          "no tokensPerMinute and no token-limit with this counter-key in the policy",
        ),
    ),
  }));
}

function entry(plan: PlanLike): DrillEntry {
  const e = plan.outputs.entry ?? fail("outputs.entry", "missing");
  if (e.mode === "private") {
    const record =
      plan.resources.find(r => r.type === TYPES.record && r.inputs.privateZoneName === e.gatewayHost) ??
      fail("PrivateRecordSet", `no record in zone ${e.gatewayHost}`);
    return { mode: "private", activeRegion: e.activeRegion, ttlS: Number(record.inputs.ttl) };
  }
  const regionByHost = new Map(
    Object.entries<string>(plan.outputs.gateway?.hosts ?? {}).map(([region, host]) => [host, region]),
  );
  const origins = plan.resources.filter(r => r.type === TYPES.origin);
  const group =
    plan.resources.find(
      r => r.type === TYPES.originGroup && r.inputs.originGroupName === origins[0]?.inputs.originGroupName,
    ) ?? fail("AFDOriginGroup", "public entry without a Front Door origin group");
  return {
    mode: "public",
    probeIntervalS: Number(group.inputs.healthProbeSettings.probeIntervalInSeconds),
    sampleSize: Number(group.inputs.loadBalancingSettings.sampleSize),
    successfulSamplesRequired: Number(group.inputs.loadBalancingSettings.successfulSamplesRequired),
    origins: origins.map(o => ({
      region:
        regionByHost.get(o.inputs.hostName) ??
        fail(`${o.name}.hostName`, `${o.inputs.hostName} is no gateway host in outputs.gateway.hosts`),
      priority: Number(o.inputs.priority ?? 1),
      weight: Number(o.inputs.weight ?? 1000),
      enabled: o.inputs.enabledState !== "Disabled",
    })),
  };
}

export function readPlan(plan: PlanLike): DrillTopology {
  const gateways = gatewayRegions(plan);
  if (gateways.length === 0) fail("resources", "no API Management service");
  const chains = Object.fromEntries(
    Object.entries<any>(plan.outputs.chains ?? fail("outputs.chains", "missing")).map(([name, c]) => [
      name,
      { name, deployment: c.deployment },
    ]),
  );
  for (const g of gateways)
    for (const chain of Object.keys(chains)) {
      if (!g.pools[g.chainPools[chain]])
        fail(`ApiPolicy of ${g.service}`, `chain ${chain} is sent to no pool of the service`);
    }
  return {
    project: plan.project,
    stack: plan.stack,
    accounts: accounts(plan.outputs),
    chains,
    applications: applications(plan.outputs, gateways),
    gateways,
    entry: entry(plan),
  };
}

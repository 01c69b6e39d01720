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
 *   outputs    (infra/outputs.ts) accounts (region, role, subscription, endpoint, deployments), chains,
 *              applications (priority, chains), gateway.hosts, entry
 * The policy document is read with the pack's reader (policies/lib/policyXml.ts) and its retry condition
 * with the pack's status-condition parser (policies/lib/statusCondition.ts).
 */
import type { AccountOutput, StackOutputs } from "../../infra/outputs";
import { PolicyElement, descendants, parsePolicyDocument } from "../../policies/lib/policyXml";
import { statusRanges } from "../../policies/lib/statusCondition";
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
} from "./topology";
import { ResourceType, TYPES } from "../../catalog/types";

/** A plan the drill cannot read: the message names the field. */
export class DrillPlanError extends Error {}

interface PlanResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
export interface PlanLike {
  project: string;
  stack: string;
  resources: PlanResource[];
  /** The program's outputs (infra/outputs.ts), as JSON: the drill checks every field it reads. */
  outputs: Record<string, unknown>;
}

/** The inputs the drill reads, as the plan holds them (JSON written by the offline engine). */
interface ServiceInputs {
  serviceName: string;
  location: string;
  additionalLocations?: { location: string }[];
}
interface BreakerRuleInputs {
  name?: string;
  tripDuration?: string;
  acceptRetryAfter?: boolean;
  failureCondition?: {
    count?: number;
    interval?: string;
    statusCodeRanges?: { min: number; max: number }[];
    errorReasons?: string[];
  };
}
interface BackendInputs {
  serviceName: string;
  backendId: string;
  url?: string;
  circuitBreaker?: { rules?: BreakerRuleInputs[] };
  pool?: { services: { id: string; priority?: number; weight?: number }[] };
}
interface PolicyInputs {
  serviceName: string;
  value: string;
}
interface OriginGroupInputs {
  originGroupName: string;
  healthProbeSettings: { probeIntervalInSeconds: number };
  loadBalancingSettings: { sampleSize: number; successfulSamplesRequired: number };
}
interface OriginInputs {
  originGroupName: string;
  hostName: string;
  priority?: number;
  weight?: number;
  enabledState?: string;
}
interface RecordSetInputs {
  privateZoneName: string;
  ttl: number;
}

/** A resource with its inputs read as the shape its type has. */
type Planned<T> = { type: string; name: string; inputs: T };
const ofType = <T>(plan: PlanLike, type: ResourceType) =>
  plan.resources.filter(r => r.type === type) as unknown as Planned<T>[];
/** The outputs the program declares; any of them may be missing from a plan edited by hand. */
const outputsOf = (plan: PlanLike) => plan.outputs as Partial<StackOutputs>;

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

function breakerRules(backend: Planned<BackendInputs>): BreakerRule[] {
  const rules = backend.inputs.circuitBreaker?.rules ?? [];
  return rules.map((r, i) => {
    const field = `${backend.name}.circuitBreaker.rules[${i}]`;
    const fc = r.failureCondition ?? fail(field, "no failureCondition");
    return {
      name: r.name ?? `rule-${i}`,
      count: Number(fc.count ?? fail(`${field}.failureCondition.count`, "missing (percentage rules are not modelled)")),
      intervalS: isoSeconds(fc.interval, `${field}.failureCondition.interval`),
      tripS: isoSeconds(r.tripDuration, `${field}.tripDuration`),
      acceptRetryAfter: r.acceptRetryAfter === true,
      statusRanges: (fc.statusCodeRanges ?? []).map(s => ({ min: Number(s.min), max: Number(s.max) })),
      errorReasons: fc.errorReasons ?? [],
    };
  });
}

const hostOf = (url: string) => new URL(url).host.toLowerCase();

function singleBackend(r: Planned<BackendInputs>, accountByHost: Map<string, string>): DrillBackend {
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

function pool(r: Planned<BackendInputs>, backends: Record<string, DrillBackend>): DrillPool {
  const members = (r.inputs.pool?.services ?? []).map((s, i) => {
    const id = /\/backends\/([^/]+)$/.exec(String(s.id))?.[1];
    if (!id || !backends[id])
      fail(`${r.name}.pool.services[${i}].id`, `${s.id} names no single backend of service ${r.inputs.serviceName}`);
    return { backend: id, priority: Number(s.priority ?? 1), weight: Number(s.weight ?? 1) };
  });
  return { id: r.inputs.backendId, members };
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

/** Every element below `e` (not `e` itself), in document order. */
const below = (e: PolicyElement) => descendants(e).slice(1);
const varsOf = (e: PolicyElement) =>
  new Map(e.children.filter(c => c.name === "set-variable").map(c => [c.attributes.name, c.attributes.value]));
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
    .filter(x => (x.attributes["increment-condition"] ?? "").includes(`"served-by", "") == "${backendOf(x)}"`))
    .map(backendOf);
  return { decidedBy: backendOf(decider), countedOn };
}

/** The shed route of a chain: nested under its route, taken past a per-class budget of the first PTU. */
function shedRule(e: PolicyElement, field: string): ShedRule | undefined {
  const nested = below(e).find(w => w.name === "when" && varsOf(w).has("chain-pool"));
  if (!nested) return undefined;
  // The shed condition compares the used tokens with a per-class budget: (priority == "2" ? N : M).
  const b =
    /==\s*"2"\s*\?\s*(\d+)L\s*:\s*(\d+)L/.exec(nested.attributes.condition ?? "") ??
    fail(field, "a shed route whose condition names no per-class budget");
  return {
    budgets: { 2: Number(b[1]), 3: Number(b[2]) },
    route: route(varsOf(nested), `${field} (shed)`),
    ...counters(e, field),
  };
}

/** Routes per chain (set-variable chain beside chain-pool) and the shed route nested under it. */
function routes(all: PolicyElement[], field: string): Pick<PolicyFacts, "chainPools" | "routes" | "shed"> {
  const out: Pick<PolicyFacts, "chainPools" | "routes" | "shed"> = { chainPools: {}, routes: {}, shed: {} };
  for (const e of all) {
    const vars = varsOf(e);
    const chain = vars.get("chain");
    if (!chain || !vars.has("chain-pool")) continue;
    out.chainPools[chain] = vars.get("chain-pool")!;
    out.routes[chain] = route(vars, `${field} chain ${chain}`);
    const shed = shedRule(e, `${field} chain ${chain}`);
    if (shed) out.shed[chain] = shed;
  }
  return out;
}

/**
 * on-error's walk: each step's chain, its tier index (`first-tier <= i`), the failed tiers it follows
 * (`",0,1,".Contains(... failed-tier ...)`), its send-request timeout and backend (served-by).
 */
function fallback(all: PolicyElement[]): Record<string, FallbackStep[]> {
  const onError = all.find(e => e.name === "on-error");
  const out: Record<string, FallbackStep[]> = {};
  if (!onError) return out;
  for (const w of below(onError)) {
    const send = w.name === "when" && w.children.find(c => c.name === "send-request");
    const condition = w.attributes.condition ?? "";
    const chain = compared(condition, "chain");
    const index = /<=\s*(\d+)\s*&&/.exec(condition)?.[1];
    const after = /",([\d,]+),"\.Contains\(/.exec(condition)?.[1];
    if (!send || !chain || index === undefined) continue;
    // send-request: "timeout ... default 60" (https://learn.microsoft.com/azure/api-management/send-request-policy)
    (out[chain] ??= []).push({
      index: Number(index),
      backend: varsOf(w).get("served-by")!,
      timeoutS: Number(send.attributes.timeout ?? 60),
      afterFailed: after ? after.split(",").map(Number) : [],
    });
  }
  return out;
}

/** Whether a step's condition lets the walk go on after a step that got no answer (status 0). */
const movesOnWithoutAnswer = (all: PolicyElement[]) =>
  all.some(
    e =>
      e.name === "when" && /GetValueOrDefault<int>\("attempt-status", -1\)\s*<=\s*0/.test(e.attributes.condition ?? ""),
  );

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

function retryPolicy(retry: PolicyElement): RetryPolicy {
  const condition = retry.attributes.condition ?? "";
  return {
    intervalS: Number(retry.attributes.interval ?? 0),
    firstFastRetry: retry.attributes["first-fast-retry"] === "true",
    condition,
    statusRanges: statusRanges(condition),
    // Transport failures leave context.Response null; a condition that never tests for it cannot retry them.
    onNoResponse: /Response\s*==\s*null|LastError/.test(condition),
  };
}

export function readPolicy(xml: string, field: string): PolicyFacts {
  const parsed = parsePolicyDocument(xml);
  if ("error" in parsed) fail(field, `not well-formed XML (${parsed.error})`);
  const all = descendants(parsed.root);
  const retry =
    all.find(e => e.name === "retry") ?? fail(field, "no <retry> element: the drill models the backend-pool strategy");
  if (!all.some(e => e.name === "forward-request")) fail(field, "no <forward-request> element");
  return {
    retry: retryPolicy(retry),
    ...routes(all, field),
    fallback: fallback(all),
    noAnswerMovesOn: movesOnWithoutAnswer(all),
    tokenLimits: tokenLimits(all),
  };
}

function accounts(plan: PlanLike): Record<string, DrillAccount> {
  const out = outputsOf(plan).accounts ?? fail("outputs.accounts", "missing");
  return Object.fromEntries(
    Object.entries(out).map(([key, a]) => [
      key,
      {
        key,
        region: a.region,
        role: a.role,
        subscription: a.subscription ?? "primary",
        deployments: Object.fromEntries(
          Object.entries(a.deployments ?? {}).map(([d, v]) => [
            d,
            { model: v.model, sku: v.sku, capacity: Number(v.capacity) },
          ]),
        ),
      },
    ]),
  );
}

function gatewayRegions(plan: PlanLike): GatewayRegion[] {
  const accountOutputs: Record<string, AccountOutput> = outputsOf(plan).accounts ?? {};
  const accountByHost = new Map(Object.entries(accountOutputs).map(([k, a]) => [hostOf(a.endpoint), k]));
  const allBackends = ofType<BackendInputs>(plan, TYPES.backend);
  const policies = ofType<PolicyInputs>(plan, TYPES.apiPolicy);
  return ofType<ServiceInputs>(plan, TYPES.apimService).flatMap(svc => {
    const service = svc.inputs.serviceName;
    const mine = allBackends.filter(b => b.inputs.serviceName === service);
    const backends = Object.fromEntries(
      mine.filter(b => !b.inputs.pool).map(b => [b.inputs.backendId, singleBackend(b, accountByHost)]),
    );
    const pools = Object.fromEntries(mine.filter(b => b.inputs.pool).map(b => [b.inputs.backendId, pool(b, backends)]));
    const policy = policies.find(p => p.inputs.serviceName === service) ?? fail(`ApiPolicy of ${service}`, "missing");
    const facts = readPolicy(policy.inputs.value, `${policy.name}.value`);
    const regions = [svc.inputs.location, ...(svc.inputs.additionalLocations ?? []).map(l => l.location)];
    return regions.map(region => ({ region, service, backends, pools, ...facts }));
  });
}

function applications(plan: PlanLike, gateways: GatewayRegion[]): DrillApplication[] {
  const out = outputsOf(plan).applications ?? fail("outputs.applications", "missing");
  return Object.entries(out).map(([name, a]) => ({
    name,
    criticality: Number(a.priority),
    chains: [...a.chains],
    // The program outputs no budget: the application's token-limit in the policy is its demand's ceiling.
    tokensPerMinute: Number(
      gateways[0]?.tokenLimits[name] ??
        fail(`outputs.applications.${name}`, "no token-limit with this counter-key in the policy"),
    ),
  }));
}

function privateEntry(plan: PlanLike, gatewayHost: string, activeRegion: string): DrillEntry {
  const record =
    ofType<RecordSetInputs>(plan, TYPES.record).find(r => r.inputs.privateZoneName === gatewayHost) ??
    fail("PrivateRecordSet", `no record in zone ${gatewayHost}`);
  return { mode: "private", activeRegion, ttlS: Number(record.inputs.ttl) };
}

function entry(plan: PlanLike): DrillEntry {
  const outputs = outputsOf(plan);
  const e = outputs.entry ?? fail("outputs.entry", "missing");
  if (e.mode === "private") return privateEntry(plan, e.gatewayHost, e.activeRegion);
  const regionByHost = new Map(Object.entries(outputs.gateway?.hosts ?? {}).map(([region, host]) => [host, region]));
  const origins = ofType<OriginInputs>(plan, TYPES.origin);
  const group =
    ofType<OriginGroupInputs>(plan, TYPES.originGroup).find(
      r => r.inputs.originGroupName === origins[0]?.inputs.originGroupName,
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
  // The chains as the program computed them (outputs.chains); the gateway's pools must serve each.
  const chains = outputsOf(plan).chains ?? fail("outputs.chains", "missing");
  for (const g of gateways)
    for (const chain of Object.keys(chains)) {
      if (!g.pools[g.chainPools[chain]])
        fail(`ApiPolicy of ${g.service}`, `chain ${chain} is sent to no pool of the service`);
    }
  return {
    project: plan.project,
    stack: plan.stack,
    accounts: accounts(plan),
    chains,
    applications: applications(plan, gateways),
    gateways,
    entry: entry(plan),
  };
}

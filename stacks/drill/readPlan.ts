/**
 * Reads a plan (`npm run plan` output) into a DrillTopology. This is the only module that knows the
 * plan's shapes; it reads, and nothing else:
 *   resources  azure-native:apimanagement:ApiManagementService  serviceName, location, additionalLocations[].location
 *              azure-native:apimanagement:Backend               serviceName, backendId, url, circuitBreaker.rules[]
 *                                                               (name, failureCondition.count/interval/statusCodeRanges/
 *                                                               errorReasons, tripDuration, acceptRetryAfter),
 *                                                               pool.services[].id/priority/weight
 *              azure-native:apimanagement:ApiPolicy             serviceName, value (XML): retry count/interval/
 *                                                               first-fast-retry/condition, forward-request timeout,
 *                                                               set-variable chain + chain-pool, token-limit counter-key +
 *                                                               tokens-per-minute
 *              azure-native:cdn:AFDOriginGroup / AFDOrigin      healthProbeSettings, loadBalancingSettings;
 *                                                               hostName, priority, weight, enabledState
 *              azure-native:privatedns:PrivateRecordSet          ttl of the gateway host's record
 *   outputs    accounts (region, role, subscription, endpoint, deployments), chains (deployment),
 *              applications (priority, chains, tokensPerMinute if present), gateway.hosts, entry
 */
import { XMLParser } from "fast-xml-parser";
import {
  BreakerRule, DrillAccount, DrillApplication, DrillBackend, DrillEntry, DrillPool, DrillTopology,
  GatewayRegion, RetryPolicy, StatusRange,
} from "./topology";

/** A plan the drill cannot read: the message names the field. */
export class DrillPlanError extends Error {}

interface PlanResource { type: string; name: string; inputs: Record<string, any> }
export interface PlanLike { project: string; stack: string; resources: PlanResource[]; outputs: Record<string, any> }

const APIM = "azure-native:apimanagement:";

function fail(field: string, problem: string): never {
  throw new DrillPlanError(`plan ${field}: ${problem}`);
}

/** ISO 8601 durations as APIM takes them (`PT10S`, `PT1M30S`, `P1D`) -> seconds. */
export function isoSeconds(value: unknown, field: string): number {
  const m = typeof value === "string" ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value) : null;
  if (!m || value === "P" || value === "PT") fail(field, `expected an ISO 8601 duration such as PT10S, got ${JSON.stringify(value)}`);
  return (Number(m[1] ?? 0) * 86400) + (Number(m[2] ?? 0) * 3600) + (Number(m[3] ?? 0) * 60) + Number(m[4] ?? 0);
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
  const account = accountByHost.get(hostOf(url)) ?? fail(`${r.name}.url`, `${url} is not the endpoint of any account in outputs.accounts`);
  return { id: r.inputs.backendId, account, deployment: /\/deployments\/([^/?]+)/.exec(url)?.[1], rules: breakerRules(r) };
}

function pool(r: PlanResource, backends: Record<string, DrillBackend>): DrillPool {
  const members = (r.inputs.pool.services as any[]).map((s, i) => {
    const id = /\/backends\/([^/]+)$/.exec(String(s.id))?.[1];
    if (!id || !backends[id]) fail(`${r.name}.pool.services[${i}].id`, `${s.id} names no single backend of service ${r.inputs.serviceName}`);
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
    return op === "==" ? { min: v, max: v } : op === ">=" ? { min: v, max: 599 } : op === ">" ? { min: v + 1, max: 599 }
      : op === "<=" ? { min: 100, max: v } : { min: 100, max: v - 1 };
  });
}

interface PolicyFacts {
  retry: RetryPolicy; timeoutS: number; chainPools: Record<string, string>; tokenLimits: Record<string, number>; notes: string[];
}

export function readPolicy(xml: string, field: string): PolicyFacts {
  const doc = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml) as XmlNode[];
  const all = [...elements(doc)];
  const retry = all.find(e => e.tag === "retry") ?? fail(field, "no <retry> element: the drill models the backend-pool strategy");
  const forwards = all.filter(e => e.tag === "forward-request");
  if (forwards.length === 0) fail(field, "no <forward-request> element");
  // forward-request: "timeout ... default 300" (https://learn.microsoft.com/azure/api-management/forward-request-policy)
  const timeouts = [...new Set(forwards.map(f => Number(f.attrs.timeout ?? 300)))];
  const condition = retry.attrs.condition ?? "";
  const chainPools: Record<string, string> = {};
  for (const e of all) {
    const vars = new Map(e.children.filter(c => tagOf(c) === "set-variable").map(c => [attrs(c).name, attrs(c).value]));
    if (vars.has("chain") && vars.has("chain-pool")) chainPools[vars.get("chain")!] = vars.get("chain-pool")!;
  }
  const tokenLimits = Object.fromEntries(all.filter(e => /token-limit$/.test(e.tag))
    .map(e => [e.attrs["counter-key"], Number(e.attrs["tokens-per-minute"])]));
  return {
    retry: {
      count: Number(retry.attrs.count), intervalS: Number(retry.attrs.interval ?? 0),
      firstFastRetry: retry.attrs["first-fast-retry"] === "true", condition,
      statusRanges: conditionStatuses(condition),
      // Transport failures leave context.Response null; a condition that never tests for it cannot retry them.
      onNoResponse: /Response\s*==\s*null|LastError/.test(condition),
    },
    timeoutS: timeouts[0],
    chainPools,
    tokenLimits,
    notes: timeouts.length > 1 ? [`${field}: several forward-request timeouts (${timeouts.join(", ")} s); the drill applies the first to every request`] : [],
  };
}

function accounts(outputs: Record<string, any>): Record<string, DrillAccount> {
  const out = outputs.accounts ?? fail("outputs.accounts", "missing");
  return Object.fromEntries(Object.entries<any>(out).map(([key, a]) => [key, {
    key, region: a.region, role: a.role, subscription: a.subscription ?? "primary",
    deployments: Object.fromEntries(Object.entries<any>(a.deployments ?? {}).map(([d, v]) =>
      [d, { model: v.model, sku: v.sku, capacity: Number(v.capacity) }])),
  }]));
}

function gatewayRegions(plan: PlanLike): GatewayRegion[] {
  const of = (type: string) => plan.resources.filter(r => r.type === APIM + type);
  const accountByHost = new Map(Object.entries<any>(plan.outputs.accounts).map(([k, a]) => [hostOf(a.endpoint), k]));
  return of("ApiManagementService").flatMap(svc => {
    const service = svc.inputs.serviceName;
    const mine = of("Backend").filter(b => b.inputs.serviceName === service);
    const backends = Object.fromEntries(mine.filter(b => !b.inputs.pool).map(b => [b.inputs.backendId, singleBackend(b, accountByHost)]));
    const pools = Object.fromEntries(mine.filter(b => b.inputs.pool).map(b => [b.inputs.backendId, pool(b, backends)]));
    const policy = of("ApiPolicy").find(p => p.inputs.serviceName === service) ?? fail(`ApiPolicy of ${service}`, "missing");
    const facts = readPolicy(policy.inputs.value, `${policy.name}.value`);
    const regions = [svc.inputs.location, ...(svc.inputs.additionalLocations ?? []).map((l: any) => l.location)];
    return regions.map(region => ({ region, service, backends, pools, ...facts }));
  });
}

function applications(outputs: Record<string, any>, gateways: GatewayRegion[]): DrillApplication[] {
  return Object.entries<any>(outputs.applications ?? fail("outputs.applications", "missing")).map(([name, a]) => ({
    name, priority: Number(a.priority), chains: a.chains,
    tokensPerMinute: Number(a.tokensPerMinute ?? gateways[0]?.tokenLimits[name]
      ?? fail(`outputs.applications.${name}`, "no tokensPerMinute and no token-limit with this counter-key in the policy")),
  }));
}

function entry(plan: PlanLike): DrillEntry {
  const e = plan.outputs.entry ?? fail("outputs.entry", "missing");
  if (e.mode === "private") {
    const record = plan.resources.find(r => r.type === "azure-native:privatedns:PrivateRecordSet" && r.inputs.privateZoneName === e.gatewayHost)
      ?? fail("PrivateRecordSet", `no record in zone ${e.gatewayHost}`);
    return { mode: "private", activeRegion: e.activeRegion, ttlS: Number(record.inputs.ttl) };
  }
  const regionByHost = new Map(Object.entries<string>(plan.outputs.gateway?.hosts ?? {}).map(([region, host]) => [host, region]));
  const origins = plan.resources.filter(r => r.type === "azure-native:cdn:AFDOrigin");
  const group = plan.resources.find(r => r.type === "azure-native:cdn:AFDOriginGroup" && r.inputs.originGroupName === origins[0]?.inputs.originGroupName)
    ?? fail("AFDOriginGroup", "public entry without a Front Door origin group");
  return {
    mode: "public",
    probeIntervalS: Number(group.inputs.healthProbeSettings.probeIntervalInSeconds),
    sampleSize: Number(group.inputs.loadBalancingSettings.sampleSize),
    successfulSamplesRequired: Number(group.inputs.loadBalancingSettings.successfulSamplesRequired),
    origins: origins.map(o => ({
      region: regionByHost.get(o.inputs.hostName) ?? fail(`${o.name}.hostName`, `${o.inputs.hostName} is no gateway host in outputs.gateway.hosts`),
      priority: Number(o.inputs.priority ?? 1), weight: Number(o.inputs.weight ?? 1000), enabled: o.inputs.enabledState !== "Disabled",
    })),
  };
}

export function readPlan(plan: PlanLike): DrillTopology {
  const gateways = gatewayRegions(plan);
  if (gateways.length === 0) fail("resources", "no API Management service");
  const chains = Object.fromEntries(Object.entries<any>(plan.outputs.chains ?? fail("outputs.chains", "missing"))
    .map(([name, c]) => [name, { name, deployment: c.deployment }]));
  for (const g of gateways) for (const chain of Object.keys(chains)) {
    if (!g.pools[g.chainPools[chain]]) fail(`ApiPolicy of ${g.service}`, `chain ${chain} is sent to no pool of the service`);
  }
  return {
    project: plan.project, stack: plan.stack, accounts: accounts(plan.outputs), chains,
    applications: applications(plan.outputs, gateways), gateways, entry: entry(plan),
  };
}

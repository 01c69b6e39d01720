/**
 * Reads a plan (`npm run plan` output) into a DrillTopology. With readPolicy.ts, the only module that knows
 * the plan's shapes; it reads, and nothing else:
 *   resources  azure-native:apimanagement:ApiManagementService  serviceName, location, additionalLocations[].location
 *              azure-native:apimanagement:Backend               serviceName, backendId, url, circuitBreaker.rules[]
 *                                                               (name, failureCondition.count/interval/statusCodeRanges/
 *                                                               errorReasons, tripDuration, acceptRetryAfter)
 *              azure-native:apimanagement:ApiPolicy             serviceName, value (XML: readPolicy.ts)
 *              azure-native:cdn:AFDOriginGroup / AFDOrigin      healthProbeSettings, loadBalancingSettings;
 *                                                               hostName, priority, weight, enabledState
 *              azure-native:privatedns:PrivateRecordSet          ttl of the gateway host's record
 *   outputs    (infra/outputs.ts) accounts (region, role, subscription, endpoint, deployments), chains,
 *              applications (priority, chains), gateway.hosts, entry
 */
import { readWatchdog } from "./watchdog";
import type { AccountOutput, StackOutputs } from "../../infra/outputs";
import { DrillPlanError, fail, readPolicy } from "./readPolicy";
import {
  BreakerRule,
  DrillAccount,
  DrillApplication,
  DrillBackend,
  DrillEntry,
  DrillTopology,
  GatewayRegion,
} from "./topology";
import { ResourceType, TYPES } from "../../catalog/types";

export { DrillPlanError };

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

/** Every step names a backend of the service, in the region of the account the backend points at. */
function checkSteps(
  steps: GatewayRegion["steps"],
  backends: Record<string, DrillBackend>,
  accounts: Record<string, AccountOutput>,
  field: string,
): void {
  for (const [chain, list] of Object.entries(steps))
    list.forEach((s, i) => {
      const at = `${field} chain ${chain} step ${i}`;
      const backend = backends[s.backend] ?? fail(at, `${s.backend} is no backend of the service`);
      const region = accounts[backend.account].region;
      if (region !== s.region) fail(at, `${s.backend} is in ${region}, the step says ${s.region}`);
    });
}

function gatewayRegions(plan: PlanLike): GatewayRegion[] {
  const accountOutputs: Record<string, AccountOutput> = outputsOf(plan).accounts ?? {};
  const accountByHost = new Map(Object.entries(accountOutputs).map(([k, a]) => [hostOf(a.endpoint), k]));
  const allBackends = ofType<BackendInputs>(plan, TYPES.backend);
  const policies = ofType<PolicyInputs>(plan, TYPES.apiPolicy);
  return ofType<ServiceInputs>(plan, TYPES.apimService).flatMap(svc => {
    const service = svc.inputs.serviceName;
    const mine = allBackends.filter(b => b.inputs.serviceName === service);
    const backends = Object.fromEntries(mine.map(b => [b.inputs.backendId, singleBackend(b, accountByHost)]));
    const policy = policies.find(p => p.inputs.serviceName === service) ?? fail(`ApiPolicy of ${service}`, "missing");
    const facts = readPolicy(policy.inputs.value, `${policy.name}.value`);
    checkSteps(facts.steps, backends, accountOutputs, `${policy.name}.value`);
    const regions = [svc.inputs.location, ...(svc.inputs.additionalLocations ?? []).map(l => l.location)];
    return regions.map(region => ({ region, service, backends, ...facts }));
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
  const watchdog = readWatchdog(plan);
  return { mode: "private", activeRegion, ttlS: Number(record.inputs.ttl), ...(watchdog ? { watchdog } : {}) };
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
  // The chains as the program computed them (outputs.chains); the gateway's policy must give each its steps.
  const chains = outputsOf(plan).chains ?? fail("outputs.chains", "missing");
  for (const g of gateways)
    for (const chain of Object.keys(chains)) {
      if (!g.steps[chain]?.length) fail(`ApiPolicy of ${g.service}`, `chain ${chain} has no steps`);
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

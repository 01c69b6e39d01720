/** The scenario set of a drill: the built-in outages derived from the topology, then the drill file's. */
import { watchdogScenarios } from "./watchdog";
import { UsageError } from "../cli/errors";
import { DrillConfig, DrillConfigError, SCENARIO_CLASSES, Scenario, ScenarioClass } from "./config";
import { DrillTopology, isProvisioned } from "./topology";

/** The scenarios every topology gets, named after what fails. */
export function builtinScenarios(t: DrillTopology): Scenario[] {
  const accounts = Object.values(t.accounts);
  const regions = [...new Set(accounts.map(a => a.region))];
  const ptuAccounts = accounts.filter(a => Object.values(a.deployments).some(d => isProvisioned(d.sku)));
  const standard = accounts.filter(a => a.role === "standard");
  const primary = standard[0];
  const scenarios: Scenario[] = [{ name: "baseline", faults: [] }];
  for (const region of regions) {
    scenarios.push({ name: `${region} down (5xx)`, faults: [{ kind: "down", region, as: "5xx" }] });
    scenarios.push({ name: `${region} unreachable`, faults: [{ kind: "down", region, as: "unreachable" }] });
    // A hung region: connections open, no response headers (no first token for a streamed call).
    scenarios.push({ name: `${region} hanging`, faults: [{ kind: "down", region, as: "timeout" }] });
  }
  for (const a of ptuAccounts)
    scenarios.push({ name: `${a.key} PTU saturated`, faults: [{ kind: "saturated", account: a.key, load: 1 }] });
  if (primary) {
    const model = Object.values(primary.deployments)[0]?.model;
    if (model) {
      scenarios.push({
        name: `${model} quota exhausted in ${primary.subscription}/${primary.region}`,
        faults: [{ kind: "quota-exhausted", subscription: primary.subscription, region: primary.region, model }],
      });
    }
    scenarios.push({
      name: `${primary.key} timing out`,
      faults: [{ kind: "down", account: primary.key, as: "timeout" }],
    });
    scenarios.push({
      name: `${primary.key} answering 408`,
      faults: [{ kind: "down", account: primary.key, as: "408" }],
    });
  }
  const activeGateway =
    t.entry.mode === "private"
      ? t.entry.activeRegion
      : [...t.entry.origins].sort((a, b) => a.priority - b.priority)[0]?.region;
  if (activeGateway)
    scenarios.push({
      name: `gateway ${activeGateway} down`,
      faults: [{ kind: "gateway-down", region: activeGateway }],
    });
  scenarios.push(...wholeRegions(t));
  if (t.entry.mode === "private" && t.entry.watchdog) scenarios.push(...watchdogScenarios(t, t.entry.watchdog));
  const enterprise = ptuAccounts.find(a => a.role === "enterprise-ptu") ?? ptuAccounts[0];
  if (primary && enterprise) {
    scenarios.push({
      name: `${primary.region} down + ${enterprise.key} saturated`,
      faults: [
        { kind: "down", region: primary.region, as: "5xx" },
        { kind: "saturated", account: enterprise.key, load: 1 },
      ],
    });
  }
  return scenarios;
}

/** A whole region lost, per gateway location: its accounts unreachable and its gateway location down with them. */
function wholeRegions(t: DrillTopology): Scenario[] {
  return [...new Set(t.gateways.map(g => g.region))].map(region => ({
    name: `${region} down with its gateway`,
    faults: [
      { kind: "down", region, as: "unreachable" },
      { kind: "gateway-down", region },
    ],
  }));
}

/** Refuses a drill-file scenario that names a region, account, subscription or model the plan does not have. */
export function checkScenario(t: DrillTopology, s: Scenario, at: string): void {
  const accounts = Object.values(t.accounts);
  const allowed = {
    region: new Set([
      ...accounts.map(a => a.region),
      ...t.gateways.map(g => g.region),
      ...(t.entry.mode === "private" && t.entry.watchdog ? [t.entry.watchdog.region] : []),
    ]),
    account: new Set(Object.keys(t.accounts)),
    subscription: new Set(accounts.map(a => a.subscription)),
    model: new Set(accounts.flatMap(a => Object.values(a.deployments).map(d => d.model))),
  };
  s.faults.forEach((f, i) => {
    for (const key of ["region", "account", "subscription", "model"] as const) {
      const value = (f as Record<string, unknown>)[key];
      if (value !== undefined && !allowed[key].has(value as string)) {
        throw new DrillConfigError(
          `${at}.faults.${i}.${key}: ${JSON.stringify(value)} is not in the plan; allowed: ${[...allowed[key]].join(", ")}`,
        );
      }
    }
    if ((f.kind === "down" || f.kind === "errors") && (f.region === undefined) === (f.account === undefined)) {
      throw new DrillConfigError(`${at}.faults.${i}: give exactly one of region or account`);
    }
  });
}

/** Refuses demand for an application the plan does not have, or a mix naming a deployment it does not call. */
export function checkDemand(t: DrillTopology, config: DrillConfig): void {
  const apps = new Map(t.applications.map(a => [a.name, a]));
  for (const [name, demand] of Object.entries(config.demand)) {
    const app = apps.get(name);
    if (!app)
      throw new DrillConfigError(
        `demand.${name}: not an application of the plan; allowed: ${[...apps.keys()].join(", ")}`,
      );
    const deployments = app.chains.map(c => t.chains[c].deployment);
    for (const d of Object.keys(demand.mix ?? {})) {
      if (!deployments.includes(d))
        throw new DrillConfigError(`demand.${name}.mix.${d}: ${name} calls ${deployments.join(", ")}`);
    }
  }
}

/**
 * The widest fault first: a scenario's class is that of the first of its faults' classes in this order. A gateway
 * location down comes first: what callers lose then is the entry's failover, whatever else fails with it.
 */
const WIDEST_FIRST: readonly Exclude<ScenarioClass, "baseline">[] = [
  "watchdog",
  "gateway",
  "region",
  "account",
  "ptu",
  "quota",
];

/** A scenario's class (SCENARIO_CLASSES): its own, else its widest fault's, `baseline` without faults. */
export function scenarioClass(s: Scenario): ScenarioClass {
  if (s.class) return s.class;
  const classes = new Set(
    s.faults.map(f => {
      if (f.kind === "down" || f.kind === "errors") return f.region !== undefined ? "region" : "account";
      // The watchdog's own region lost leaves the failover to an operator; a broken probe path is the gateway's.
      if (f.kind === "watchdog-down") return "watchdog";
      if (f.kind === "gateway-down" || f.kind === "probe-path-broken") return "gateway";
      return f.kind === "saturated" ? "ptu" : "quota";
    }),
  );
  return WIDEST_FIRST.find(c => classes.has(c)) ?? "baseline";
}

/** A scenario's chart file name, without `.svg`: its name in lower case, runs of other characters as one `-`. */
export const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-|-$/g, "");

/**
 * `--only`: the scenarios of the named classes and the named scenarios, in the set's order. A scenario is named
 * by its name or its chart's file name (compared as `slug`s; a name holding a comma is given as its file name).
 * A name that selects nothing is refused with the classes and scenarios the set has.
 */
export function selectScenarios(scenarios: readonly Scenario[], only: readonly string[]): Scenario[] {
  const classes = SCENARIO_CLASSES.filter(c => scenarios.some(s => scenarioClass(s) === c));
  const names = scenarios.map(s => slug(s.name));
  const known = new Set<string>([...classes, ...names]);
  const unknown = only.filter(o => !known.has(slug(o)));
  if (unknown.length > 0)
    throw new UsageError(
      `--only: ${unknown.map(u => `'${u}'`).join(", ")} names no scenario class or scenario of this drill; allowed: ` +
        `the classes ${classes.join(", ")}; the scenarios ${names.join(", ")}`,
    );
  const wanted = new Set(only.map(slug));
  return scenarios.filter(s => wanted.has(scenarioClass(s)) || wanted.has(slug(s.name)));
}

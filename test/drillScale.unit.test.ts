/**
 * The drill at any size and for any model, on the hand-made plan (drillFixture.ts): the whole-region scenario,
 * scenario classes and the `minServed` gate, the chart's latency and serving-account panels, a model the PTU
 * table lacks, and sampled arrivals whose cost does not grow with the demand. No program run, no timing.
 */
import { chartSpec } from "../stacks/drill/chart";
import { DrillConfig, Scenario, parseDrillConfig } from "../stacks/drill/config";
import { sampledRates, streamDemands } from "../stacks/drill/demand";
import { drill, runScenario, shortfalls } from "../stacks/drill/drill";
import { readPlan } from "../stacks/drill/readPlan";
import { ScenarioReport } from "../stacks/drill/record";
import { builtinScenarios, scenarioClass } from "../stacks/drill/scenarios";
import { assumptions } from "../stacks/drill/simulate";
import { DrillTopology } from "../stacks/drill/topology";
import { growApplications } from "../stacks/drill/bench";
import { fixturePlan } from "./drillFixture";

const SHORT = { window: { minutes: 6, faultFrom: 1, faultTo: 5, binSeconds: 10 }, operatorMinutes: 1 };
const config = (extra: Record<string, unknown> = {}): DrillConfig => parseDrillConfig({ ...SHORT, ...extra }, "test");
const fixture = () => readPlan(fixturePlan());
const app = (r: { applications: ScenarioReport["applications"] }, name: string) =>
  r.applications.find(a => a.name === name)!;

/** The fixture with a second gateway location in centralus, the same chain: private DNS can send callers there. */
function twoGateways(): DrillTopology {
  const t = fixture();
  return { ...t, gateways: [...t.gateways, { ...t.gateways[0], region: "centralus" }] };
}

/** Every capacity, token limit and demand times `k`: the same regime, `k` times the calls. */
function scaled(t: DrillTopology, k: number): DrillTopology {
  const accounts = Object.fromEntries(
    Object.entries(t.accounts).map(([key, a]) => [
      key,
      {
        ...a,
        deployments: Object.fromEntries(
          Object.entries(a.deployments).map(([n, d]) => [n, { ...d, capacity: d.capacity * k }]),
        ),
      },
    ]),
  );
  return {
    ...t,
    accounts,
    applications: t.applications.map(a => ({ ...a, tokensPerMinute: a.tokensPerMinute * k })),
    gateways: t.gateways.map(g => ({
      ...g,
      tokenLimits: Object.fromEntries(Object.entries(g.tokenLimits).map(([n, v]) => [n, v * k])),
      shed: Object.fromEntries(
        Object.entries(g.shed).map(([c, r]) => [
          c,
          { ...r, budgets: Object.fromEntries(Object.entries(r.budgets).map(([p, b]) => [p, b * k])) },
        ]),
      ),
    })),
  };
}

describe("a whole region down with its gateway", () => {
  const name = "eastus2 down with its gateway";

  test("is a built-in scenario per gateway location: its accounts unreachable and its gateway down, class gateway", () => {
    const s = builtinScenarios(twoGateways()).filter(x => x.name.endsWith("down with its gateway"));
    expect(s.map(x => x.name)).toEqual([name, "centralus down with its gateway"]);
    expect(s[0].faults).toEqual([
      { kind: "down", region: "eastus2", as: "unreachable" },
      { kind: "gateway-down", region: "eastus2" },
    ]);
    expect(scenarioClass(s[0])).toBe("gateway");
  });

  test("private entry: nothing is served until the operator's flip and the TTL, then the other region's accounts serve", () => {
    const t = twoGateways();
    const r = runScenario(
      t,
      builtinScenarios(t).find(x => x.name === name)!,
      config(),
    );
    const ttlS = t.entry.mode === "private" ? t.entry.ttlS : NaN;
    // Fault 4 min; the record follows after operatorMinutes (1) + TTL (10 s): 170 s of 240 s can be served.
    const expected = (240 - 60 - ttlS) / 240;
    for (const a of r.applications) {
      expect(a.served).toBeGreaterThan(expected - 0.03);
      expect(a.served).toBeLessThan(expected + 0.03);
      expect(Object.keys(a.servedBy)).toEqual(["standard-secondary@centralus"]);
      expect(Object.keys(a.failures)).toEqual(["entry: gateway eastus2 down"]);
      expect(a.settleS).toBe(60 + ttlS);
    }
  });

  test("with one gateway location nothing is served during the fault", () => {
    const t = fixture();
    const r = runScenario(
      t,
      builtinScenarios(t).find(x => x.name === name)!,
      config(),
    );
    for (const a of r.applications) expect(a.served).toBe(0);
  });
});

describe("scenario classes and the minServed gate", () => {
  const faults = (...f: Scenario["faults"]): Scenario => ({ name: "x", faults: f });

  test("a scenario's class is its widest fault's, or its own", () => {
    expect(scenarioClass(faults())).toBe("baseline");
    expect(scenarioClass(faults({ kind: "saturated", account: "a", load: 1 }))).toBe("ptu");
    expect(scenarioClass(faults({ kind: "down", account: "a", as: "timeout" }))).toBe("account");
    expect(
      scenarioClass(faults({ kind: "gateway-down", region: "r" }, { kind: "down", account: "a", as: "5xx" })),
    ).toBe("gateway");
    expect(scenarioClass(faults({ kind: "errors", region: "r", rate: 0.3, status: 503 }))).toBe("region");
    expect(
      scenarioClass(faults({ kind: "down", region: "r", as: "unreachable" }, { kind: "gateway-down", region: "r" })),
    ).toBe("gateway");
    expect(scenarioClass({ ...faults({ kind: "gateway-down", region: "r" }), class: "account" })).toBe("account");
  });

  test("an application below its class's threshold is a shortfall; above it, or without a threshold, none", () => {
    const t = twoGateways();
    const set = builtinScenarios(t).filter(s => s.name === "baseline" || s.name === "gateway eastus2 down");
    const { runs } = drill(t, config(), set);
    const gatewayDown = runs[1];
    expect(gatewayDown.class).toBe("gateway");
    expect(app(gatewayDown, "claims").served).toBeGreaterThan(0.5);
    expect(app(gatewayDown, "claims").served).toBeLessThan(0.9);
    expect(shortfalls(runs, undefined)).toEqual([]);
    expect(shortfalls(runs, { baseline: 99 })).toEqual([]);
    expect(shortfalls(runs, { gateway: 10, all: 99 })).toEqual([]);
    expect(shortfalls(runs, 99).map(s => [s.scenario, s.class, s.application, s.minServed])).toEqual([
      ["gateway eastus2 down", "gateway", "claims", 99],
      ["gateway eastus2 down", "gateway", "chat", 99],
    ]);
    expect(shortfalls(runs, { all: 0, gateway: 95 })).toHaveLength(2);
  });

  test("the drill file takes minServed as one figure or per class, and refuses an unknown class or a share above 100", () => {
    expect(config({ minServed: 99 }).minServed).toBe(99);
    expect(config({ minServed: { gateway: 95, all: 99 } }).minServed).toEqual({ gateway: 95, all: 99 });
    expect(() => config({ minServed: { gatway: 95 } })).toThrow(/minServed/);
    expect(() => config({ minServed: 101 })).toThrow(/minServed/);
  });
});

describe("the chart", () => {
  const hung: Scenario = {
    name: "standard-primary timing out",
    faults: [{ kind: "down", account: "standard-primary", as: "timeout" }],
  };
  type Spec = { vconcat: object[]; datasets: Record<string, object[]> };
  const layers = (panel: object) => (panel as { layer: { data: { name: string }; mark: { type: string } }[] }).layer;

  test("a slow failover that serves everything shows in the latency panel, and the accounts panel shows who served", () => {
    // The chat caller (priority 2) is shed past its PTU budget to the standard steps, one of which hangs.
    const r = runScenario(fixture(), hung, config({ request: { streamingShare: 0 } }));
    expect(app(r, "chat").served).toBe(1);
    const spec = chartSpec(r) as unknown as Spec;
    expect(spec.vconcat).toHaveLength(3);
    const [served, latency, accounts] = spec.vconcat.map(p => spec.datasets[layers(p).at(-1)!.data.name]);
    expect(served.every(p => (p as { served: number }).served === 1)).toBe(true);
    const chat = latency.filter(p => (p as { application: string }).application === "chat") as { p95AddedS: number }[];
    expect(Math.max(...chat.map(p => p.p95AddedS))).toBeGreaterThanOrEqual(60);
    const names = new Set(accounts.map(p => (p as { account: string }).account));
    expect(names).toEqual(
      new Set(["enterprise-ptu@eastus2", "standard-primary@eastus2", "standard-secondary@centralus"]),
    );
  });

  test("adjacent faults are bands of their own, edged by rules, named in order", () => {
    const r = runScenario(
      fixture(),
      {
        name: "burst then down",
        faults: [
          { kind: "errors", region: "centralus", rate: 0.3, status: 503, from: 1, to: 3 },
          { kind: "down", region: "eastus2", as: "5xx", from: 3, to: 5 },
        ],
      },
      config(),
    );
    const spec = chartSpec(r) as unknown as Spec;
    const first = layers(spec.vconcat[0]);
    const band = first.find(l => l.mark.type === "rect")!;
    expect(spec.datasets[band.data.name]).toEqual([
      expect.objectContaining({ from: 1, to: 3, fault: "1. centralus 30 % 503" }),
      expect.objectContaining({ from: 3, to: 5, fault: "2. eastus2 down (5xx)" }),
    ]);
    expect(first.filter(l => l.mark.type === "rule")).toHaveLength(2);
    expect(first.some(l => l.mark.type === "text")).toBe(true);
  });
});

describe("any model", () => {
  test.each(["o4-mini", "o3", "text-embedding-3-large", "gpt-6-nano"])(
    "%s, not in the PTU table, is drilled with its size class's figures and named in the assumptions",
    model => {
      const t = fixture();
      for (const a of Object.values(t.accounts)) for (const d of Object.values(a.deployments)) d.model = model;
      const r = runScenario(t, { name: "baseline", faults: [] }, config());
      for (const a of r.applications) expect(a.served).toBe(1);
      const from = model.endsWith("-nano") ? "gpt-4.1-nano" : model.endsWith("-mini") ? "gpt-4.1-mini" : "gpt-4.1";
      expect(assumptions(t)).toContain(
        `throughput: ${model} is not in the PTU table (behaviour.ts): drilled with ${from}'s figures, its size class`,
      );
    },
  );
});

describe("sampled arrivals: the cost follows the budget, not the demand", () => {
  test("water-filling: under the budget every rate is kept; over it the busiest are capped to one rate", () => {
    expect(sampledRates([1, 2, 3], 10)).toEqual([1, 2, 3]);
    expect(sampledRates([1, 10, 100], 21)).toEqual([1, 10, 10]);
    expect(sampledRates([4, 4], 4)).toEqual([2, 2]);
  });

  test("100 times the demand: as many sampled arrivals, each standing for 100 times as many calls", () => {
    const cfg = config();
    const base = streamDemands(scaled(fixture(), 1), cfg);
    const big = streamDemands(scaled(fixture(), 100), cfg);
    const rate = (s: typeof base) => s.reduce((n, x) => n + 1 / x.intervalS, 0);
    expect(base.every(s => s.weight === 1)).toBe(true);
    expect(rate(big)).toBeCloseTo(cfg.sampling.arrivalsPerSecond, 6);
    const calls = (s: typeof base) => s.reduce((n, x) => n + x.weight / x.intervalS, 0);
    expect(calls(big) / calls(base)).toBeCloseTo(100, 6);
  });

  test("the results stay within the sampling noise, for a bounded number of events", () => {
    const hung: Scenario = { name: "PTU hangs", faults: [{ kind: "down", account: "enterprise-ptu", as: "timeout" }] };
    const base = runScenario(scaled(fixture(), 1), hung, config());
    const big = runScenario(scaled(fixture(), 100), hung, config());
    expect(big.events).toBeLessThan(base.events * 10);
    for (const name of ["claims", "chat"]) {
      expect(app(big, name).requests / app(base, name).requests).toBeGreaterThan(95);
      expect(Math.abs(app(big, name).served - app(base, name).served)).toBeLessThan(0.02);
      expect(app(big, name).addedLatencyP95NonStreamedS).toBeCloseTo(app(base, name).addedLatencyP95NonStreamedS, -1);
    }
  });

  test("200 applications: one stream each per chain, and the sampled arrivals within the budget", () => {
    const t = growApplications(fixture(), 200);
    expect(t.applications).toHaveLength(200);
    expect(Object.keys(t.gateways[0].tokenLimits)).toHaveLength(200);
    const cfg = config();
    const streams = streamDemands(t, cfg);
    expect(streams).toHaveLength(200);
    expect(streams.reduce((n, s) => n + 1 / s.intervalS, 0)).toBeLessThanOrEqual(cfg.sampling.arrivalsPerSecond + 1e-9);
  });
});

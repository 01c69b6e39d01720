/**
 * The failover drill: it reads the generated topology (not a second description), models the documented
 * behaviour, and reports the loss when a chain is broken. One program run per stack, and one drill of its whole
 * scenario set with the suite's config; a 4-minute window.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parsePolicyDocument } from "../policies/lib/policyXml";
import { ProgramRun } from "../stacks/engine/runner";
import * as vega from "vega";
import { compile } from "vega-lite";
import { chartSpec, renderChart } from "../stacks/drill/chart";
import { cli } from "../stacks/drill/cli";
import { DrillConfig, DrillConfigError, Scenario, loadDrillConfig, parseDrillConfig } from "../stacks/drill/config";
import { drill, runScenario, scenarioSet } from "../stacks/drill/drill";
import { DrillPlanError, PlanLike, readPlan } from "../stacks/drill/readPlan";
import { AppReport, ScenarioReport } from "../stacks/drill/record";
import { DrillReport, renderTable } from "../stacks/drill/report";
import { slug } from "../stacks/drill/scenarios";
import { DrillTopology, isProvisioned } from "../stacks/drill/topology";
import { WRITE_S, watchdogGoals } from "../stacks/drill/watchdog";
import { MANIFEST } from "../stacks/cli/outDir";
import { runStack } from "./support";
import { TYPES } from "../catalog/types";
import type { Loose } from "./loose";

const SHORT = { window: { minutes: 4, faultFrom: 1, faultTo: 3, binSeconds: 10 }, operatorMinutes: 1 };
const config = (extra: Record<string, unknown> = {}): DrillConfig => parseDrillConfig({ ...SHORT, ...extra }, "test");
const app = (s: ScenarioReport, name: string) => s.applications.find(a => a.name === name)!;
/** A plan whose resource inputs a test edits freely (the drill reads them as typed JSON). */
type EditablePlan = Omit<PlanLike, "resources"> & {
  resources: { type: string; name: string; inputs: Loose }[];
};
const edited = (run: ProgramRun, edit: (plan: EditablePlan) => void): DrillTopology => {
  const copy = structuredClone(run) as EditablePlan;
  edit(copy);
  return readPlan(copy);
};
/** One program run per stack for the whole suite. */
const runs = new Map<string, Promise<ProgramRun>>();
const planned = (stack: string) => runs.get(stack) ?? runs.set(stack, runStack(stack)).get(stack)!;
/** One drill per stack of its whole scenario set with `config()`, for the whole suite. */
const drills = new Map<string, Promise<ReturnType<typeof drill> & { topo: DrillTopology }>>();
const drilled = (stack: string) =>
  drills.get(stack) ??
  drills
    .set(
      stack,
      planned(stack).then(run => {
        const topo = readPlan(run);
        return { topo, ...drill(topo, config()) };
      }),
    )
    .get(stack)!;

/** Backends of a chain's pool that no fault of the scenario touches (their account keeps its capacity). */
function untouched(t: DrillTopology, s: Scenario, chain: string): string[] {
  const g = t.gateways[0];
  return g.steps[chain]
    .map(step => t.accounts[g.backends[step.backend].account])
    .filter(a =>
      s.faults.every(
        f =>
          f.kind === "gateway-down" ||
          (f.kind === "quota-exhausted" &&
            (f.subscription !== a.subscription ||
              f.region !== a.region ||
              isProvisioned(a.deployments[t.chains[chain].deployment].sku))) ||
          ("account" in f && f.account !== undefined ? f.account !== a.key : "region" in f && f.region !== a.region),
      ),
    )
    .map(a => a.key);
}

/** A fault the gateway only sees as a missing response (connection failure, timeout). */
const transport = (s: Scenario) => s.faults.some(f => f.kind === "down" && f.as !== "5xx");
const handlesTransport = (t: DrillTopology) => t.gateways.every(g => g.silent.reasons.length === 2);

describe.each(["dev", "prod"])("drill on %s", stack => {
  let run: ProgramRun;
  let topo: DrillTopology;
  let reports: ScenarioReport[];
  let report: DrillReport;
  beforeAll(async () => {
    run = await planned(stack);
    ({ topo, runs: reports, report } = await drilled(stack));
  });

  test("reads the steps, waits and token limits from the plan itself", () => {
    const chains = run.outputs.chains as Record<string, { tiers: { account: string }[] }>;
    for (const g of topo.gateways) {
      for (const [name, chain] of Object.entries(chains))
        expect(g.steps[name].map(s => g.backends[s.backend].account).sort()).toEqual(
          chain.tiers.map(t => t.account).sort(),
        );
      expect(g.waits.deadlineS).toBeGreaterThan(0);
      expect(g.silent.suspectS).toBeGreaterThan(0);
    }
    const apps = run.outputs.applications as Record<string, { priority: number }>;
    expect(topo.applications.map(a => [a.name, a.criticality])).toEqual(
      Object.entries(apps).map(([n, a]) => [n, a.priority]),
    );
    expect(topo.applications.every(a => topo.gateways[0].tokenLimits[a.name] === a.tokensPerMinute)).toBe(true);
  });

  test("every request is served while any backend of its chain has capacity", () => {
    const scenarios = scenarioSet(topo, config());
    let checked = 0;
    for (const [i, s] of scenarios.entries()) {
      if (s.faults.some(f => f.kind === "gateway-down") || (transport(s) && !handlesTransport(topo))) continue;
      for (const a of topo.applications) {
        expect(a.chains.every(c => untouched(topo, s, c).length > 0)).toBe(true);
        expect([s.name, a.name, app(reports[i], a.name).served]).toEqual([s.name, a.name, 1]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(topo.applications.length * 4);
  });

  test("a region that stops answering is failed over: streamed callers wait at most the first-byte bound per hung step", () => {
    // Its gateway location up: the whole-region scenarios (the gateway down with it) have a test of their own.
    const down = reports.filter(
      r => r.faults.some(f => f.kind === "down" && f.as !== "5xx") && r.faults.every(f => f.kind !== "gateway-down"),
    );
    expect(down.length).toBeGreaterThan(0);
    expect(handlesTransport(topo)).toBe(true);
    const { firstByteS } = topo.gateways[0].waits;
    const retries = config().request.clientRetries;
    for (const r of down)
      for (const a of r.applications) {
        expect([r.name, a.name, a.served]).toEqual([r.name, a.name, 1]);
        expect(a.addedLatencyP95StreamedS).toBeLessThanOrEqual(retries * (firstByteS + 1) + 1);
      }
  });

  test("an active gateway outage costs what the entry's failover takes, then settles", () => {
    const r = reports.find(x => x.faults.some(f => f.kind === "gateway-down"))!;
    const e = topo.entry;
    // Private mode: the watchdog's detection (a phase of one interval, then threshold - 1 more), its write and the TTL.
    const w = e.mode === "private" ? e.watchdog : undefined;
    const bound =
      e.mode === "public"
        ? e.probeIntervalS * (e.sampleSize - e.successfulSamplesRequired + 1)
        : w
          ? w.intervalS * w.threshold + WRITE_S + e.ttlS
          : SHORT.operatorMinutes * 60 + e.ttlS;
    const floor =
      e.mode === "public"
        ? e.probeIntervalS * (e.sampleSize - e.successfulSamplesRequired)
        : w
          ? w.intervalS * (w.threshold - 1) + WRITE_S + e.ttlS
          : bound;
    for (const a of r.applications) {
      expect(a.served).toBeLessThan(1);
      expect(a.settleS).toBeGreaterThanOrEqual(floor - 10);
      expect(a.settleS).toBeLessThanOrEqual(bound + 10);
      expect(Object.keys(a.failures)).toEqual([
        `entry: gateway ${r.faults[0].kind === "gateway-down" ? r.faults[0].region : ""} down`,
      ]);
    }
  });

  test("a whole region down with its gateway costs the entry's failover, then the other regions' accounts serve", () => {
    const r = reports.find(x => x.name.endsWith(" down with its gateway"))!;
    const region = r.faults[0].kind === "down" ? r.faults[0].region : undefined;
    expect(r.faults).toEqual([
      { kind: "down", region, as: "unreachable" },
      { kind: "gateway-down", region },
    ]);
    expect(r.class).toBe("gateway");
    const e = topo.entry;
    const lost =
      e.mode === "public"
        ? e.probeIntervalS * (e.sampleSize - e.successfulSamplesRequired + 1)
        : SHORT.operatorMinutes * 60 + e.ttlS;
    const faultS = (SHORT.window.faultTo - SHORT.window.faultFrom) * 60;
    for (const a of r.applications) {
      expect(a.served).toBeLessThan(1);
      expect(a.served).toBeGreaterThanOrEqual(1 - lost / faultS - 0.05);
      expect(Object.keys(a.servedBy).every(k => !k.endsWith(`@${region}`))).toBe(true);
    }
  });

  test("is deterministic for a seed", () => {
    const s = scenarioSet(topo, config())[1];
    const strip = ({ series, ...r }: ScenarioReport) => ({ ...r, wallMs: 0, series: series() });
    // Run again, against the suite's drill of the same plan, config and seed.
    expect(strip(runScenario(topo, s, config()))).toEqual(strip(reports[1]));
  });

  test("the report: a table row and a JSON entry per scenario and application, a chart per scenario", async () => {
    const runs = reports;
    // As `--json` writes it (drillCli.test.ts reads the file itself): plain JSON data.
    const json = JSON.parse(JSON.stringify(report));
    expect(json.scenarios.map((s: { name: string }) => s.name)).toEqual(runs.map(r => r.name));
    for (const s of json.scenarios) {
      for (const a of s.applications as AppReport[]) {
        expect(a.served).toBeGreaterThanOrEqual(0);
        expect(a.served).toBeLessThanOrEqual(1);
      }
    }
    const table = renderTable(runs).split("\n");
    expect(table).toHaveLength(1 + runs.length * topo.applications.length);
    const svg = await renderChart(runs[1]);
    // Read with the repository's one XML reader (the pack's).
    const doc = parsePolicyDocument(svg);
    expect("root" in doc && doc.root.name).toBe("svg");
    expect(svg).toContain(runs[1].name);
    for (const a of topo.applications) expect(svg).toContain(a.name);
  });
});

describe("the charts", () => {
  test("a chart is the SVG of its whole Vega-Lite document, with fault bands and without", async () => {
    const { runs } = await drilled("dev");
    // The second and third share a layout (one compile and parse): each gets its own data and title.
    const [baseline, faulted, another] = runs;
    expect([baseline, faulted, another].map(r => r.spans.length)).toEqual([0, 1, 1]);
    for (const r of [baseline, faulted, another]) {
      const whole = new vega.View(vega.parse(compile(chartSpec(r)).spec), { renderer: "none" });
      expect(await renderChart(r)).toBe(await whole.toSVG());
      whole.finalize();
    }
  });
});

describe("the drill sees what the generator and a hand-edited plan say", () => {
  let dev: ProgramRun;
  let prod: ProgramRun;
  beforeAll(async () => {
    dev = await planned("dev");
    prod = await planned("prod");
  });

  test("a routing change in the stack reaches the drill: active-active splits the standard traffic", async () => {
    const passive = runScenario(readPlan(dev), { name: "baseline", faults: [] }, config());
    const active = readPlan(
      await runStack("dev", {
        edit: v => {
          v.standard.routing = "active-active";
        },
      }),
    );
    const both = runScenario(active, { name: "baseline", faults: [] }, config());
    expect(Object.keys(app(passive, "playground").servedBy)).toEqual(["standard-primary@eastus2"]);
    expect(Object.keys(app(both, "playground").servedBy).sort()).toEqual([
      "standard-primary@eastus2",
      "standard-secondary@centralus",
    ]);
  });

  test("PTU budget per priority class: under budget a priority-2/3 caller stays on the PTU; at twice its budget it keeps about its budget there", () => {
    const t = readPlan(prod);
    const g = t.gateways[0];
    const caller = t.applications.find(a => a.criticality > 1 && a.chains.some(c => g.shed[c]))!;
    const chain = caller.chains.find(c => g.shed[c])!;
    expect(Object.keys(g.shed[chain].budgets)).toEqual(["2", "3"]);
    // A budget well inside the PTU's capacity, so the budget and not the PTU's own 429s decides.
    const budget = g.shed[chain].budgets[caller.criticality] / 4;
    for (const x of t.gateways) x.shed[chain].budgets[caller.criticality] = budget;
    // The decision reads the counter of the PTU the chain starts at; every PTU it reaches counts what it answered.
    expect(g.shed[chain].decidedBy).toBe(g.steps[chain][0].backend);
    expect(g.shed[chain].countedOn).toContain(g.shed[chain].decidedBy);
    const deployment = t.chains[chain].deployment;
    const ptu = g.steps[chain]
      .map(step => g.backends[step.backend].account)
      .filter(a => isProvisioned(t.accounts[a].deployments[deployment].sku));
    // The class's budget is shared by every caller of the class; one caller over it needs a token limit above it.
    for (const x of t.gateways) x.tokenLimits[caller.name] = 4 * budget;
    const onPtu = (share: number, topo = t) => {
      const demand = { [caller.name]: { tokensPerMinute: share * budget, mix: { [deployment]: 1 } } };
      const r = app(runScenario(topo, { name: "baseline", faults: [] }, config({ demand })), caller.name);
      expect(r.served).toBe(1);
      return ptu.reduce((s, a) => s + (r.servedBy[`${a}@${t.accounts[a].region}`] ?? 0), 0);
    };
    // Reference: the same plan without shed routes (the PTU's own 429s still send some traffic on).
    const unshed = structuredClone(t);
    for (const x of unshed.gateways) x.shed = {};
    const [under, twice, thrice] = [onPtu(0.8), onPtu(2), onPtu(3)];
    expect(under).toBeCloseTo(onPtu(0.8, unshed), 1);
    // Only requests the PTU answered count: at twice its budget the class keeps about half its requests on the PTU,
    // at three times about a third (its budget). Counting shed requests too would leave it none.
    expect(twice).toBeGreaterThan(0.45);
    expect(twice).toBeLessThan(0.6);
    expect(thrice).toBeGreaterThan(0.3);
    expect(thrice).toBeLessThan(0.42);
    expect(onPtu(2, unshed)).toBeGreaterThan(twice + 0.15);
  });

  test("breakers that count Timeout and BackendConnectionFailure send later requests past the dead tier", () => {
    const s: Scenario = {
      name: "standard-primary unreachable",
      faults: [{ kind: "down", account: "standard-primary", as: "unreachable" }],
    };
    const t = readPlan(dev);
    expect(Object.values(t.gateways[0].backends).every(b => b.rules.some(r => r.errorReasons.length > 0))).toBe(true);
    // Neither the breakers nor the policy's suspect mark (which alone would also skip the dead tier) see the failure.
    const deaf = edited(dev, plan => {
      for (const b of plan.resources.filter(x => x.inputs.circuitBreaker))
        delete b.inputs.circuitBreaker.rules[0].failureCondition.errorReasons;
      for (const p of plan.resources.filter(x => x.type === TYPES.apiPolicy))
        p.inputs.value = String(p.inputs.value).replace(/<cache-store-value[^>]*\/>/g, "");
    });
    const [tripping, notTripping] = [runScenario(t, s, config()), runScenario(deaf, s, config())].map(r =>
      app(r, "playground"),
    );
    expect(tripping.served).toBe(1);
    // Without errorReasons (and without the suspect mark) every try lands on the dead tier: on-error answers 503 and
    // the caller's two retries (the OpenAI SDKs' default) land there too; with them the open breaker skips it.
    expect(notTripping.attemptsPerRequest).toBe(3);
    expect(tripping.attemptsPerRequest).toBeLessThan(1.6);
  });

  test("an unreadable plan names the field", () => {
    const bad = structuredClone(prod) as EditablePlan;
    const policy = bad.resources.find(r => r.type === TYPES.apiPolicy)!;
    policy.inputs.value = String(policy.inputs.value).replace(/(name="steps" value=")(?!@)[^,]*/, "$1nowhere");
    expect(() => readPlan(bad)).toThrow(DrillPlanError);
    expect(() => readPlan(bad)).toThrow(/step 0: nowhere is no backend of the service/);
  });
});

describe("the drill file", () => {
  test("the example parses, and its scenarios run on the prod plan", async () => {
    const file = path.resolve(__dirname, "../drill.prod.yaml");
    const c = loadDrillConfig(file);
    expect(c.scenarios.length).toBeGreaterThan(0);
    const topo = readPlan(await planned("prod"));
    const names = scenarioSet(topo, { ...c, window: SHORT.window }).map(s => s.name);
    for (const s of c.scenarios) expect(names).toContain(s.name);
  });

  test("bad input names the key and what is allowed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));
    const write = (text: string) => {
      fs.writeFileSync(path.join(dir, "d.yaml"), text);
      return path.join(dir, "d.yaml");
    };
    try {
      expect(() =>
        loadDrillConfig(write("scenarios:\n  - name: x\n    faults:\n      - { kind: melt, region: eastus2 }\n")),
      ).toThrow(/d\.yaml: scenarios\.0\.faults\.0\.kind: /);
      expect(() => loadDrillConfig(write("window: { minutes: 10, faultFrom: 8, faultTo: 4 }\n"))).toThrow(
        /window: need faultFrom < faultTo/,
      );
      expect(() => loadDrillConfig(write("demand:\n  app: { tokensPerMinute: -1 }\n"))).toThrow(
        /demand\.app\.tokensPerMinute/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a scenario or a demand naming what the plan does not have is refused with the allowed values", async () => {
    const topo = readPlan(await planned("dev"));
    const c = config({ scenarios: [{ name: "x", faults: [{ kind: "down", region: "mars" }] }] });
    expect(() => scenarioSet(topo, c)).toThrow(DrillConfigError);
    expect(() => scenarioSet(topo, c)).toThrow(
      /scenarios\.0\.faults\.0\.region: "mars" is not in the plan; allowed: eastus2, centralus/,
    );
    expect(() => scenarioSet(topo, config({ demand: { playgrond: {} } }))).toThrow(
      /demand\.playgrond: not an application of the plan; allowed: playground/,
    );
    expect(() => scenarioSet(topo, config({ demand: { playground: { mix: { "gpt-5": 1 } } } }))).toThrow(
      /demand\.playground\.mix\.gpt-5: playground calls gpt-5\.4-mini, gpt-5\.1/,
    );
  });
});

describe("npm run drill -- --plan", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-cli-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("drills a saved plan: the table, a chart per scenario beside the plan, the JSON report", async () => {
    const planFile = path.join(dir, "plan.json");
    fs.writeFileSync(planFile, JSON.stringify(await planned("dev")));
    fs.writeFileSync(path.join(dir, "drill.yaml"), `window: { minutes: 4, faultFrom: 1, faultTo: 3 }\n`);
    const printed: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((line: string) => {
      printed.push(line);
    });
    try {
      expect(
        await cli([
          "--plan",
          planFile,
          "--drill",
          path.join(dir, "drill.yaml"),
          "--json",
          path.join(dir, "report.json"),
          // A scenario by name and by its chart's file name (drillCli.test.ts drills a whole set).
          "--only",
          "baseline,eastus2-down-5xx",
        ]),
      ).toBe(0);
    } finally {
      log.mockRestore();
    }
    const json = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
    expect(json.scenarios[0]).toMatchObject({ name: "baseline", applications: [{ name: "playground", served: 1 }] });
    expect(json.scenarios.map((s: { name: string }) => s.name)).toEqual(["baseline", "eastus2 down (5xx)"]);
    expect(
      fs
        .readdirSync(path.join(dir, "drill"))
        .filter(f => f !== MANIFEST)
        .sort(),
    ).toEqual(json.scenarios.map((s: { name: string }) => `${slug(s.name)}.svg`).sort());
    expect(printed.join("\n")).toMatch(/^eastus2 down \(5xx\) +playground +100\.0%/m);
  });
});

describe("the failover watchdog in the drill", () => {
  test("prod: its scenarios by name, the goals met, the manual path when its region is down", async () => {
    const { topo, runs: reports } = await drilled("prod");
    const names = reports.map(r => r.name);
    for (const name of [
      "gateway eastus2 down",
      "eastus2 down with its gateway",
      "probe path to eastus2 broken",
      "watchdog region down",
    ])
      expect(names).toContain(name);
    const goals = watchdogGoals(topo, reports);
    expect(goals).toHaveLength(3);
    for (const line of goals) expect(line).toMatch(/^ {2}met {4}/);
    const manual = reports.find(r => r.name === "watchdog region down")!;
    for (const a of manual.applications) expect(a.settleS).toBeGreaterThanOrEqual(SHORT.operatorMinutes * 60);
  });
});

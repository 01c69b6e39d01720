/**
 * The drill's model of the step-chain gateway, on a hand-made plan (drillFixture.ts): a hung step costs a
 * streamed caller the first-byte bound plus its retry, a non-streamed one the step's bound; suspect marks
 * send later callers past it; 408 moves on; the chain deadline caps every wait. No program run.
 */
import { DrillConfig, Scenario, parseDrillConfig } from "../stacks/drill/config";
import { drill, runScenario } from "../stacks/drill/drill";
import { DrillPlanError, readPlan } from "../stacks/drill/readPlan";
import { AppReport, ScenarioReport } from "../stacks/drill/record";
import { renderTable } from "../stacks/drill/report";
import { assumptions } from "../stacks/drill/simulate";
import { FIXTURE_CHAIN, FixtureOptions, backendOf, fixturePlan } from "./drillFixture";

const SHORT = { window: { minutes: 6, faultFrom: 1, faultTo: 5, binSeconds: 10 } };
const config = (extra: Record<string, unknown> = {}): DrillConfig => parseDrillConfig({ ...SHORT, ...extra }, "test");
const run = (s: Scenario, options: FixtureOptions = {}, extra: Record<string, unknown> = {}) =>
  runScenario(readPlan(fixturePlan(options)), s, config(extra));
const claims = (r: { applications: AppReport[] }) => r.applications.find(a => a.name === "claims")!;
/** The first step (the enterprise PTU) accepts connections and never sends response headers. */
const ptuHangs: Scenario = { name: "PTU hangs", faults: [{ kind: "down", account: "enterprise-ptu", as: "timeout" }] };
/** Standard steps only: the claims caller is priority 1, so it starts at the PTU. */
const RTT = 0.04;

describe("reads the step chain from the policy", () => {
  test("steps, waits, suspect mark, Retry-After, retry statuses and breakers come from the plan", () => {
    const g = readPlan(fixturePlan({ chainTimeoutSeconds: 150, streamFirstByteSeconds: 8, suspectSeconds: 45 }))
      .gateways[0];
    expect(g.steps[FIXTURE_CHAIN].map(s => [s.backend, s.region, s.timeoutS, s.provisioned, s.weight])).toEqual([
      [backendOf("enterprise-ptu"), "eastus2", 60, true, undefined],
      [backendOf("standard-primary"), "eastus2", 60, false, 600],
      [backendOf("standard-secondary"), "centralus", 120, false, 400],
    ]);
    expect(g.waits).toEqual({ deadlineS: 150, firstByteS: 8 });
    expect(g.silent).toEqual({ reasons: ["Timeout", "BackendConnectionFailure"], suspectS: 45, retryAfterS: 1 });
    expect(g.retry.statusRanges).toEqual([
      { min: 408, max: 408 },
      { min: 429, max: 429 },
      { min: 500, max: 599 },
    ]);
    expect(g.retry.stopsAtDeadline).toBe(true);
    expect(g.shed[FIXTURE_CHAIN]).toEqual({
      budgets: { 2: 20000, 3: 10000 },
      decidedBy: backendOf("enterprise-ptu"),
      countedOn: [backendOf("enterprise-ptu")],
    });
    expect(g.backends[backendOf("standard-primary")].rules[0]).toMatchObject({ count: 1, intervalS: 10, tripS: 10 });
  });

  test("an unreadable step, a step on an undeclared backend or a policy without waits is refused, naming the field", () => {
    const bad = (edit: (xml: string) => string) => () => readPlan(fixturePlan({ policy: edit }));
    expect(bad(x => x.replace(",60,P;", ",60,Q;"))).toThrow(/chain shared-gpt-5\.1 step 0: expected backendId,region/);
    expect(bad(x => x.replace("enterprise-ptu--gpt-5.1,eastus2", "nowhere,eastus2"))).toThrow(
      /step 0: nowhere is no backend of the service/,
    );
    expect(bad(x => x.replace("standard-secondary--gpt-5.1,centralus", "standard-secondary--gpt-5.1,westus"))).toThrow(
      /step 2: standard-secondary--gpt-5.1 is in centralus, the step says westus/,
    );
    expect(bad(x => x.replace(/180 - \(int\)context\.Elapsed\.TotalSeconds\)\)\)/, "60)))"))).toThrow(
      /forward-request timeout: no chain deadline/,
    );
    expect(bad(x => x.replace(/<set-variable name="steps"[^>]*>/, ""))).toThrow(DrillPlanError);
  });
});

describe("a hung first step", () => {
  const r = claims(run(ptuHangs));

  test("costs a streamed caller the first-byte bound plus one client retry at p95, a non-streamed one the step's bound", () => {
    expect(r.served).toBe(1);
    // 10 s first-byte bound, 503 + Retry-After: 1, the retry goes straight to a standard step.
    expect(r.addedLatencyP95StreamedS).toBeGreaterThanOrEqual(10);
    expect(r.addedLatencyP95StreamedS).toBeLessThanOrEqual(10 + 1 + RTT + 0.01);
    expect(r.addedLatencyP95NonStreamedS).toBeGreaterThanOrEqual(60);
    expect(r.addedLatencyP95NonStreamedS).toBeLessThanOrEqual(60 + 1 + RTT + 0.01);
  });

  test("the first timeouts mark it suspect: most later callers skip it; without the mark every caller waits", () => {
    // p50 ~ no wait: a timeout marks the step for 30 s; the breaker (Timeout in errorReasons) for 10 s of it.
    expect(r.addedLatencyP50S).toBeLessThan(1);
    expect(r.failures).toEqual({});
    const unmarked = claims(
      run(ptuHangs, {
        errorReasons: [],
        policy: x => x.replace(/<cache-store-value [^>]*\/>/, ""),
      }),
    );
    // Unmarked (and breakers deaf to timeouts), every try of every call hangs: after its two retries it gives up.
    expect(unmarked.served).toBeLessThan(0.5);
    expect(unmarked.failures).toEqual({ "503: BackendTimeout": expect.any(Number) });
    expect(unmarked.addedLatencyP50S).toBeGreaterThanOrEqual(10);
    const marked = claims(run(ptuHangs, { errorReasons: [] }));
    expect(marked.served).toBe(1);
    expect(marked.addedLatencyP50S).toBeLessThan(1);
    expect(marked.attemptsPerRequest).toBeLessThan(unmarked.attemptsPerRequest);
    // The report names the missing mark.
    const plan = readPlan(fixturePlan({ policy: x => x.replace(/<cache-store-value [^>]*\/>/, "") }));
    expect(assumptions(plan).join("\n")).toMatch(/no suspect mark read back in inbound/);
  });

  test("callers that do not retry get the gateway's clean 503 (BackendTimeout)", () => {
    const noRetry = claims(run(ptuHangs, {}, { request: { clientRetries: 0 } }));
    expect(noRetry.served).toBeLessThan(1);
    expect(Object.keys(noRetry.failures)).toEqual(["503: BackendTimeout"]);
  });

  test("all streamed or none: the share per application comes from the drill file", () => {
    const streamed = claims(run(ptuHangs, {}, { demand: { claims: { streamingShare: 1 } } }));
    expect(streamed.addedLatencyP95NonStreamedS).toBe(0);
    expect(streamed.addedLatencyP95StreamedS).toBeGreaterThanOrEqual(10);
    const buffered = claims(run(ptuHangs, {}, { demand: { claims: { streamingShare: 0 } } }));
    expect(buffered.addedLatencyP95StreamedS).toBe(0);
    expect(buffered.addedLatencyP95NonStreamedS).toBeGreaterThanOrEqual(60);
  });
});

describe("answers move on", () => {
  test("a 408 moves on to the next step at once", () => {
    const s: Scenario = { name: "PTU 408", faults: [{ kind: "down", account: "enterprise-ptu", as: "408" }] };
    const r = claims(run(s));
    expect(r.served).toBe(1);
    expect(r.addedLatencyP95S).toBeLessThanOrEqual(RTT + 0.01);
    expect(r.failures).toEqual({});
    expect(Object.keys(r.servedBy).sort()).toEqual(["standard-primary@eastus2", "standard-secondary@centralus"]);
    // A retry condition without 408 leaves the caller the 408 (while the step's breaker is closed).
    const stops = claims(run(s, { policy: x => x.replace("context.Response.StatusCode == 408 || ", "") }));
    expect(stops.served).toBeLessThan(1);
    expect(Object.keys(stops.failures)).toEqual(["408"]);
  });

  test("every step answering 503: the clean 503 AllBackendsUnavailable", () => {
    const r = claims(
      run({
        name: "all 503",
        faults: [
          { kind: "down", region: "eastus2", as: "5xx" },
          { kind: "down", region: "centralus", as: "5xx" },
        ],
      }),
    );
    expect(r.served).toBe(0);
    expect(Object.keys(r.failures)).toEqual(["503: AllBackendsUnavailable"]);
  });
});

describe("the chain deadline", () => {
  test("caps the wait across attempts: steps that answer 504 after 50 s stop at the deadline", () => {
    const slow: Scenario = {
      name: "every step answers 504 late",
      faults: [
        { kind: "errors", region: "eastus2", rate: 1, status: 504, afterSeconds: 50 },
        { kind: "errors", region: "centralus", rate: 1, status: 504, afterSeconds: 50 },
      ],
    };
    const options = { chainTimeoutSeconds: 90, tierTimeoutSeconds: [60, 60, 120] as [number, number, number] };
    const demand = { demand: { claims: { streamingShare: 0 } }, request: { clientRetries: 0 } };
    const r = claims(run(slow, options, demand));
    expect(r.served).toBeLessThan(0.25);
    // 50 s, then the second attempt's timeout is min(60, 90 − 50) = 40 s: a Timeout at the deadline, a clean 503.
    expect(r.longestWaitS).toBeLessThanOrEqual(90 + RTT);
    expect(r.longestWaitS).toBeGreaterThanOrEqual(89);
    // (Callers that find every breaker open from earlier 504s get the clean 503 at once.)
    expect(Object.keys(r.failures)).toContain("503: BackendTimeout");
    // Without the deadline the third step would still be tried: 50 + 50 + 50 s.
    const unbounded = claims(run(slow, { ...options, chainTimeoutSeconds: 240 }, demand));
    expect(unbounded.longestWaitS).toBeGreaterThan(150);
  });
});

describe("the report", () => {
  test("gives p95 added latency for streamed and non-streamed calls per scenario and application", () => {
    const topo = readPlan(fixturePlan());
    const { report, runs } = drill(topo, config(), [{ name: "baseline", faults: [] }, ptuHangs]);
    const json = JSON.parse(JSON.stringify(report));
    for (const s of json.scenarios)
      for (const a of s.applications)
        expect(a).toEqual(
          expect.objectContaining({
            addedLatencyP95StreamedS: expect.any(Number),
            addedLatencyP95NonStreamedS: expect.any(Number),
            longestWaitS: expect.any(Number),
          }),
        );
    expect(renderTable(runs).split("\n")[0]).toMatch(/p95\+ stream +p95\+ other/);
  });

  test("is deterministic for a seed", () => {
    const strip = ({ series, ...x }: ScenarioReport) => ({ ...x, wallMs: 0, series: series() });
    expect(strip(run(ptuHangs))).toEqual(strip(run(ptuHangs)));
  });
});

/** What a scenario run records per application, and the figures the report shows. */
import { DrillConfig, Scenario, ScenarioClass } from "./config";
import { faultSpans } from "./faults";
import { scenarioClass } from "./scenarios";
import { DrillTopology } from "./topology";

/**
 * A caller's call as the recorder sees it: when it arrived, how it was sent, how many attempts it took, and
 * how many real calls it stands for (1 unless the drill samples, demand.ts).
 */
export interface Call {
  arrival: number;
  streaming: boolean;
  attempts: number;
  weight: number;
}

/** A served share below this counts as "not settled" (1 request in 100 lost or throttled). */
const SETTLED = 0.99;

/** Values with weights, for weighted percentiles. */
class Weighted {
  private readonly values: number[] = [];
  private readonly weights: number[] = [];
  /** All weights equal so far: the percentile is a plain one. */
  private uniform = true;

  add(value: number, weight: number): void {
    this.values.push(value);
    this.weights.push(weight);
    if (weight !== this.weights[0]) this.uniform = false;
  }

  /** The smallest value whose cumulative weight exceeds q of the total (unit weights: the q·n-th of the sorted values). */
  percentile(q: number): number {
    const n = this.values.length;
    if (n === 0) return 0;
    if (this.uniform) return Float64Array.from(this.values).sort()[Math.min(n - 1, Math.floor(q * n))];
    const order = this.values.map((_, i) => i).sort((a, b) => this.values[a] - this.values[b]);
    const total = this.weights.reduce((s, w) => s + w, 0);
    let cumulative = 0;
    for (const i of order) if ((cumulative += this.weights[i]) > q * total) return this.values[i];
    return this.values[order[n - 1]];
  }
}

/** What one bin of arrivals got: calls, served calls, added latency of the served, and who served them. */
interface Bin {
  total: number;
  served: number;
  latencies: Weighted;
  accounts: Map<string, number>;
}

export class AppRecorder {
  readonly bins: Bin[] = [];
  readonly latencies = new Weighted();
  /** Added latency of served calls, streamed (`"stream": true`) and not. */
  readonly streamed = new Weighted();
  readonly nonStreamed = new Weighted();
  /** The longest a caller waited for its final answer (served or not), its retries included. */
  longestWaitS = 0;
  readonly backends = new Map<string, number>();
  readonly failures = new Map<string, number>();
  attempts = 0;
  requests = 0;

  constructor(
    readonly name: string,
    readonly demandTpm: number,
    private readonly binS: number,
    private readonly inFault: (t: number) => boolean,
  ) {}

  private count(call: Call, answeredAt: number): Bin {
    const i = Math.floor(call.arrival / this.binS);
    const bin = (this.bins[i] ??= { total: 0, served: 0, latencies: new Weighted(), accounts: new Map() });
    bin.total += call.weight;
    if (this.inFault(call.arrival)) {
      this.requests += call.weight;
      this.attempts += call.attempts * call.weight;
      this.longestWaitS = Math.max(this.longestWaitS, answeredAt - call.arrival);
    }
    return bin;
  }

  onServed(call: Call, answeredAt: number, addedS: number, account: string): void {
    const bin = this.count(call, answeredAt);
    bin.served += call.weight;
    bin.latencies.add(addedS, call.weight);
    bin.accounts.set(account, (bin.accounts.get(account) ?? 0) + call.weight);
    if (!this.inFault(call.arrival)) return;
    this.latencies.add(addedS, call.weight);
    (call.streaming ? this.streamed : this.nonStreamed).add(addedS, call.weight);
    this.backends.set(account, (this.backends.get(account) ?? 0) + call.weight);
  }

  onFailed(call: Call, answeredAt: number, reason: string): void {
    this.count(call, answeredAt);
    if (this.inFault(call.arrival)) this.failures.set(reason, (this.failures.get(reason) ?? 0) + call.weight);
  }
}

export interface AppReport {
  name: string;
  /** Share of the requests arriving during the fault that were served (0 to 1). */
  served: number;
  requests: number;
  addedLatencyP50S: number;
  addedLatencyP95S: number;
  /** p95 of the added latency of served streamed calls (`"stream": true`), and of the others; 0 when none. */
  addedLatencyP95StreamedS: number;
  addedLatencyP95NonStreamedS: number;
  /** The longest a caller waited for its final answer (served or not), its client retries included. */
  longestWaitS: number;
  attemptsPerRequest: number;
  /** Seconds from the fault until every 10 s bin is served at 99 %; null: not within the fault. */
  settleS: number | null;
  demandTpm: number;
  /** Tokens per minute of demand left unserved over the second half of the fault (the capacity question). */
  tpmShort: number;
  /** Share of served requests per account. */
  servedBy: Record<string, number>;
  failures: Record<string, number>;
}

export interface ScenarioReport {
  name: string;
  /** What the scenario takes out (config.ts SCENARIO_CLASSES): which `minServed` threshold it is held to. */
  class: ScenarioClass;
  faults: Scenario["faults"];
  /** Minutes during which each fault holds. */
  spans: { from: number; to: number }[];
  applications: AppReport[];
  events: number;
  wallMs: number;
  /** Per bin of arrivals, for the chart (computed when asked): served share and p95 added latency per application, share per account. */
  series(): Series;
}

export interface Series {
  served: { minute: number; application: string; served: number }[];
  latency: { minute: number; application: string; p95AddedS: number }[];
  accounts: { minute: number; account: string; share: number }[];
}

export class ScenarioRun {
  private readonly apps = new Map<string, AppRecorder>();
  events = 0;
  readonly fromS: number;
  readonly toS: number;

  constructor(
    readonly scenario: Scenario,
    private readonly config: DrillConfig,
    private readonly topo: DrillTopology,
  ) {
    const spans = faultSpans(scenario, config);
    this.fromS = spans.length ? Math.min(...spans.map(f => f.from)) * 60 : 0;
    this.toS = spans.length ? Math.max(...spans.map(f => f.to)) * 60 : config.window.minutes * 60;
  }

  app(name: string, demandTpm: number): AppRecorder {
    const recorder = new AppRecorder(
      name,
      demandTpm,
      this.config.window.binSeconds,
      t => t >= this.fromS && t < this.toS,
    );
    this.apps.set(name, recorder);
    return recorder;
  }

  report(wallMs: number): ScenarioReport {
    const label = (account: string) => `${account}@${this.topo.accounts[account].region}`;
    return {
      name: this.scenario.name,
      class: scenarioClass(this.scenario),
      faults: this.scenario.faults,
      spans: faultSpans(this.scenario, this.config),
      applications: [...this.apps.values()].map(a => this.summarise(a, label)),
      events: this.events,
      wallMs,
      series: () => this.series(label),
    };
  }

  private series(label: (account: string) => string): Series {
    const minute = (i: number) => (i * this.config.window.binSeconds) / 60;
    const served: Series["served"] = [];
    const latency: Series["latency"] = [];
    const byAccount: Map<string, number>[] = [];
    for (const a of this.apps.values())
      a.bins.forEach((bin, i) => {
        served.push({ minute: minute(i), application: a.name, served: bin.served / bin.total });
        if (bin.served > 0)
          latency.push({ minute: minute(i), application: a.name, p95AddedS: bin.latencies.percentile(0.95) });
        const sum = (byAccount[i] ??= new Map());
        for (const [k, n] of bin.accounts) sum.set(k, (sum.get(k) ?? 0) + n);
      });
    const accounts: Series["accounts"] = [];
    byAccount.forEach((sum, i) => {
      const total = [...sum.values()].reduce((s, n) => s + n, 0);
      for (const [k, n] of sum) accounts.push({ minute: minute(i), account: label(k), share: n / total });
    });
    return { served, latency, accounts };
  }

  private summarise(a: AppRecorder, label: (account: string) => string): AppReport {
    const binS = this.config.window.binSeconds;
    const bins = range(Math.ceil(this.fromS / binS), Math.ceil(this.toS / binS)).filter(b => a.bins[b]?.total);
    const share = (b: number) => a.bins[b].served / a.bins[b].total;
    const lastBad = [...bins].reverse().find(b => share(b) < SETTLED);
    const settleS =
      lastBad === undefined ? 0 : lastBad === bins[bins.length - 1] ? null : (lastBad + 1) * binS - this.fromS;
    // The capacity question is asked of the steady state: the second half of the fault.
    const steady = bins.filter(b => b * binS >= (this.fromS + this.toS) / 2);
    const steadyTotal = steady.reduce((s, b) => s + a.bins[b].total, 0);
    const steadyServed = steady.reduce((s, b) => s + a.bins[b].served, 0);
    const short = steadyTotal ? a.demandTpm * (1 - steadyServed / steadyTotal) : a.demandTpm;
    const servedCount = [...a.backends.values()].reduce((s, n) => s + n, 0);
    return {
      name: a.name,
      served: a.requests ? servedCount / a.requests : 1,
      requests: Math.round(a.requests),
      addedLatencyP50S: a.latencies.percentile(0.5),
      addedLatencyP95S: a.latencies.percentile(0.95),
      addedLatencyP95StreamedS: a.streamed.percentile(0.95),
      addedLatencyP95NonStreamedS: a.nonStreamed.percentile(0.95),
      longestWaitS: a.longestWaitS,
      attemptsPerRequest: a.requests ? a.attempts / a.requests : 0,
      settleS,
      demandTpm: a.demandTpm,
      tpmShort: Math.round(short),
      servedBy: Object.fromEntries(
        [...a.backends].sort((x, y) => y[1] - x[1]).map(([k, n]) => [label(k), n / servedCount]),
      ),
      failures: Object.fromEntries([...a.failures].map(([k, n]) => [k, Math.round(n)])),
    };
  }
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

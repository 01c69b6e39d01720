/** What a scenario run records per application, and the figures the report shows. */
import { DrillConfig, Scenario } from "./config";
import { faultSpans } from "./faults";
import { DrillTopology } from "./topology";

/** A caller's call as the recorder sees it: when it arrived, how it was sent, how many attempts it took. */
export interface Call {
  arrival: number;
  streaming: boolean;
  attempts: number;
}

/** A served share below this counts as "not settled" (1 request in 100 lost or throttled). */
const SETTLED = 0.99;

export class AppRecorder {
  readonly total: number[] = [];
  readonly served: number[] = [];
  readonly latencies: number[] = [];
  /** Added latency of served calls, streamed (`"stream": true`) and not. */
  readonly streamed: number[] = [];
  readonly nonStreamed: number[] = [];
  /** The longest a caller waited for its final answer, served or not (its retries included). */
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

  private count(call: Call, answeredAt: number): number {
    const bin = Math.floor(call.arrival / this.binS);
    this.total[bin] = (this.total[bin] ?? 0) + 1;
    if (this.inFault(call.arrival)) {
      this.requests++;
      this.attempts += call.attempts;
      this.longestWaitS = Math.max(this.longestWaitS, answeredAt - call.arrival);
    }
    return bin;
  }

  onServed(call: Call, answeredAt: number, addedS: number, account: string): void {
    const bin = this.count(call, answeredAt);
    this.served[bin] = (this.served[bin] ?? 0) + 1;
    if (!this.inFault(call.arrival)) return;
    this.latencies.push(addedS);
    (call.streaming ? this.streamed : this.nonStreamed).push(addedS);
    this.backends.set(account, (this.backends.get(account) ?? 0) + 1);
  }

  onFailed(call: Call, answeredAt: number, reason: string): void {
    this.count(call, answeredAt);
    if (this.inFault(call.arrival)) this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
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
  faults: Scenario["faults"];
  /** Minutes during which each fault holds. */
  spans: { from: number; to: number }[];
  applications: AppReport[];
  events: number;
  wallMs: number;
  /** Served share per application and bin, for the chart. */
  series: { minute: number; application: string; served: number }[];
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
    const binS = this.config.window.binSeconds;
    const label = (account: string) => `${account}@${this.topo.accounts[account].region}`;
    return {
      name: this.scenario.name,
      faults: this.scenario.faults,
      spans: faultSpans(this.scenario, this.config),
      applications: [...this.apps.values()].map(a => this.summarise(a, label)),
      events: this.events,
      wallMs,
      series: [...this.apps.values()].flatMap(a =>
        a.total
          .map((n, bin) => ({
            minute: (bin * binS) / 60,
            application: a.name,
            served: n ? (a.served[bin] ?? 0) / n : NaN,
          }))
          .filter(p => !Number.isNaN(p.served)),
      ),
    };
  }

  private summarise(a: AppRecorder, label: (account: string) => string): AppReport {
    const binS = this.config.window.binSeconds;
    const bins = range(Math.ceil(this.fromS / binS), Math.ceil(this.toS / binS)).filter(b => a.total[b]);
    const share = (b: number) => (a.served[b] ?? 0) / a.total[b];
    const lastBad = [...bins].reverse().find(b => share(b) < SETTLED);
    const settleS =
      lastBad === undefined ? 0 : lastBad === bins[bins.length - 1] ? null : (lastBad + 1) * binS - this.fromS;
    // The capacity question is asked of the steady state: the second half of the fault.
    const steady = bins.filter(b => b * binS >= (this.fromS + this.toS) / 2);
    const steadyTotal = steady.reduce((s, b) => s + a.total[b], 0);
    const steadyServed = steady.reduce((s, b) => s + (a.served[b] ?? 0), 0);
    const short = steadyTotal ? a.demandTpm * (1 - steadyServed / steadyTotal) : a.demandTpm;
    const servedCount = [...a.backends.values()].reduce((s, n) => s + n, 0);
    const sorted = sortedCopy(a.latencies);
    return {
      name: a.name,
      served: a.requests ? servedCount / a.requests : 1,
      requests: a.requests,
      addedLatencyP50S: percentile(sorted, 0.5),
      addedLatencyP95S: percentile(sorted, 0.95),
      addedLatencyP95StreamedS: percentile(sortedCopy(a.streamed), 0.95),
      addedLatencyP95NonStreamedS: percentile(sortedCopy(a.nonStreamed), 0.95),
      longestWaitS: a.longestWaitS,
      attemptsPerRequest: a.requests ? a.attempts / a.requests : 0,
      settleS,
      demandTpm: a.demandTpm,
      tpmShort: Math.round(short),
      servedBy: Object.fromEntries(
        [...a.backends].sort((x, y) => y[1] - x[1]).map(([k, n]) => [label(k), n / servedCount]),
      ),
      failures: Object.fromEntries(a.failures),
    };
  }
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

const sortedCopy = (xs: readonly number[]) => [...xs].sort((x, y) => x - y);

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

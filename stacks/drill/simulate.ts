/**
 * Replays one scenario against a DrillTopology: calls arrive per application and chain, the entry picks a
 * gateway location, the gateway applies the token limit, orders the chain's steps (a weighted first pick in
 * a group of standard steps), skips the suspect ones and tries the rest in turn as the generated policy
 * says: each attempt within min(stream ? first byte : the step's bound, the chain deadline − elapsed); a
 * 408/429/5xx moves on; a silent step (timeout, connection failure) is marked suspect and answered 503 with
 * Retry-After, which the caller retries. The deployment answers from its throughput. Deterministic for a seed.
 */
import { WATCHDOG_ASSUMPTION } from "./watchdog";
import { ASSUMPTIONS, FIRST_TOKEN_S, MAX_RETRY_AFTER_S, PTU, PTU_THROUGHPUT, RTT, STANDARD, rttS } from "./behaviour";
import { DrillConfig, Scenario } from "./config";
import { Bucket, EventQueue, Timed, hash, rng } from "./engine";
import { FaultTimeline, entryRouter, weightedPick } from "./faults";
import { ChainStep, DrillAccount, DrillBackend, DrillTopology, GatewayRegion, isProvisioned } from "./topology";
import { inRanges } from "../../policies/lib/statusCondition";
import { AppRecorder, Call, ScenarioRun } from "./record";

interface Stream {
  app: AppRecorder;
  chain: string;
  intervalS: number;
  prompt: number;
  completion: number;
  streamingShare: number;
}
/** A caller's call: one or more gateway requests (the caller retries a 503 that carries Retry-After). */
interface CallState extends Call {
  stream: Stream;
  /** The application's criticality class (1, 2 or 3): which PTU budget the call counts against. */
  criticality: number;
  retries: number;
}
/** One request at the gateway: its steps (ordered, suspects skipped) and the index of the one in flight. */
interface Request {
  call: CallState;
  gateway: GatewayState;
  startedAt: number;
  steps: ChainStep[];
  next: number;
}
/** `reason`: the LastError.Reason a transport failure raises (Timeout, BackendConnectionFailure). */
interface Outcome {
  status?: number;
  transport?: boolean;
  reason?: string;
  retryAfterS?: number;
  served?: boolean;
  /** The 503 of a tripped breaker: API Management answers it without calling the backend. */
  breaker?: boolean;
}
type Event = Timed &
  (
    | { kind: "arrive"; stream: Stream }
    | { kind: "client-retry"; call: CallState }
    | { kind: "response"; req: Request; backend: DrillBackend; outcome: Outcome; startedAt: number }
  );

interface GatewayState {
  g: GatewayRegion;
  openUntil: Map<string, number>;
  failures: Map<string, number[]>;
  limits: Map<string, Bucket>;
  /** Tokens counted per (PTU backend, priority class) for PTU shedding: (time, tokens) within the last minute. */
  spent: Map<string, { t: number; tokens: number }[]>;
  /** The suspect list in the location's cache: backend -> when its mark expires. */
  suspectUntil: Map<string, number>;
}

interface DeploymentState {
  tokens: Bucket;
  requests?: Bucket;
  weightOut: number;
  tokensPerSecond: number;
}

export class DrillError extends Error {}

class Simulation {
  private readonly queue = new EventQueue<Event>();
  private readonly random: () => number;
  private readonly timeline: FaultTimeline;
  private readonly route: (t: number) => string;
  private readonly gateways: Map<string, GatewayState>;
  private readonly deployments = new Map<string, DeploymentState>();
  readonly run: ScenarioRun;

  constructor(
    private readonly topo: DrillTopology,
    scenario: Scenario,
    private readonly config: DrillConfig,
  ) {
    this.random = rng(config.seed ^ hash(scenario.name));
    this.timeline = new FaultTimeline(scenario, config);
    this.route = entryRouter(topo, this.timeline, config, this.random);
    this.gateways = new Map(
      topo.gateways.map(g => [
        g.region,
        { g, openUntil: new Map(), failures: new Map(), limits: new Map(), spent: new Map(), suspectUntil: new Map() },
      ]),
    );
    this.run = new ScenarioRun(scenario, config, topo);
  }

  simulate(): ScenarioRun {
    for (const stream of this.streams())
      this.queue.push({ t: this.random() * stream.intervalS, kind: "arrive", stream });
    const end = this.config.window.minutes * 60;
    for (let e = this.queue.pop(); e; e = this.queue.pop()) {
      if (e.kind === "arrive") {
        if (e.t >= end) continue;
        this.arrive(e.stream, e.t);
        this.queue.push({
          t: e.t + e.stream.intervalS * (0.75 + 0.5 * this.random()),
          kind: "arrive",
          stream: e.stream,
        });
      } else if (e.kind === "client-retry") this.enter(e.call, e.t);
      else this.respond(e.req, e.backend, e.outcome, e.startedAt, e.t);
    }
    this.run.events = this.queue.processed;
    return this.run;
  }

  /** One arrival stream per application and chain; demand defaults to the application's token limit. */
  private streams(): Stream[] {
    const { promptTokens, completionTokens, streamingShare } = this.config.request;
    return this.topo.applications.flatMap(app => {
      const d = this.config.demand[app.name] ?? {};
      const tpm = d.tokensPerMinute ?? app.tokensPerMinute;
      const rpm = d.requestsPerMinute ?? tpm / (promptTokens + completionTokens);
      const perRequest = tpm / rpm;
      const mix = d.mix ?? Object.fromEntries(app.chains.map(c => [this.topo.chains[c].deployment, 1]));
      const total = Object.values(mix).reduce((s, x) => s + x, 0);
      const recorder = this.run.app(app.name, tpm);
      return app.chains
        .filter(c => (mix[this.topo.chains[c].deployment] ?? 0) > 0)
        .map(chain => ({
          app: recorder,
          chain,
          intervalS: 60 / ((rpm * mix[this.topo.chains[chain].deployment]) / total),
          prompt: (perRequest * promptTokens) / (promptTokens + completionTokens),
          completion: (perRequest * completionTokens) / (promptTokens + completionTokens),
          streamingShare: d.streamingShare ?? streamingShare,
        }));
    });
  }

  private arrive(stream: Stream, t: number): void {
    const criticality = this.topo.applications.find(a => a.name === stream.app.name)!.criticality;
    const call: CallState = {
      stream,
      arrival: t,
      streaming: this.random() < stream.streamingShare,
      attempts: 0,
      retries: 0,
      criticality,
    };
    const gateway = this.gatewayFor(call, t);
    if (!gateway) return;
    // azure-openai-token-limit: over tokens-per-minute the gateway answers 429 without calling a backend
    // (https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy). A call's retry is not
    // counted again: the 503 it retries reported no usage.
    const limit = gateway.g.tokenLimits[stream.app.name];
    if (limit !== undefined) {
      let bucket = gateway.limits.get(stream.app.name);
      if (!bucket) gateway.limits.set(stream.app.name, (bucket = new Bucket(limit / 60, limit)));
      if (!bucket.take(stream.prompt + stream.completion, t).ok)
        return stream.app.onFailed(call, t, "429: the application's own token limit");
    }
    this.start(call, gateway, t);
  }

  /** The gateway location the entry sends a request to, unless that location is down. */
  private gatewayFor(call: CallState, t: number): GatewayState | undefined {
    const region = this.route(t);
    if (!this.timeline.gatewayDown(region, t)) return this.gateways.get(region)!;
    call.stream.app.onFailed(call, t, `entry: gateway ${region} down`);
    return undefined;
  }

  /** The caller's retry: a new request through the entry, with its own elapsed time. */
  private enter(call: CallState, t: number): void {
    const gateway = this.gatewayFor(call, t);
    if (gateway) this.start(call, gateway, t);
  }

  private start(call: CallState, gateway: GatewayState, t: number): void {
    this.attempt({ call, gateway, startedAt: t, steps: this.stepsFor(gateway, call, t), next: 0 }, t);
  }

  /**
   * The steps a request tries: the chain's (from its first standard step when shed), each weighted group
   * ordered by a weighted first pick, without the suspect ones unless every step is suspect.
   */
  private stepsFor(gateway: GatewayState, call: CallState, t: number): ChainStep[] {
    const all = gateway.g.steps[call.stream.chain];
    const standard = all.findIndex(s => !s.provisioned);
    const ordered = this.order(this.shed(gateway, call, t) && standard >= 0 ? all.slice(standard) : all);
    const fresh = ordered.filter(s => (gateway.suspectUntil.get(s.backend) ?? -1) <= t);
    return fresh.length > 0 ? fresh : ordered;
  }

  /** Consecutive weighted steps form a group: its first step is picked by weight, the rest keep the chain's order. */
  private order(steps: ChainStep[]): ChainStep[] {
    const out: ChainStep[] = [];
    for (let i = 0; i < steps.length;) {
      const group = [steps[i]];
      while (steps[i].weight !== undefined && steps[i + group.length]?.weight !== undefined)
        group.push(steps[i + group.length]);
      const first = group.length > 1 ? weightedPick(group as Required<ChainStep>[], this.random) : group[0];
      out.push(first, ...group.filter(s => s !== first));
      i += group.length;
    }
    return out;
  }

  /**
   * PTU shedding: a priority-2/3 caller whose class already used its budget of the chain's first PTU
   * deployment in the last minute starts at the first standard step. The counter is modelled as a sliding
   * minute of tokens (ASSUMPTIONS.shedding), read here and added to when a PTU deployment answers (count()).
   */
  private shed(gateway: GatewayState, call: CallState, t: number): boolean {
    const rule = gateway.g.shed[call.stream.chain];
    if (!rule || rule.budgets[call.criticality] === undefined) return false;
    return this.spent(gateway, `${rule.decidedBy}#${call.criticality}`, t) >= rule.budgets[call.criticality];
  }

  private spent(gateway: GatewayState, key: string, t: number): number {
    const window = (gateway.spent.get(key) ?? []).filter(x => x.t > t - 60);
    gateway.spent.set(key, window);
    return window.reduce((s, x) => s + x.tokens, 0);
  }

  /** rate-limit-by-key's deferred increment: the tokens of an answer count on the counter of the PTU that gave it. */
  private count(req: Request, backend: DrillBackend, t: number): void {
    const { call, gateway } = req;
    const rule = gateway.g.shed[call.stream.chain];
    if (!rule || rule.budgets[call.criticality] === undefined || !rule.countedOn.includes(backend.id)) return;
    const key = `${backend.id}#${call.criticality}`;
    this.spent(gateway, key, t);
    gateway.spent.get(key)!.push({ t, tokens: call.stream.prompt + call.stream.completion });
  }

  /**
   * One attempt: set-backend-service to the step's backend, forward-request within its timeout. A tripped
   * breaker answers 503 at once without calling the backend
   * (https://learn.microsoft.com/azure/api-management/backends#circuit-breaker).
   */
  private attempt(req: Request, t: number): void {
    const backend = req.gateway.g.backends[req.steps[req.next].backend];
    req.call.attempts++;
    if ((req.gateway.openUntil.get(backend.id) ?? -1) > t)
      return this.respond(req, backend, { status: 503, breaker: true }, t, t);
    const { at, outcome } = this.forward(req, backend, t, this.timeout(req, t));
    this.queue.push({ t: at, kind: "response", req, backend, outcome, startedAt: t });
  }

  /**
   * forward-request's timeout: min(stream ? first byte : the step's bound, deadline − whole seconds elapsed),
   * at least 1 s. It counts until the response headers
   * (https://learn.microsoft.com/azure/api-management/forward-request-policy), for a streamed answer the first token.
   */
  private timeout(req: Request, t: number): number {
    const { deadlineS, firstByteS } = req.gateway.g.waits;
    const bound = req.call.streaming ? firstByteS : req.steps[req.next].timeoutS;
    return Math.max(1, Math.min(bound, deadlineS - Math.floor(t - req.startedAt)));
  }

  /** What the account answers and when the gateway has the response headers (or gives up). */
  private forward(req: Request, backend: DrillBackend, t: number, timeout: number): { at: number; outcome: Outcome } {
    const account = this.topo.accounts[backend.account];
    const rtt = rttS(req.gateway.g.region, account.region);
    const fault = this.timeline.accountFault(account, t);
    if (fault?.kind === "down") {
      if (fault.as === "timeout") return { at: t + timeout, outcome: { transport: true, reason: "Timeout" } };
      if (fault.as === "unreachable")
        return { at: t + rtt, outcome: { transport: true, reason: "BackendConnectionFailure" } };
      return late(t, rtt + (fault.afterSeconds ?? 0), timeout, { status: fault.as === "408" ? 408 : 503 });
    }
    if (fault?.kind === "errors" && this.random() < fault.rate)
      return late(t, rtt + (fault.afterSeconds ?? 0), timeout, { status: fault.status });
    const name = backend.deployment ?? this.topo.chains[req.call.stream.chain].deployment;
    const deployment = account.deployments[name];
    if (!deployment) return { at: t + rtt, outcome: { status: 404 } };
    const state = this.deployment(account, name);
    const factor = this.timeline.capacityFactor(account, deployment, t);
    const { prompt, completion } = req.call.stream;
    const admitted = state.tokens.take(prompt + completion * state.weightOut, t, factor);
    const admittedRequest = admitted.ok && state.requests ? state.requests.take(1, t, factor) : admitted;
    if (!admittedRequest.ok) {
      return {
        at: t + rtt,
        outcome: { status: 429, retryAfterS: Math.min(MAX_RETRY_AFTER_S, Math.ceil(admittedRequest.waitS)) },
      };
    }
    const headersAfter = rtt + FIRST_TOKEN_S + (req.call.streaming ? 0 : completion / state.tokensPerSecond);
    return late(t, headersAfter, timeout, { served: true });
  }

  private deployment(account: DrillAccount, name: string): DeploymentState {
    const key = `${account.key}/${name}`;
    let state = this.deployments.get(key);
    if (state) return state;
    const d = account.deployments[name];
    const figures = PTU_THROUGHPUT[d.model];
    if (!figures)
      throw new DrillError(
        `no throughput figures for model ${d.model} (accounts.${account.key}.deployments.${name}); add it to PTU_THROUGHPUT in stacks/drill/behaviour.ts with its source`,
      );
    if (isProvisioned(d.sku)) {
      const perS = (d.capacity * figures.inputTpmPerPtu) / 60;
      state = {
        tokens: new Bucket(perS, perS * PTU.windowS),
        weightOut: figures.outputTokenWeight,
        tokensPerSecond: figures.tokensPerSecond,
      };
    } else {
      const perS = (d.capacity * STANDARD.tokensPerUnit) / 60;
      const rps = (d.capacity * STANDARD.requestsPerMinutePerUnit) / 60;
      state = {
        tokens: new Bucket(perS, perS * STANDARD.windowS),
        requests: new Bucket(rps, Math.max(1, rps * STANDARD.windowS)),
        weightOut: 1,
        tokensPerSecond: figures.tokensPerSecond,
      };
    }
    this.deployments.set(key, state);
    return state;
  }

  private respond(req: Request, backend: DrillBackend, outcome: Outcome, startedAt: number, t: number): void {
    const { call } = req;
    if (outcome.served) {
      this.count(req, backend, t);
      const extraRtt = rttS(req.gateway.g.region, this.topo.accounts[backend.account].region) - RTT.sameRegionS;
      return call.stream.app.onServed(call, t, startedAt - call.arrival + extraRtt, backend.account);
    }
    if (!outcome.breaker) this.trip(req.gateway, backend, outcome, t);
    if (outcome.transport) return this.onError(req, backend, outcome.reason!, t);
    if (this.movesOn(req, outcome.status!, t)) {
      req.next++;
      return this.attempt(req, t);
    }
    // The exhausted chain: the last answer, except a 503, which becomes the gateway's clean 503.
    const status = outcome.status!;
    const reason = status === 503 ? "503: AllBackendsUnavailable" : status === 429 ? "429: throttled" : `${status}`;
    call.stream.app.onFailed(call, t, reason);
  }

  /** The retry condition: a 408/429/5xx moves on while a step is left and (if it says so) a second of the deadline. */
  private movesOn(req: Request, status: number, t: number): boolean {
    const { retry, waits } = req.gateway.g;
    if (!inRanges(status, retry.statusRanges) || req.next + 1 >= req.steps.length) return false;
    return !retry.stopsAtDeadline || waits.deadlineS - (t - req.startedAt) >= 1;
  }

  /**
   * on-error after a silent step (forward-request's Timeout or BackendConnectionFailure; other errors get API
   * Management's own answer, https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies):
   * the step goes on the suspect list and the caller gets 503 with Retry-After, which it retries. Never a replay.
   */
  private onError(req: Request, backend: DrillBackend, reason: string, t: number): void {
    const { call, gateway } = req;
    const { silent } = gateway.g;
    if (!silent.reasons.includes(reason)) return call.stream.app.onFailed(call, t, `on-error: ${reason}`);
    if (silent.suspectS > 0) gateway.suspectUntil.set(backend.id, t + silent.suspectS);
    const code = reason === "Timeout" ? "BackendTimeout" : "BackendUnreachable";
    if (silent.retryAfterS === undefined || call.retries >= this.config.request.clientRetries)
      return call.stream.app.onFailed(call, t, `503: ${code}`);
    call.retries++;
    this.queue.push({ t: t + silent.retryAfterS, kind: "client-retry", call });
  }

  /**
   * Circuit breaker: `count` failures (matching statusCodeRanges, or errorReasons for transport errors)
   * within `interval` trip the backend for `tripDuration`, or for the backend's Retry-After when
   * acceptRetryAfter is set (https://learn.microsoft.com/azure/api-management/backends#circuit-breaker).
   */
  private trip(gateway: GatewayState, backend: DrillBackend, outcome: Outcome, t: number): void {
    backend.rules.forEach((rule, i) => {
      const counts = outcome.transport
        ? rule.errorReasons.includes(outcome.reason!)
        : inRanges(outcome.status!, rule.statusRanges);
      if (!counts) return;
      const key = `${backend.id}#${i}`;
      const recent = (gateway.failures.get(key) ?? []).filter(x => x > t - rule.intervalS);
      recent.push(t);
      if (recent.length < rule.count) return void gateway.failures.set(key, recent);
      gateway.failures.set(key, []);
      const duration = rule.acceptRetryAfter && outcome.retryAfterS !== undefined ? outcome.retryAfterS : rule.tripS;
      gateway.openUntil.set(backend.id, Math.max(gateway.openUntil.get(backend.id) ?? 0, t + duration));
    });
  }
}

/** An answer `afterS` seconds on, or forward-request's Timeout error if that is later than `timeout`. */
function late(t: number, afterS: number, timeout: number, outcome: Outcome): { at: number; outcome: Outcome } {
  if (afterS > timeout) return { at: t + timeout, outcome: { transport: true, reason: "Timeout" } };
  return { at: t + afterS, outcome };
}

export function simulate(topo: DrillTopology, scenario: Scenario, config: DrillConfig): ScenarioRun {
  return new Simulation(topo, scenario, config).simulate();
}

/** What the policy of one service leaves out of the gateway contract, as the report names it. */
function policyGaps(g: GatewayRegion): string[] {
  const gaps: string[] = [];
  const unanswered = ["Timeout", "BackendConnectionFailure"].filter(r => !g.silent.reasons.includes(r));
  if (unanswered.length > 0)
    gaps.push(`on-error does not answer ${unanswered.join(", ")} with a 503: callers get API Management's own error`);
  if (g.silent.suspectS === 0) gaps.push("no suspect mark read back in inbound: every caller waits for a silent step");
  if (g.silent.retryAfterS === undefined) gaps.push("on-error's 503 carries no Retry-After: callers do not retry it");
  if (!g.retry.stopsAtDeadline) gaps.push("the retry condition does not stop at the chain deadline");
  const deaf = Object.values(g.backends)
    .filter(b => b.rules.every(r => r.errorReasons.length === 0))
    .map(b => b.id);
  if (deaf.length > 0)
    gaps.push(`breaker rules without errorReasons (transport failures never trip them): ${deaf.join(", ")}`);
  return gaps.map(x => `plan: ${g.service}: ${x}`);
}

/** The assumptions of the model, and the gaps the plan shows, as printed beside every report. */
export function assumptions(topo: DrillTopology): string[] {
  const services = [...new Map(topo.gateways.map(g => [g.service, g])).values()];
  const watchdog = topo.entry.mode === "private" && topo.entry.watchdog ? [WATCHDOG_ASSUMPTION] : [];
  return [...Object.values(ASSUMPTIONS), ...watchdog, ...services.flatMap(policyGaps)];
}

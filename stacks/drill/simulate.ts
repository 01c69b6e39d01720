/**
 * Replays one scenario against a DrillTopology: calls arrive per application and chain, the entry picks a
 * gateway location, the gateway applies the token limit, orders the chain's steps (a weighted first pick in
 * a group of standard steps), skips the suspect ones and tries the rest in turn as the generated policy
 * says: each attempt within min(stream ? first byte : the step's bound, the chain deadline − elapsed); a
 * 408/429/5xx moves on; a silent step (timeout, connection failure) is marked suspect and answered 503 with
 * Retry-After, which the caller retries. The deployment answers from its throughput. Deterministic for a seed.
 */
import { WATCHDOG_ASSUMPTION } from "./watchdog";
import { ASSUMPTIONS, FIRST_TOKEN_S, MAX_RETRY_AFTER_S, PTU, RTT, STANDARD, rttS, throughputOf } from "./behaviour";
import { DrillConfig, Scenario } from "./config";
import { StreamDemand, streamDemands } from "./demand";
import { Bucket, EventQueue, Timed, hash, rng } from "./engine";
import { entryRouter } from "./entry";
import { FaultTimeline, weightedPick } from "./faults";
import { ChainStep, DrillAccount, DrillBackend, DrillTopology, GatewayRegion, isProvisioned } from "./topology";
import { inRanges } from "../../policies/lib/statusCondition";
import { AppRecorder, Call, ScenarioRun } from "./record";

interface Stream extends StreamDemand {
  recorder: AppRecorder;
}
/**
 * A caller's call: one or more gateway requests (the caller retries a 503 that carries Retry-After). A sampled
 * call stands for `weight` real ones; when only some of them are admitted it splits (split()).
 */
interface CallState extends Call {
  stream: Stream;
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
interface Answer {
  at: number;
  outcome: Outcome;
}
/** An attempt's answer; `refused`: the answer of the real calls a deployment did not admit, when some were. */
type Forwarded = Answer & { refused?: Answer & { weight: number } };
type Event = Timed &
  (
    | { kind: "arrive"; stream: Stream }
    | { kind: "client-retry"; call: CallState }
    | { kind: "response"; req: Request; backend: DrillBackend; outcome: Outcome; startedAt: number }
  );

interface GatewayState {
  g: GatewayRegion;
  openUntil: Map<string, number>;
  /** Recent failures per breaker rule: when, and how many real calls they stand for. */
  failures: Map<string, { t: number; n: number }[]>;
  limits: Map<string, Bucket>;
  /** Tokens counted per (PTU backend, priority class) for PTU shedding, a sliding minute. */
  spent: Map<string, SlidingMinute>;
  /** The suspect list in the location's cache: backend -> when its mark expires. */
  suspectUntil: Map<string, number>;
}

interface DeploymentState {
  tokens: Bucket;
  requests?: Bucket;
  weightOut: number;
  tokensPerSecond: number;
}

/** A sliding minute of (time, tokens), its sum kept as entries come and go. */
class SlidingMinute {
  private readonly entries: { t: number; tokens: number }[] = [];
  private head = 0;
  private sum = 0;

  add(t: number, tokens: number): void {
    this.entries.push({ t, tokens });
    this.sum += tokens;
  }

  /** The tokens of the entries later than t - 60. */
  at(t: number): number {
    const e = this.entries;
    while (this.head < e.length && e[this.head].t <= t - 60) this.sum -= e[this.head++].tokens;
    if (this.head > 1024 && this.head * 2 > e.length) {
      e.splice(0, this.head);
      this.head = 0;
    }
    return this.head === e.length ? (this.sum = 0) : this.sum;
  }
}

/** The part of a call that `n` of its real calls are: the call keeps `n`, the returned twin the rest. */
function split(call: CallState, n: number): CallState {
  const rest = { ...call, weight: call.weight - n };
  call.weight = n;
  return rest;
}

class Simulation {
  private readonly queue = new EventQueue<Event>();
  private readonly random: () => number;
  private readonly timeline: FaultTimeline;
  private readonly route: (t: number) => string;
  private readonly gateways: Map<string, GatewayState>;
  private readonly deployments = new Map<DrillAccount, Map<string, DeploymentState>>();
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
    const recorders = new Map<string, AppRecorder>();
    for (const d of streamDemands(this.topo, this.config)) {
      if (!recorders.has(d.app)) recorders.set(d.app, this.run.app(d.app, d.demandTpm));
      const stream = { ...d, recorder: recorders.get(d.app)! };
      this.queue.push({ t: this.random() * stream.intervalS, kind: "arrive", stream });
    }
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

  private arrive(stream: Stream, t: number): void {
    const call: CallState = {
      stream,
      arrival: t,
      streaming: this.random() < stream.streamingShare,
      attempts: 0,
      retries: 0,
      weight: stream.weight,
    };
    const gateway = this.gatewayFor(call, t);
    if (!gateway) return;
    // azure-openai-token-limit: over tokens-per-minute the gateway answers 429 without calling a backend
    // (https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy). A call's retry is not
    // counted again: the 503 it retries reported no usage.
    const limit = gateway.g.tokenLimits[stream.app];
    if (limit !== undefined) {
      let bucket = gateway.limits.get(stream.app);
      if (!bucket) gateway.limits.set(stream.app, (bucket = new Bucket(limit / 60, limit)));
      const { admitted } = bucket.admit(stream.prompt + stream.completion, call.weight, t);
      const refused = admitted === 0 ? call : admitted < call.weight ? split(call, admitted) : undefined;
      if (refused) stream.recorder.onFailed(refused, t, "429: the application's own token limit");
      if (refused === call) return;
    }
    this.start(call, gateway, t);
  }

  /** The gateway location the entry sends a request to, unless that location is down. */
  private gatewayFor(call: CallState, t: number): GatewayState | undefined {
    const region = this.route(t);
    if (!this.timeline.gatewayDown(region, t)) return this.gateways.get(region)!;
    call.stream.recorder.onFailed(call, t, `entry: gateway ${region} down`);
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
    const criticality = call.stream.criticality;
    if (!rule || rule.budgets[criticality] === undefined) return false;
    return this.spent(gateway, `${rule.decidedBy}#${criticality}`).at(t) >= rule.budgets[criticality];
  }

  private spent(gateway: GatewayState, key: string): SlidingMinute {
    let minute = gateway.spent.get(key);
    if (!minute) gateway.spent.set(key, (minute = new SlidingMinute()));
    return minute;
  }

  /** rate-limit-by-key's deferred increment: the tokens of an answer count on the counter of the PTU that gave it. */
  private count(req: Request, backend: DrillBackend, t: number): void {
    const { call, gateway } = req;
    const rule = gateway.g.shed[call.stream.chain];
    const criticality = call.stream.criticality;
    if (!rule || rule.budgets[criticality] === undefined || !rule.countedOn.includes(backend.id)) return;
    this.spent(gateway, `${backend.id}#${criticality}`).add(
      t,
      (call.stream.prompt + call.stream.completion) * call.weight,
    );
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
    const { at, outcome, refused } = this.forward(req, backend, t, this.timeout(req, t));
    if (refused) {
      const twin = { ...req, call: split(req.call, req.call.weight - refused.weight) };
      this.queue.push({ t: refused.at, kind: "response", req: twin, backend, outcome: refused.outcome, startedAt: t });
    }
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

  /**
   * What the account answers and when the gateway has the response headers (or gives up). A sampled call of
   * which the deployment admits only some real calls splits: `refused` is the answer of the rest.
   */
  private forward(req: Request, backend: DrillBackend, t: number, timeout: number): Forwarded {
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
    const weight = req.call.weight;
    const tokens = state.tokens.admit(prompt + completion * state.weightOut, weight, t, factor);
    const requests = state.requests ? state.requests.admit(1, tokens.admitted, t, factor) : tokens;
    const throttled = () => ({
      at: t + rtt,
      outcome: {
        status: 429,
        retryAfterS: Math.min(
          MAX_RETRY_AFTER_S,
          Math.ceil(requests.admitted < tokens.admitted ? requests.waitS : tokens.waitS),
        ),
      },
    });
    if (requests.admitted === 0) return throttled();
    const headersAfter = rtt + FIRST_TOKEN_S + (req.call.streaming ? 0 : completion / state.tokensPerSecond);
    const served: Forwarded = late(t, headersAfter, timeout, { served: true });
    if (requests.admitted < weight) served.refused = { ...throttled(), weight: weight - requests.admitted };
    return served;
  }

  private deployment(account: DrillAccount, name: string): DeploymentState {
    let states = this.deployments.get(account);
    if (!states) this.deployments.set(account, (states = new Map()));
    let state = states.get(name);
    if (state) return state;
    const d = account.deployments[name];
    const { figures } = throughputOf(d.model);
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
    states.set(name, state);
    return state;
  }

  private respond(req: Request, backend: DrillBackend, outcome: Outcome, startedAt: number, t: number): void {
    const { call } = req;
    if (outcome.served) {
      this.count(req, backend, t);
      const extraRtt = rttS(req.gateway.g.region, this.topo.accounts[backend.account].region) - RTT.sameRegionS;
      return call.stream.recorder.onServed(call, t, startedAt - call.arrival + extraRtt, backend.account);
    }
    if (!outcome.breaker) this.trip(req.gateway, backend, outcome, call.weight, t);
    if (outcome.transport) return this.onError(req, backend, outcome.reason!, t);
    if (this.movesOn(req, outcome.status!, t)) {
      req.next++;
      return this.attempt(req, t);
    }
    // The exhausted chain: the last answer, except a 503, which becomes the gateway's clean 503.
    const status = outcome.status!;
    const reason = status === 503 ? "503: AllBackendsUnavailable" : status === 429 ? "429: throttled" : `${status}`;
    call.stream.recorder.onFailed(call, t, reason);
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
    if (!silent.reasons.includes(reason)) return call.stream.recorder.onFailed(call, t, `on-error: ${reason}`);
    if (silent.suspectS > 0) gateway.suspectUntil.set(backend.id, t + silent.suspectS);
    const code = reason === "Timeout" ? "BackendTimeout" : "BackendUnreachable";
    if (silent.retryAfterS === undefined || call.retries >= this.config.request.clientRetries)
      return call.stream.recorder.onFailed(call, t, `503: ${code}`);
    call.retries++;
    this.queue.push({ t: t + silent.retryAfterS, kind: "client-retry", call });
  }

  /**
   * Circuit breaker: `count` failures (matching statusCodeRanges, or errorReasons for transport errors)
   * within `interval` trip the backend for `tripDuration`, or for the backend's Retry-After when
   * acceptRetryAfter is set (https://learn.microsoft.com/azure/api-management/backends#circuit-breaker).
   */
  private trip(gateway: GatewayState, backend: DrillBackend, outcome: Outcome, weight: number, t: number): void {
    backend.rules.forEach((rule, i) => {
      const counts = outcome.transport
        ? rule.errorReasons.includes(outcome.reason!)
        : inRanges(outcome.status!, rule.statusRanges);
      if (!counts) return;
      const key = `${backend.id}#${i}`;
      const recent = (gateway.failures.get(key) ?? []).filter(x => x.t > t - rule.intervalS);
      recent.push({ t, n: weight });
      if (recent.reduce((s, x) => s + x.n, 0) < rule.count) return void gateway.failures.set(key, recent);
      gateway.failures.set(key, []);
      const duration = rule.acceptRetryAfter && outcome.retryAfterS !== undefined ? outcome.retryAfterS : rule.tripS;
      gateway.openUntil.set(backend.id, Math.max(gateway.openUntil.get(backend.id) ?? 0, t + duration));
    });
  }
}

/** An answer `afterS` seconds on, or forward-request's Timeout error if that is later than `timeout`. */
function late(t: number, afterS: number, timeout: number, outcome: Outcome): Answer {
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
  const models = new Set(Object.values(topo.accounts).flatMap(a => Object.values(a.deployments).map(d => d.model)));
  const borrowed = [...models].flatMap(m => {
    const { from } = throughputOf(m);
    return from === m
      ? []
      : [`throughput: ${m} is not in the PTU table (behaviour.ts): drilled with ${from}'s figures, its size class`];
  });
  const watchdog = topo.entry.mode === "private" && topo.entry.watchdog ? [WATCHDOG_ASSUMPTION] : [];
  return [...Object.values(ASSUMPTIONS), ...watchdog, ...borrowed, ...services.flatMap(policyGaps)];
}

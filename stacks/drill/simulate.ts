/**
 * Replays one scenario against a DrillTopology: requests arrive per application and chain, the entry
 * picks a gateway location, the gateway applies the token limit, picks a pool member, forwards, and on
 * failure trips breakers and retries as the generated policy says; the deployment answers from its
 * throughput. Deterministic for a given seed.
 */
import { ASSUMPTIONS, FIRST_TOKEN_S, MAX_RETRY_AFTER_S, PTU, PTU_THROUGHPUT, RTT, STANDARD, rttS } from "./behaviour";
import { DrillConfig, Scenario } from "./config";
import { Bucket, EventQueue, hash, rng } from "./engine";
import { FaultTimeline, entryRouter, weightedPick } from "./faults";
import { ChainRoute, DrillAccount, DrillBackend, DrillTopology, GatewayRegion, isProvisioned } from "./topology";
import { inRanges } from "../../policies/lib/statusCondition";
import { AppRecorder, ScenarioRun } from "./record";

interface Stream {
  app: AppRecorder;
  chain: string;
  intervalS: number;
  prompt: number;
  completion: number;
  streamingShare: number;
}
interface Request {
  stream: Stream;
  arrival: number;
  gateway: GatewayState;
  attempts: number;
  streaming: boolean;
  route: ChainRoute;
  /** The application's criticality class (1, 2 or 3): which PTU budget the request counts against. */
  criticality: number;
  /** Set once on-error walks the remaining tiers: the position of the step in flight, and the tier that failed. */
  walk?: { position: number; failedTier: number };
}
/** `reason`: the LastError.Reason a transport failure raises (Timeout, BackendConnectionFailure). */
interface Outcome {
  status?: number;
  transport?: boolean;
  reason?: string;
  retryAfterS?: number;
  served?: boolean;
}
type Event = { t: number; seq: number } & (
  | { kind: "arrive"; stream: Stream }
  | { kind: "retry"; req: Request }
  | { kind: "response"; req: Request; backend: DrillBackend; outcome: Outcome; startedAt: number }
);

interface GatewayState {
  g: GatewayRegion;
  openUntil: Map<string, number>;
  failures: Map<string, number[]>;
  limits: Map<string, Bucket>;
  /** Tokens counted per (PTU backend, priority class) for PTU shedding: (time, tokens) within the last minute. */
  spent: Map<string, { t: number; tokens: number }[]>;
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
        { g, openUntil: new Map(), failures: new Map(), limits: new Map(), spent: new Map() },
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
      } else if (e.kind === "retry") this.attempt(e.req, e.t);
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
    const region = this.route(t);
    if (this.timeline.gatewayDown(region, t)) return stream.app.onFailed(t, `entry: gateway ${region} down`);
    const gateway = this.gateways.get(region)!;
    // azure-openai-token-limit: over tokens-per-minute the gateway answers 429 without calling a backend
    // (https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy).
    const limit = gateway.g.tokenLimits[stream.app.name];
    if (limit !== undefined) {
      let bucket = gateway.limits.get(stream.app.name);
      if (!bucket) gateway.limits.set(stream.app.name, (bucket = new Bucket(limit / 60, limit)));
      if (!bucket.take(stream.prompt + stream.completion, t).ok) return stream.app.onLimited(t);
    }
    const criticality = this.topo.applications.find(a => a.name === stream.app.name)!.criticality;
    const route = this.shed(gateway, stream, criticality, t);
    this.attempt(
      {
        stream,
        arrival: t,
        gateway,
        attempts: 0,
        streaming: this.random() < stream.streamingShare,
        route,
        criticality,
      },
      t,
    );
  }

  /**
   * PTU shedding: a priority-2/3 caller whose class already used its budget of the chain's first PTU
   * deployment in the last minute takes the standard route. The counter is modelled as a sliding minute
   * of tokens (ASSUMPTIONS.shedding), read here and added to when a PTU deployment answers (count()).
   */
  private shed(gateway: GatewayState, stream: Stream, criticality: number, t: number): ChainRoute {
    const main = gateway.g.routes[stream.chain];
    const rule = gateway.g.shed[stream.chain];
    if (!rule || rule.budgets[criticality] === undefined) return main;
    const spent = this.spent(gateway, `${rule.decidedBy}#${criticality}`, t);
    return spent >= rule.budgets[criticality] ? rule.route : main;
  }

  private spent(gateway: GatewayState, key: string, t: number): number {
    const window = (gateway.spent.get(key) ?? []).filter(x => x.t > t - 60);
    gateway.spent.set(key, window);
    return window.reduce((s, x) => s + x.tokens, 0);
  }

  /** rate-limit-by-key's deferred increment: the tokens of an answer count on the counter of the PTU that gave it. */
  private count(req: Request, backend: DrillBackend, t: number): void {
    const rule = req.gateway.g.shed[req.stream.chain];
    if (!rule || rule.budgets[req.criticality] === undefined || !rule.countedOn.includes(backend.id)) return;
    const key = `${backend.id}#${req.criticality}`;
    this.spent(req.gateway, key, t);
    req.gateway.spent.get(key)!.push({ t, tokens: req.stream.prompt + req.stream.completion });
  }

  /**
   * Backend pools: the lowest priority value whose members are available takes the traffic, split by
   * weight; a member whose circuit breaker is open is skipped
   * (https://learn.microsoft.com/azure/api-management/backends#load-balanced-pool).
   */
  private pick(gateway: GatewayState, route: ChainRoute, t: number): DrillBackend | undefined {
    const pool = gateway.g.pools[route.pool];
    const open = pool.members.filter(m => (gateway.openUntil.get(m.backend) ?? -1) <= t);
    if (open.length === 0) return undefined;
    const best = Math.min(...open.map(m => m.priority));
    return gateway.g.backends[
      weightedPick(
        open.filter(m => m.priority === best),
        this.random,
      ).backend
    ];
  }

  private attempt(req: Request, t: number): void {
    req.attempts++;
    const backend = this.pick(req.gateway, req.route, t);
    if (!backend) {
      if ((req.gateway.g.fallback[req.stream.chain] ?? []).length > 0)
        return this.walk(req, { transport: true }, t, undefined);
      return req.stream.app.onFailed(req.arrival, "503: every backend of the pool is tripped", req.attempts - 1);
    }
    // Attempt n waits as long as the nth tier allows (the last tier's timeout after).
    const timeouts = req.route.tierTimeoutsS;
    const { at, outcome } = this.forward(req, backend, t, timeouts[Math.min(req.attempts - 1, timeouts.length - 1)]);
    this.queue.push({ t: at, kind: "response", req, backend, outcome, startedAt: t });
  }

  /** What the account answers and when the gateway has the response headers (or gives up). */
  private forward(req: Request, backend: DrillBackend, t: number, timeout: number): { at: number; outcome: Outcome } {
    const account = this.topo.accounts[backend.account];
    const rtt = rttS(req.gateway.g.region, account.region);
    const fault = this.timeline.accountFault(account, t);
    if (fault?.kind === "down") {
      if (fault.as === "5xx") return { at: t + rtt, outcome: { status: 503 } };
      if (fault.as === "timeout") return { at: t + timeout, outcome: { transport: true, reason: "Timeout" } };
      return { at: t + rtt, outcome: { transport: true, reason: "BackendConnectionFailure" } };
    }
    if (fault?.kind === "errors" && this.random() < fault.rate)
      return { at: t + rtt, outcome: { status: fault.status } };
    const name = backend.deployment ?? this.topo.chains[req.stream.chain].deployment;
    const deployment = account.deployments[name];
    if (!deployment) return { at: t + rtt, outcome: { status: 404 } };
    const state = this.deployment(account, name);
    const factor = this.timeline.capacityFactor(account, deployment, t);
    const cost = req.stream.prompt + req.stream.completion * state.weightOut;
    const admitted = state.tokens.take(cost, t, factor);
    const admittedRequest = admitted.ok && state.requests ? state.requests.take(1, t, factor) : admitted;
    if (!admittedRequest.ok) {
      return {
        at: t + rtt,
        outcome: { status: 429, retryAfterS: Math.min(MAX_RETRY_AFTER_S, Math.ceil(admittedRequest.waitS)) },
      };
    }
    const headersAfter = rtt + FIRST_TOKEN_S + (req.streaming ? 0 : req.stream.completion / state.tokensPerSecond);
    // forward-request timeout: no response headers within `timeout` seconds raises an error.
    if (headersAfter > timeout) return { at: t + timeout, outcome: { transport: true, reason: "Timeout" } };
    return { at: t + headersAfter, outcome: { served: true } };
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
    const app = req.stream.app;
    if (outcome.served) {
      this.count(req, backend, t);
      const extraRtt = rttS(req.gateway.g.region, this.topo.accounts[backend.account].region) - RTT.sameRegionS;
      return app.onServed(req.arrival, startedAt - req.arrival + extraRtt, req.attempts, backend.account);
    }
    if (req.walk) return this.walk(req, outcome, t, backend);
    this.trip(req.gateway, backend, outcome, t);
    const retry = req.gateway.g.retry;
    const retryable = outcome.transport ? retry.onNoResponse : inRanges(outcome.status!, retry.statusRanges);
    if (retryable && req.attempts <= req.route.retryCount) {
      const delay = req.attempts === 1 && retry.firstFastRetry ? 0 : retry.intervalS;
      if (delay === 0) return this.attempt(req, t);
      return this.queue.push({ t: t + delay, kind: "retry", req });
    }
    if (outcome.transport && (req.gateway.g.fallback[req.stream.chain] ?? []).length > 0)
      return this.walk(req, outcome, t, backend);
    // Outbound turns a final 5xx into 503; a transport error goes to on-error, which answers 503.
    const reason = outcome.transport
      ? "503: no response (on-error)"
      : outcome.status === 429
        ? "429: throttled"
        : `${outcome.status}`;
    app.onFailed(req.arrival, reason, req.attempts);
  }

  /**
   * on-error: the tier that failed is the pool member the attempt went to (the policy reads it from the
   * forwarded host; attempt n -> tier `first-tier + n` when the pool forwarded nowhere). send-request
   * replays the request on each step whose condition holds, in document order, within that step's
   * timeout, no breaker or pool involved, until one answers well; a step that got no answer moves the
   * walk on only if the policy's condition says so; a last 429 or 503 is the caller's
   * (https://learn.microsoft.com/azure/api-management/send-request-policy).
   */
  private walk(req: Request, last: Outcome, t: number, backend: DrillBackend | undefined): void {
    const { g } = req.gateway;
    const steps = g.fallback[req.stream.chain] ?? [];
    if (!req.walk) {
      const members = g.pools[g.routes[req.stream.chain].pool].members.map(m => m.backend);
      const lastTier = req.route.tierTimeoutsS.length - 1;
      const byHost = backend ? members.indexOf(backend.id) : -1;
      req.walk = {
        position: -1,
        failedTier: byHost >= 0 ? byHost : Math.min(req.route.firstTier + req.attempts - 1, lastTier),
      };
    } else if (last.transport && !g.noAnswerMovesOn) {
      return req.stream.app.onFailed(req.arrival, "503: no response (on-error)", req.attempts);
    }
    const failed = last.transport || inRanges(last.status!, g.retry.statusRanges);
    const { failedTier } = req.walk;
    const position = failed
      ? steps.findIndex(
          (s, i) => i > req.walk!.position && s.index >= req.route.firstTier && s.afterFailed.includes(failedTier),
        )
      : -1;
    if (position < 0) {
      const reason = last.transport
        ? "503: no response (on-error)"
        : last.status === 429
          ? "429: throttled"
          : `${last.status}`;
      return req.stream.app.onFailed(req.arrival, reason, req.attempts);
    }
    req.walk.position = position;
    req.attempts++;
    const next = steps[position];
    const target = g.backends[next.backend];
    const { at, outcome } = this.forward(req, target, t, next.timeoutS);
    this.queue.push({ t: at, kind: "response", req, backend: target, outcome, startedAt: t });
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

export function simulate(topo: DrillTopology, scenario: Scenario, config: DrillConfig): ScenarioRun {
  return new Simulation(topo, scenario, config).simulate();
}

/** The assumptions of the model, and the gaps the plan shows, as printed beside every report. */
export function assumptions(topo: DrillTopology): string[] {
  const gaps: string[] = [];
  for (const g of new Map(topo.gateways.map(g => [g.service, g])).values()) {
    const walkless = Object.keys(topo.chains).filter(c => (g.fallback[c] ?? []).length === 0);
    if (walkless.length > 0)
      gaps.push(
        `${g.service}: no on-error send-request walk for ${walkless.join(", ")}: a connection failure or timeout that ends the retry is answered 503`,
      );
    const deaf = Object.values(g.backends)
      .filter(b => b.rules.every(r => r.errorReasons.length === 0))
      .map(b => b.id);
    if (deaf.length > 0)
      gaps.push(
        `${g.service}: breaker rules without errorReasons (transport failures never trip them): ${deaf.join(", ")}`,
      );
  }
  return [...Object.values(ASSUMPTIONS), ...gaps.map(g => `plan: ${g}`)];
}

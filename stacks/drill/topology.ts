/**
 * What the drill simulates: the topology as the plan declares it, reduced to what routing and failover
 * depend on. `readPlan.ts` builds it from a plan; the simulation reads nothing else, so a change of the
 * gateway's shape (backends, pools, policy) is a change of `readPlan.ts` only.
 */
import type { FailoverChain } from "../../infra/topology";
import type { StatusRange } from "../../policies/lib/statusCondition";

/** One circuit-breaker rule of an APIM backend (`circuitBreaker.rules[]`). */
export interface BreakerRule {
  name: string;
  /** Failures within `intervalS` that trip the breaker. */
  count: number;
  intervalS: number;
  tripS: number;
  /** The breaker stays open for the backend's `Retry-After` instead of `tripS` when it sends one. */
  acceptRetryAfter: boolean;
  statusRanges: StatusRange[];
  /** Transport failures that count (`failureCondition.errorReasons`); empty: only responses count. */
  errorReasons: string[];
}

export interface DrillBackend {
  id: string;
  /** The OpenAI account (key of the plan's `accounts` output) the backend's URL points at. */
  account: string;
  /** The deployment named in the backend URL; undefined when the request's path names it. */
  deployment?: string;
  rules: BreakerRule[];
}

export interface PoolMember {
  backend: string;
  priority: number;
  weight: number;
}

export interface DrillPool {
  id: string;
  members: PoolMember[];
}

/** The `retry` around `forward-request` in the generated API policy. */
export interface RetryPolicy {
  intervalS: number;
  firstFastRetry: boolean;
  /** Status codes the retry condition retries on, read from the condition expression. */
  statusRanges: StatusRange[];
  /** Whether the condition also retries when no response came back (connection failure, timeout). */
  onNoResponse: boolean;
  condition: string;
}

/**
 * Where the policy sends a chain: its pool, the retries (one per further tier) and each attempt's
 * timeout (attempt n waits as long as the nth tier of the pool allows, the last tier's after).
 */
export interface ChainRoute {
  pool: string;
  retryCount: number;
  tierTimeoutsS: number[];
  /** The tier index the request starts at (0, or the first standard tier when shed). */
  firstTier: number;
}

/**
 * Over-budget shedding of priority-2/3 callers from the chain's first PTU deployment: past
 * `budgets[priority]` tokens in the counter's minute the request takes `route` (the standard pool).
 * `decidedBy` is the PTU backend whose counter the decision reads; `countedOn` the PTU backends whose
 * counters take the tokens of the requests they answered.
 */
export interface ShedRule {
  budgets: Record<number, number>;
  route: ChainRoute;
  decidedBy: string;
  countedOn: string[];
}

/**
 * One step of the on-error walk: a new request to `backend` (tier `index` of the chain), taken when the
 * walk started at or before `index` and the tier that failed is one of `afterFailed`.
 */
export interface FallbackStep {
  index: number;
  backend: string;
  timeoutS: number;
  afterFailed: number[];
}

/** One API Management gateway location; multi-region services have one per location. */
export interface GatewayRegion {
  region: string;
  service: string;
  backends: Record<string, DrillBackend>;
  pools: Record<string, DrillPool>;
  /** Failover chain -> the pool the policy sends it to. */
  chainPools: Record<string, string>;
  routes: Record<string, ChainRoute>;
  /** Chain -> shedding rule, for chains starting at a PTU deployment. */
  shed: Record<string, ShedRule>;
  /** Chain -> on-error steps (send-request to the remaining tiers); empty when on-error does not replay. */
  fallback: Record<string, FallbackStep[]>;
  /** Whether a walk step that got no answer (status 0) moves the walk on to the next step. */
  noAnswerMovesOn: boolean;
  retry: RetryPolicy;
  /** Application -> tokens per minute of its gateway token limit. */
  tokenLimits: Record<string, number>;
}

export interface DrillDeployment {
  model: string;
  sku: string;
  capacity: number;
}

export interface DrillAccount {
  key: string;
  region: string;
  role: string;
  subscription: string;
  deployments: Record<string, DrillDeployment>;
}

export interface DrillApplication {
  name: string;
  /** 1 = most critical (the config's `applications[].priority`): never shed from a PTU deployment. */
  criticality: number;
  /** The chains the application calls, one per deployment name. */
  chains: string[];
  tokensPerMinute: number;
}

export interface FrontDoorOrigin {
  region: string;
  priority: number;
  weight: number;
  enabled: boolean;
}

export type DrillEntry =
  | {
      mode: "public";
      probeIntervalS: number;
      sampleSize: number;
      successfulSamplesRequired: number;
      origins: FrontDoorOrigin[];
    }
  | { mode: "private"; activeRegion: string; ttlS: number };

export interface DrillTopology {
  project: string;
  stack: string;
  accounts: Record<string, DrillAccount>;
  /** The failover chains as the program computed them (the plan's `outputs.chains`). */
  chains: Readonly<Record<string, FailoverChain>>;
  applications: DrillApplication[];
  gateways: GatewayRegion[];
  entry: DrillEntry;
}

/** Provisioned (PTU) SKUs: ProvisionedManaged, DataZoneProvisionedManaged, GlobalProvisionedManaged. */
export const isProvisioned = (sku: string) => /Provisioned/.test(sku);

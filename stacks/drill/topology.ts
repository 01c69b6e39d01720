/**
 * What the drill simulates: the topology as the plan declares it, reduced to what routing and failover
 * depend on. `readPlan.ts` builds it from a plan; the simulation reads nothing else, so a change of the
 * gateway's shape (backends, policy) is a change of `readPlan.ts` only.
 */
import type { DrillWatchdog } from "./watchdog";
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

/**
 * One step of a chain as the policy's `steps` variable lists it (`backendId,region,timeoutSeconds,kind`):
 * a single backend, its region, its non-streamed timeout, and its kind: a PTU (`P`) or a standard
 * deployment (`S`), `S<weight>` when it belongs to a weighted group of consecutive standard steps.
 */
export interface ChainStep {
  backend: string;
  region: string;
  timeoutS: number;
  provisioned: boolean;
  /** Set for a step of a weighted group: the policy picks the group's first step by weight per request. */
  weight?: number;
}

/** The `retry` around `forward-request`: the statuses that move a request on to the next step. */
export interface RetryPolicy {
  statusRanges: StatusRange[];
  /** Whether the condition also stops when less than a second of the chain deadline is left. */
  stopsAtDeadline: boolean;
  condition: string;
}

/**
 * The bounds every wait gets: each attempt's forward-request timeout is min(stream ? firstByteS : the step's
 * timeoutS, deadlineS − elapsed), at least 1 s.
 */
export interface Waits {
  deadlineS: number;
  firstByteS: number;
}

/**
 * on-error for a silent backend (Timeout, BackendConnectionFailure of forward-request): the step is marked
 * suspect for `suspectS` (0: no marking) and the caller gets a 503 with `Retry-After: retryAfterS`
 * (undefined: no Retry-After, the caller does not retry). Other errors get APIM's own error answer.
 */
export interface SilentBackend {
  suspectS: number;
  retryAfterS?: number;
  /** The LastError reasons of forward-request that on-error acts on. */
  reasons: string[];
}

/**
 * Over-budget shedding of priority-2/3 callers from the chain's first PTU deployment: past
 * `budgets[priority]` tokens in the counter's minute the request starts at the chain's first standard step.
 * `decidedBy` is the PTU backend whose counter the decision reads; `countedOn` the PTU backends whose
 * counters take the tokens of the requests they served.
 */
export interface ShedRule {
  budgets: Record<number, number>;
  decidedBy: string;
  countedOn: string[];
}

/** One API Management gateway location; multi-region services have one per location. */
export interface GatewayRegion {
  region: string;
  service: string;
  backends: Record<string, DrillBackend>;
  /** Failover chain -> its steps, in the chain's order. */
  steps: Record<string, ChainStep[]>;
  /** Chain -> shedding rule, for chains starting at a PTU deployment. */
  shed: Record<string, ShedRule>;
  retry: RetryPolicy;
  waits: Waits;
  silent: SilentBackend;
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
  | { mode: "private"; activeRegion: string; ttlS: number; watchdog?: DrillWatchdog };

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

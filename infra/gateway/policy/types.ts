/** The plain values the policy builder reads: no Pulumi types, so every document is easy to test. */
import { AccountRole } from "../../../catalog/tags";
import { ChainTier, FailoverChain } from "../../topology";

export interface PolicyApplication {
  readonly name: string;
  /** 1 = most critical: never shed from the PTU deployments (the config's `applications[].priority`). */
  readonly criticality: number;
  readonly workload?: string;
  readonly tokensPerMinute?: number;
  /** Entra mode: the client applications (`azp`/`appid`) this application calls from; its own list only. */
  readonly clientApplicationIds: readonly string[];
}

/** A chain tier resolved to the gateway's backend: one step of the chain. */
export interface GatewayTier extends ChainTier {
  /** APIM backend of this (account, deployment). */
  readonly backendId: string;
  readonly role: AccountRole;
  /** The account's region: what `X-Served-By` names. */
  readonly region: string;
  /** Seconds a non-streamed attempt on this step may wait for the response headers. */
  readonly timeoutSeconds: number;
}

/** A failover chain as the gateway walks it: its tiers resolved to backends. */
export interface GatewayChain extends Omit<FailoverChain, "tiers"> {
  /** Tiers in the order a request walks them (priority, then listing order). */
  readonly tiers: readonly GatewayTier[];
  /** The PTU deployment the chain starts at, if any: lower-priority callers can be shed from it. */
  readonly firstPtu?: { readonly backendId: string; readonly units: number };
}

export type CallerAuth =
  | {
      readonly kind: "entra";
      readonly tenantId: string;
      /** Every audience a valid token may carry: the identifier URI (v1 tokens) and the app's client id (v2 tokens). */
      readonly audiences: readonly string[];
      /** Client applications allowed to call (validate-azure-ad-token requires at least one). */
      readonly clientApplicationIds: readonly string[];
      readonly rolePrefix: string;
    }
  | { readonly kind: "subscription-key" };

/** Every wait of a request, in seconds (`gateway.*Seconds`). */
export interface PolicyTiming {
  /** The most a request waits across all its attempts. */
  readonly chainTimeoutSeconds: number;
  /** A streamed request's bound per attempt (until the response headers, sent with the first token). */
  readonly streamFirstByteSeconds: number;
  /** How long a step that timed out or refused the connection is skipped. */
  readonly suspectSeconds: number;
}

export interface ApiPolicyInput {
  readonly callerAuth: CallerAuth;
  readonly backendAuth: "managedIdentity" | "keys";
  readonly applications: readonly PolicyApplication[];
  readonly chains: readonly GatewayChain[];
  readonly timing: PolicyTiming;
  /** Seconds a caller is told to wait when no backend said when it comes back. */
  readonly retryAfterSeconds: number;
  /** Tokens per minute, per PTU, that priority-2 and priority-3 callers may use of a PTU deployment. */
  readonly ptuBudget: { readonly 2: number; readonly 3: number };
  /** Whether `X-Served-By` also names the backend (internal account names) besides its region. */
  readonly exposeBackendNames: boolean;
  /** Named value holding the Front Door id that must arrive in `X-Azure-FDID` (public mode). */
  readonly frontDoorIdNamedValue?: string;
  /** Client id of the gateway's user-assigned identity, which `authentication-managed-identity` must name (`client-id`). */
  readonly identityClientId?: string;
}

/**
 * The BCDR topology as plain data, computed from the validated config: which account sits where and
 * for what role, what each one deploys, and the failover chains the gateway walks. The Pulumi
 * components, the gateway policy and the plan's diagram all read this one model. Pure: no Pulumi import.
 */
import { PRIMARY_SUBSCRIPTION } from "./config/schema";
import { BcdrConfig } from "./config/types";
import { DeploymentSku } from "../catalog/models";
import { AccountRole, RegionRole } from "../catalog/tags";

export type CapacitySource = "declared" | "live" | "config";

/** Where a standard account sits, before its capacities are known. */
export interface StandardPlacement {
  readonly key: string;
  readonly regionRole: RegionRole;
  readonly region: string;
  readonly subscription: string;
}

export interface DeploymentSpec {
  /** The deployment name: the model's alias that clients call, identical on every account of a chain. */
  readonly name: string;
  readonly model: string;
  readonly version: string;
  readonly sku: DeploymentSku;
  /** Thousands of tokens per minute for standard SKUs, PTUs for provisioned ones. */
  readonly capacity: number;
  readonly capacitySource: CapacitySource;
}

export interface AccountSpec {
  /** Stable logical name: part of every child URN, never derived from anything that may change. */
  readonly key: string;
  readonly role: AccountRole;
  readonly regionRole?: RegionRole;
  readonly workload?: string;
  readonly region: string;
  readonly subscription: string;
  readonly deployments: readonly DeploymentSpec[];
}

/** One tier of a failover chain: an account's deployment as a member of the chain's APIM backend pool. */
export interface ChainTier {
  readonly account: string;
  /**
   * The pool member's `priority` (lowest served first): 1 = workload PTU, 2 = enterprise PTU, 3 = standard
   * (4 = standard outside the active region in active/passive). Not an application's criticality.
   */
  readonly priority: number;
  /** Its share among the tiers of its priority (the pool member's `weight`, 0-100). */
  readonly weight: number;
}

/**
 * One failover chain: the tiers a request for one deployment name walks. Computed once, by
 * `buildTopology`; the gateway resolves it to backends (./gateway/chains), the stack outputs carry it as is.
 */
export interface FailoverChain {
  readonly name: string;
  readonly deployment: string;
  readonly workload?: string;
  readonly tiers: readonly ChainTier[];
}

export interface Topology {
  readonly dataZone?: string;
  readonly accounts: readonly AccountSpec[];
  readonly chains: readonly FailoverChain[];
}

/** Pool priority of each tier role (`ChainTier.priority`). */
export const TIER_PRIORITY = { workloadPtu: 1, enterprisePtu: 2, standard: 3, standardSecondary: 4 } as const;

export function standardPlacements(config: BcdrConfig): StandardPlacement[] {
  return [
    {
      key: "standard-primary",
      regionRole: "primary",
      region: config.regions.primary,
      subscription: PRIMARY_SUBSCRIPTION,
    },
    {
      key: "standard-secondary",
      regionRole: "secondary",
      region: config.regions.secondary,
      subscription: PRIMARY_SUBSCRIPTION,
    },
    ...config.overflowSubscriptions.flatMap(s =>
      s.regions.map(region => ({
        key: `overflow-${s.name}-${region}`,
        regionRole: "overflow" as const,
        region,
        subscription: s.name,
      })),
    ),
  ];
}

/** Resolved standard capacity per placement key and model name. */
export type CapacityTable = ReadonlyMap<string, ReadonlyMap<string, { capacity: number; source: CapacitySource }>>;

function standardAccounts(config: BcdrConfig, capacities: CapacityTable): AccountSpec[] {
  return standardPlacements(config).map(p => ({
    key: p.key,
    role: "standard",
    regionRole: p.regionRole,
    region: p.region,
    subscription: p.subscription,
    deployments: config.standard.models.map(m => {
      const resolved = capacities.get(p.key)?.get(m.name);
      if (!resolved) throw new Error(`no resolved capacity for ${m.name} on ${p.key}`);
      return {
        name: m.name,
        model: m.name,
        version: m.version,
        sku: config.standard.deploymentType,
        capacity: resolved.capacity,
        capacitySource: resolved.source,
      };
    }),
  }));
}

function ptuAccount(
  key: string,
  role: AccountRole,
  pool: NonNullable<BcdrConfig["enterprisePtu"]>,
  workload?: string,
): AccountSpec {
  return {
    key,
    role,
    workload,
    region: pool.region,
    subscription: PRIMARY_SUBSCRIPTION,
    deployments: [
      {
        name: pool.model,
        model: pool.model,
        version: pool.version,
        sku: pool.sku,
        capacity: pool.ptu,
        capacitySource: "config",
      },
    ],
  };
}

/**
 * Standard tier of every chain. Active/active: one priority, weighted by capacity. Active/passive: the
 * primary region is the active one; every standard account outside it (the secondary and any overflow
 * account there or in a third region) stands behind every account in it, overflow in the primary included.
 */
function standardTiers(config: BcdrConfig, accounts: readonly AccountSpec[], model: string): ChainTier[] {
  const standard = accounts.filter(a => a.role === "standard");
  const capacityOf = (a: AccountSpec) => a.deployments.find(d => d.model === model)?.capacity ?? 0;
  const total = standard.reduce((sum, a) => sum + capacityOf(a), 0);
  const passive = (a: AccountSpec) =>
    config.standard.routing === "active-passive" && a.region !== config.regions.primary;
  return standard.map(a => ({
    account: a.key,
    priority: passive(a) ? TIER_PRIORITY.standardSecondary : TIER_PRIORITY.standard,
    // APIM pool weights are 0-100; keep every backend at least 1 so none is starved.
    weight: Math.max(1, Math.round((100 * capacityOf(a)) / Math.max(total, 1))),
  }));
}

/**
 * Every standard placement at capacity 0: the chains, their tiers and timeouts do not depend on capacities, so
 * what measures the chains or the policy before the quota is known builds the topology with it.
 */
export function zeroCapacities(config: BcdrConfig): CapacityTable {
  const models = new Map(config.standard.models.map(m => [m.name, { capacity: 0, source: "config" as const }]));
  return new Map(standardPlacements(config).map(p => [p.key, models]));
}

export function buildTopology(config: BcdrConfig, capacities: CapacityTable): Topology {
  const enterprise = config.enterprisePtu;
  const accounts: AccountSpec[] = [
    ...standardAccounts(config, capacities),
    ...(enterprise ? [ptuAccount("enterprise-ptu", "enterprise-ptu", enterprise)] : []),
    ...config.workloadPtus.map(w => ptuAccount(`workload-${w.name}`, "workload-ptu", w, w.name)),
  ];
  const enterpriseTier = (model: string): ChainTier[] =>
    enterprise?.model === model
      ? [{ account: "enterprise-ptu", priority: TIER_PRIORITY.enterprisePtu, weight: 100 }]
      : [];
  const chains: FailoverChain[] = [
    // Shared chains, one per deployment name: applications without a dedicated pool start here.
    ...config.standard.models.map(m => ({
      name: `shared-${m.name}`,
      deployment: m.name,
      tiers: [...enterpriseTier(m.name), ...standardTiers(config, accounts, m.name)],
    })),
    // A workload's chain: its own PTU, then the enterprise pool, then standard.
    ...config.workloadPtus.map(w => ({
      name: `workload-${w.name}`,
      deployment: w.model,
      workload: w.name,
      tiers: [
        { account: `workload-${w.name}`, priority: TIER_PRIORITY.workloadPtu, weight: 100 },
        ...enterpriseTier(w.model),
        ...standardTiers(config, accounts, w.model),
      ],
    })),
  ];
  return { dataZone: config.dataZone, accounts, chains };
}

/** The chain a request for `deployment` walks: the caller's workload chain for it, else the shared one. */
export function chainFor(topology: Topology, deployment: string, workload?: string): FailoverChain {
  const own = workload && topology.chains.find(c => c.workload === workload && c.deployment === deployment);
  return own || topology.chains.find(c => c.workload === undefined && c.deployment === deployment)!;
}

/** Every chain an application may use: one per deployment name. */
export function applicationChains(topology: Topology, workload?: string): FailoverChain[] {
  const deployments = [...new Set(topology.chains.map(c => c.deployment))];
  return deployments.map(d => chainFor(topology, d, workload));
}

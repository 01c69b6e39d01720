/**
 * Capacity after the loss of each region: per deployment name, the standard capacity (thousands of tokens
 * per minute) and the provisioned PTUs left when one region is down, beside the token limits of the
 * applications that call it. Pure over the stack outputs: the plan's summary and the drill's report print it.
 * PTUs are not turned into tokens per minute: a PTU's throughput depends on the model and the shape of the
 * calls (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/provisioned-throughput-onboarding).
 */
import type { StackOutputs } from "../../infra/outputs";

/** What one deployment name keeps. */
export interface DeploymentCapacity {
  /** Standard capacity, thousands of tokens per minute. */
  readonly standardK: number;
  readonly ptu: number;
}

export interface RegionLoss {
  /** The region lost; null: every region up. */
  readonly lost: string | null;
  /** Deployment name -> what is left. */
  readonly deployments: Readonly<Record<string, DeploymentCapacity>>;
}

export interface CapacityReport {
  readonly losses: readonly RegionLoss[];
  /**
   * Deployment name -> the sum of the token limits (tokens per minute) of the applications that call it;
   * null when one of them has no limit.
   */
  readonly applicationLimits: Readonly<Record<string, number | null>>;
}

type Outputs = Pick<StackOutputs, "accounts" | "chains" | "applications">;

const isProvisioned = (sku: string) => sku.includes("Provisioned");

function capacityWithout(outputs: Outputs, lost: string | null): Record<string, DeploymentCapacity> {
  const left: Record<string, { standardK: number; ptu: number }> = {};
  for (const account of Object.values(outputs.accounts)) {
    for (const [name, d] of Object.entries(account.deployments)) {
      const entry = (left[name] ??= { standardK: 0, ptu: 0 });
      if (account.region === lost) continue;
      if (isProvisioned(d.sku)) entry.ptu += d.capacity;
      else entry.standardK += d.capacity;
    }
  }
  return left;
}

function applicationLimits(outputs: Outputs): Record<string, number | null> {
  const limits: Record<string, number | null> = {};
  for (const app of Object.values(outputs.applications)) {
    const deployments = new Set(app.chains.map(c => outputs.chains[c]?.deployment).filter(d => d !== undefined));
    for (const d of deployments) {
      const sum = limits[d] === undefined ? 0 : limits[d];
      limits[d] = sum === null || app.tokensPerMinute === undefined ? null : sum + app.tokensPerMinute;
    }
  }
  return limits;
}

/** Every region up, then each region that holds an account lost in turn. */
export function capacityAfterRegionLoss(outputs: Outputs): CapacityReport {
  const regions = [...new Set(Object.values(outputs.accounts).map(a => a.region))];
  return {
    losses: [null, ...regions].map(lost => ({ lost, deployments: capacityWithout(outputs, lost) })),
    applicationLimits: applicationLimits(outputs),
  };
}

const thousands = (k: number) => `${k}K`;

function cell(c: DeploymentCapacity, limit: number | null | undefined): string {
  const ptu = c.ptu > 0 ? ` + ${c.ptu} PTU` : "";
  const short = typeof limit === "number" && c.standardK * 1000 < limit ? " short" : "";
  return `${thousands(c.standardK)}${ptu}${short}`;
}

/** The table: a row per deployment name, a column per lost region, the applications' limits last. */
export function renderCapacity(report: CapacityReport): string {
  const names = Object.keys(report.losses[0]?.deployments ?? {});
  const header = ["deployment", ...report.losses.map(l => (l.lost === null ? "all up" : `-${l.lost}`)), "app limits"];
  const rows = names.map(n => {
    const limit = report.applicationLimits[n];
    return [
      n,
      ...report.losses.map(l => cell(l.deployments[n], limit)),
      limit === undefined ? "-" : limit === null ? "unlimited" : thousands(limit / 1000),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    "capacity after losing one region (standard K TPM + provisioned PTU; short: standard TPM below the app limits, the sum of",
    "the token limits of the applications that call it; each limit covers all of one application's calls):",
    ...[header, ...rows].map(r => `  ${line(r)}`),
  ].join("\n");
}

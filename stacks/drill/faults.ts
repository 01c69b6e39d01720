/** When and where a scenario's faults apply. */
import { DrillConfig, Fault, Scenario } from "./config";
import { DrillAccount, DrillDeployment, isProvisioned } from "./topology";

/** When each fault of a scenario holds, in minutes: its own from/to, else the window's fault period. */
export function faultSpans(scenario: Scenario, config: DrillConfig): { from: number; to: number }[] {
  return scenario.faults.map(f => ({ from: f.from ?? config.window.faultFrom, to: f.to ?? config.window.faultTo }));
}

export interface ActiveFault {
  fault: Fault;
  fromS: number;
  toS: number;
}

export class FaultTimeline {
  readonly faults: ActiveFault[];

  constructor(scenario: Scenario, config: DrillConfig) {
    const spans = faultSpans(scenario, config);
    this.faults = scenario.faults.map((fault, i) => ({ fault, fromS: spans[i].from * 60, toS: spans[i].to * 60 }));
  }

  /** The outage or error fault hitting an account at `t`, if any (the first the scenario lists). */
  accountFault(account: DrillAccount, t: number): Extract<Fault, { kind: "down" | "errors" }> | undefined {
    for (const { fault: f, fromS, toS } of this.faults) {
      if (t < fromS || t >= toS || (f.kind !== "down" && f.kind !== "errors")) continue;
      if (f.account === account.key || f.region === account.region) return f;
    }
    return undefined;
  }

  /** The share of a deployment's throughput left to the gateway's traffic at `t` (saturation, exhausted quota). */
  capacityFactor(account: DrillAccount, deployment: DrillDeployment, t: number): number {
    let factor = 1;
    for (const { fault: f, fromS, toS } of this.faults) {
      if (t < fromS || t >= toS) continue;
      if (f.kind === "saturated" && f.account === account.key) factor *= 1 - f.load;
      // Standard quota is per subscription, region and model; provisioned capacity is reserved apart from it.
      if (
        f.kind === "quota-exhausted" &&
        f.subscription === account.subscription &&
        f.region === account.region &&
        f.model === deployment.model &&
        !isProvisioned(deployment.sku)
      )
        factor = 0;
    }
    return factor;
  }

  gatewayDown(region: string, t: number): boolean {
    return this.gatewayOutages(region).some(f => t >= f.fromS && t < f.toS);
  }

  gatewayOutages(region: string): ActiveFault[] {
    return this.faults.filter(f => f.fault.kind === "gateway-down" && f.fault.region === region);
  }
}

export function weightedPick<T extends { weight: number }>(items: readonly T[], random: () => number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let x = random() * total;
  for (const i of items) {
    x -= i.weight;
    if (x < 0) return i;
  }
  return items[items.length - 1];
}

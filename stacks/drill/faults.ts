/** When and where a scenario's faults apply, and which gateway location the entry sends a request to. */
import { watchdogSwitchAt } from "./watchdog";
import { DrillConfig, Fault, Scenario } from "./config";
import { DrillAccount, DrillDeployment, DrillTopology, isProvisioned } from "./topology";

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

  private active(t: number): Fault[] {
    return this.faults.filter(f => t >= f.fromS && t < f.toS).map(f => f.fault);
  }

  /** The outage or error fault hitting an account at `t`, if any. */
  accountFault(account: DrillAccount, t: number): Extract<Fault, { kind: "down" | "errors" }> | undefined {
    return this.active(t).find(
      (f): f is Extract<Fault, { kind: "down" | "errors" }> =>
        (f.kind === "down" || f.kind === "errors") && (f.account === account.key || f.region === account.region),
    );
  }

  /** The share of a deployment's throughput left to the gateway's traffic at `t` (saturation, exhausted quota). */
  capacityFactor(account: DrillAccount, deployment: DrillDeployment, t: number): number {
    let factor = 1;
    for (const f of this.active(t)) {
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
    return this.active(t).some(f => f.kind === "gateway-down" && f.region === region);
  }

  gatewayOutages(region: string): ActiveFault[] {
    return this.faults.filter(f => f.fault.kind === "gateway-down" && f.fault.region === region);
  }
}

/** Picks the gateway location for a request arriving at `t`, as Front Door or the private DNS record would. */
export function entryRouter(
  t: DrillTopology,
  timeline: FaultTimeline,
  config: DrillConfig,
  random: () => number,
): (at: number) => string {
  const entry = t.entry;
  if (entry.mode === "private") {
    // The DNS record points at the active region until the watchdog (watchdog.ts) or an operator flips it (plus
    // the record's TTL).
    const other = t.gateways.map(g => g.region).find(r => r !== entry.activeRegion);
    const outage = timeline.gatewayOutages(entry.activeRegion)[0];
    const switchAt = !other
      ? Infinity
      : entry.watchdog
        ? watchdogSwitchAt(entry.watchdog, entry.activeRegion, other, timeline, config, entry.ttlS, random)
        : outage
          ? outage.fromS + config.operatorMinutes * 60 + entry.ttlS
          : Infinity;
    return at => (at >= switchAt ? other! : entry.activeRegion);
  }
  // Front Door health probes (https://learn.microsoft.com/azure/frontdoor/health-probes): an origin leaves
  // rotation once fewer than successfulSamplesRequired of the last sampleSize probes succeeded, and returns
  // once enough succeed again; probes run every probeIntervalInSeconds.
  const { probeIntervalS: every, sampleSize, successfulSamplesRequired: needed } = entry;
  const outOfRotation = new Map(
    entry.origins.map(o => [
      o.region,
      timeline.gatewayOutages(o.region).map(f => {
        const phase = random() * every;
        return { from: f.fromS + phase + every * (sampleSize - needed), to: f.toS + phase + every * (needed - 1) };
      }),
    ]),
  );
  const origins = entry.origins.filter(o => o.enabled);
  return at => {
    const healthy = origins.filter(o => !outOfRotation.get(o.region)!.some(w => at >= w.from && at < w.to));
    const pool = healthy.length > 0 ? healthy : origins;
    const best = Math.min(...pool.map(o => o.priority));
    return weightedPick(
      pool.filter(o => o.priority === best),
      random,
    ).region;
  };
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

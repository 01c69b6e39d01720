/**
 * Private mode's failover watchdog in the drill: when the record leaves the active region, and the scenarios that
 * show it. The record moves at
 *   fault + the probe's phase (0 to one interval) + (threshold - 1) intervals + the probe timeout when the gateway
 *   hangs + the write (ARM's PATCH and the resolvers seeing it) + the record's TTL (clients that re-resolve);
 * a gateway that is down resets its clients' pooled connections, so they re-resolve at once (a hung one makes them
 * wait for their own timeout, which the simulation charges to each request). The watchdog never moves the record
 * to a region it cannot probe; with its own region down, the move waits for an operator (operatorMinutes).
 * A probe path broken while the gateway is fine moves the record all the same (a false flip): the other region
 * serves every chain too, so callers lose nothing but the TTL's worth of connections re-resolving.
 */
import type { PlanLike } from "./readPlan";
import { DrillConfig, Fault, Scenario } from "./config";
import type { FaultTimeline } from "./faults";
import type { ScenarioReport } from "./record";
import type { DrillTopology } from "./topology";
import { SETTING } from "../../catalog/watchdog";
import { TYPES } from "../../catalog/types";

/** The watchdog as the plan declares it (its function app's settings). */
export interface DrillWatchdog {
  region: string;
  intervalS: number;
  threshold: number;
  probeTimeoutS: number;
}

/** Assumed seconds from the decision to resolvers answering the new address (ARM's PATCH, Private DNS propagation). */
export const WRITE_S = 10;
/** The goal: every application back to 99 % served this long after the fault, with no operator. */
export const GOAL_S = 120;

export const WATCHDOG_ASSUMPTION = `private mode's watchdog: a move is written and seen by the resolvers ${WRITE_S} s after the decision (not documented: docs/dev-instance-checklist.md)`;

/** The watchdog's settings from the plan's function app, or undefined when the stack has none. */
export function readWatchdog(plan: PlanLike): DrillWatchdog | undefined {
  const app = plan.resources.find(r => r.type === TYPES.webApp && r.name.endsWith("watchdog-app"));
  if (!app) return undefined;
  const inputs = app.inputs as { location: string; siteConfig: { appSettings: { name: string; value: string }[] } };
  const setting = (name: string) => inputs.siteConfig.appSettings.find(s => s.name === name)?.value ?? "";
  return {
    region: inputs.location,
    // `*/<seconds> * * * * *`
    intervalS: Number(/^\*\/(\d+) /.exec(setting(SETTING.schedule))?.[1]),
    threshold: Number(setting(SETTING.failureThreshold)),
    probeTimeoutS: Number(setting(SETTING.probeTimeoutMs)) / 1000,
  };
}

type ActiveFault = FaultTimeline["faults"][number];
const isKind =
  <K extends Fault["kind"]>(kind: K, region?: string) =>
  (f: ActiveFault): f is ActiveFault & { fault: Extract<Fault, { kind: K }> } =>
    f.fault.kind === kind && (region === undefined || (f.fault as { region?: string }).region === region);

/** Whether the watchdog's probe of `region` fails at `t`: its gateway down, or the path to it broken. */
function probeFails(timeline: FaultTimeline, region: string, t: number): boolean {
  return timeline.faults.some(
    f => (isKind("gateway-down", region)(f) || isKind("probe-path-broken", region)(f)) && t >= f.fromS && t < f.toS,
  );
}

/** When the record leaves `active` for `other` (before clients' caches expire), or Infinity. `random` draws the probe's phase. */
export function watchdogSwitchAt(
  w: DrillWatchdog,
  active: string,
  other: string,
  timeline: FaultTimeline,
  config: DrillConfig,
  random: () => number,
): number {
  const cause = timeline.faults.filter(
    f => isKind("gateway-down", active)(f) || isKind("probe-path-broken", active)(f),
  )[0];
  if (!cause) return Infinity;
  const watchdogDown = timeline.faults.some(
    f => isKind("watchdog-down")(f) && cause.fromS >= f.fromS && cause.fromS < f.toS,
  );
  const gatewayOutage = timeline.gatewayOutages(active)[0];
  // Its region down: the runbook's manual toggle, and only for a real gateway outage.
  if (watchdogDown) return gatewayOutage ? gatewayOutage.fromS + config.operatorMinutes * 60 : Infinity;
  const hangs = timeline.faults.some(
    f => isKind("down", active)(f) && (f.fault as { as?: string }).as === "timeout" && f.fromS <= cause.fromS,
  );
  const decided =
    cause.fromS + random() * w.intervalS + (w.threshold - 1) * w.intervalS + (hangs ? w.probeTimeoutS : 0);
  // Never to a region the watchdog cannot probe.
  if (probeFails(timeline, other, decided)) return Infinity;
  return decided + WRITE_S;
}

/** The scenarios only the watchdog has, named after what fails (the whole-region one is every stack's). */
export function watchdogScenarios(t: DrillTopology, w: DrillWatchdog): Scenario[] {
  if (t.entry.mode !== "private") return [];
  const active = t.entry.activeRegion;
  return [
    { name: `probe path to ${active} broken`, faults: [{ kind: "probe-path-broken", region: active }] },
    {
      name: "watchdog region down",
      faults: [
        { kind: "watchdog-down", region: w.region },
        { kind: "gateway-down", region: active },
      ],
    },
  ];
}

/** The goals' verdicts, one line per scenario they apply to. */
export function watchdogGoals(t: DrillTopology, runs: readonly ScenarioReport[]): string[] {
  if (t.entry.mode !== "private") return [];
  const active = t.entry.activeRegion;
  const line = (
    name: string,
    goal: string,
    met: (r: ScenarioReport) => boolean,
    detail: (r: ScenarioReport) => string,
  ) => {
    const r = runs.find(x => x.name === name);
    return r ? `  ${met(r) ? "met   " : "MISSED"} ${name}: ${goal} (${detail(r)})` : undefined;
  };
  const settled = (r: ScenarioReport) => r.applications.every(a => a.settleS !== null && a.settleS <= GOAL_S);
  const slowest = (r: ScenarioReport) =>
    `slowest settles in ${Math.max(...r.applications.map(a => a.settleS ?? Infinity))} s`;
  const lossless = (r: ScenarioReport) => r.applications.every(a => a.served >= 1);
  const least = (r: ScenarioReport) =>
    `least served ${(Math.min(...r.applications.map(a => a.served)) * 100).toFixed(2)} %`;
  return [
    line(`gateway ${active} down`, `every application back to 99 % within ${GOAL_S} s, no operator`, settled, slowest),
    line(
      `${active} down with its gateway`,
      `every application back to 99 % within ${GOAL_S} s, no operator`,
      settled,
      slowest,
    ),
    line(`probe path to ${active} broken`, "callers lose nothing", lossless, least),
  ].filter((l): l is string => l !== undefined);
}

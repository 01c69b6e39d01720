/**
 * The entry: which gateway location a request arriving at `t` reaches. Public mode: Front Door's origin group
 * and its health probes. Private mode: the gateway host's DNS record (`gatewayRecord`): who changes it and
 * when, and the record's TTL, after which clients follow.
 */
import { DrillConfig } from "./config";
import { FaultTimeline, weightedPick } from "./faults";
import { DrillEntry, DrillTopology } from "./topology";
import { watchdogSwitchAt } from "./watchdog";

type PrivateEntry = Extract<DrillEntry, { mode: "private" }>;
type PublicEntry = Extract<DrillEntry, { mode: "public" }>;

/** A change of the private gateway record: from `at` (seconds) it points at `region`. */
interface RecordChange {
  at: number;
  region: string;
  /** Who changed it, as the report would say. */
  by: string;
}

/**
 * The changes of the gateway record during a scenario. With the failover watchdog, it moves the record
 * (watchdog.ts; an operator takes over when the watchdog's own region is down). Without, an operator flips
 * `gateway.activeRegion` and runs `pulumi up` `operatorMinutes` after the active location goes down
 * (ASSUMPTIONS.dnsToggle).
 */
function gatewayRecord(
  t: DrillTopology,
  entry: PrivateEntry,
  timeline: FaultTimeline,
  config: DrillConfig,
  random: () => number,
): RecordChange[] {
  const other = t.gateways.map(g => g.region).find(r => r !== entry.activeRegion);
  if (!other) return [];
  if (entry.watchdog) {
    const at = watchdogSwitchAt(entry.watchdog, entry.activeRegion, other, timeline, config, random);
    return Number.isFinite(at) ? [{ at, region: other, by: "watchdog" }] : [];
  }
  const outage = timeline.gatewayOutages(entry.activeRegion)[0];
  if (!outage) return [];
  return [{ at: outage.fromS + config.operatorMinutes * 60, region: other, by: "operator" }];
}

/**
 * Where clients resolve the record at `at`: the latest change they have followed, a change being followed once
 * the record's TTL has passed since it ("how long each record is cached by clients before being requeried",
 * https://learn.microsoft.com/azure/dns/dns-zones-records#time-to-live).
 */
function resolveRecord(entry: PrivateEntry, changes: readonly RecordChange[]): (at: number) => string {
  const followed = [...changes].sort((a, b) => a.at - b.at).map(c => ({ from: c.at + entry.ttlS, region: c.region }));
  return at => {
    let region = entry.activeRegion;
    for (const c of followed) if (at >= c.from) region = c.region;
    return region;
  };
}

/**
 * Front Door health probes (https://learn.microsoft.com/azure/frontdoor/health-probes): an origin leaves
 * rotation once fewer than successfulSamplesRequired of the last sampleSize probes succeeded, and returns
 * once enough succeed again; probes run every probeIntervalInSeconds.
 */
function frontDoor(entry: PublicEntry, timeline: FaultTimeline, random: () => number): (at: number) => string {
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
  // The origins Front Door picks from, per set of origins out of rotation (a bit each): the best priority left.
  const pools = new Map<number, typeof origins>();
  const poolOf = (out: number) => {
    const healthy = origins.filter((_, i) => !(out & (1 << i)));
    const pool = healthy.length > 0 ? healthy : origins;
    const best = Math.min(...pool.map(o => o.priority));
    return pool.filter(o => o.priority === best);
  };
  return at => {
    let out = 0;
    origins.forEach((o, i) => {
      if (outOfRotation.get(o.region)!.some(w => at >= w.from && at < w.to)) out |= 1 << i;
    });
    let pool = pools.get(out);
    if (!pool) pools.set(out, (pool = poolOf(out)));
    return weightedPick(pool, random).region;
  };
}

/** Picks the gateway location for a request arriving at `t`, as Front Door or the private DNS record would. */
export function entryRouter(
  t: DrillTopology,
  timeline: FaultTimeline,
  config: DrillConfig,
  random: () => number,
): (at: number) => string {
  const entry = t.entry;
  if (entry.mode === "private") return resolveRecord(entry, gatewayRecord(t, entry, timeline, config, random));
  return frontDoor(entry, timeline, random);
}

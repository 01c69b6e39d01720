/**
 * The watchdog's decisions, as pure functions of what it observed: which region's gateway answers, and where
 * the gateway's DNS record points. No I/O, no clock: the caller passes `now` (milliseconds since the epoch).
 *
 * - The record leaves the active region only after `failureThreshold` consecutive failed probes of it.
 * - It never points at a region whose last probe failed; when no other region answers, nothing changes and the
 *   alarm is raised.
 * - After a flip, no automatic flip for `cooldownSeconds` (the flapping guard): a region that keeps failing and
 *   recovering raises the alarm instead of moving callers back and forth.
 * - Fail-back to the preferred region is manual by default, or automatic once it has answered every probe for
 *   `afterHealthySeconds`.
 * - A write that loses a race (ETag mismatch) is never repeated blindly: the record is read again and decided anew.
 */

export type FailBack = "manual" | { readonly afterHealthySeconds: number };

export interface DecisionSettings {
  /** The gateway regions, the preferred (the stack's `activeGatewayRegion`) first: the order of fail-over. */
  readonly regions: readonly string[];
  readonly failureThreshold: number;
  readonly failBack: FailBack;
  readonly cooldownSeconds: number;
  /** Paused for maintenance: probe, decide and report, never write. */
  readonly paused: boolean;
}

/** One region's probe history. */
export interface RegionHealth {
  readonly consecutiveFailures: number;
  /** When the current run of successful probes began; undefined while the last probe failed. */
  readonly healthySince?: number;
}

export type HealthState = Readonly<Record<string, RegionHealth>>;

/** What the record says: the region its address belongs to (undefined: none of the gateways') and the last flip. */
export interface RecordView {
  readonly region: string | undefined;
  /** When the watchdog last wrote it (the record's metadata), if ever. */
  readonly lastFlipAt?: number;
}

export type Alarm = "all-regions-down" | "unknown-target" | "cooling-down" | "paused";

export type Decision =
  | { readonly kind: "hold" }
  | {
      readonly kind: "flip";
      readonly from: string | undefined;
      readonly to: string;
      readonly reason: "failover" | "fail-back";
    }
  | { readonly kind: "alarm"; readonly alarm: Alarm; readonly detail: string };

/** The health of every region after one round of probes (`ok`: region -> whether its probe succeeded). */
export function observe(state: HealthState, ok: Readonly<Record<string, boolean>>, now: number): HealthState {
  return Object.fromEntries(
    Object.entries(ok).map(([region, up]) => {
      const before = state[region] ?? { consecutiveFailures: 0 };
      const next: RegionHealth = up
        ? { consecutiveFailures: 0, healthySince: before.healthySince ?? now }
        : { consecutiveFailures: before.consecutiveFailures + 1 };
      return [region, next];
    }),
  );
}

const answering = (state: HealthState, region: string) => state[region]?.healthySince !== undefined;
const failed = (state: HealthState, region: string, s: DecisionSettings) =>
  (state[region]?.consecutiveFailures ?? 0) >= s.failureThreshold;

/** A flip the guards allow, or the alarm that holds it back. */
function guarded(
  flip: Extract<Decision, { kind: "flip" }>,
  record: RecordView,
  s: DecisionSettings,
  now: number,
): Decision {
  if (s.paused)
    return { kind: "alarm", alarm: "paused", detail: `would move the record from ${flip.from} to ${flip.to}` };
  if (record.lastFlipAt !== undefined && now - record.lastFlipAt < s.cooldownSeconds * 1000) {
    const left = Math.ceil((s.cooldownSeconds * 1000 - (now - record.lastFlipAt)) / 1000);
    return {
      kind: "alarm",
      alarm: "cooling-down",
      detail: `would move the record from ${flip.from} to ${flip.to}, but it moved ${left} s short of the ${s.cooldownSeconds} s cooldown ago`,
    };
  }
  return flip;
}

/** What to do with the record, given every region's health. */
export function decide(state: HealthState, record: RecordView, s: DecisionSettings, now: number): Decision {
  const active = record.region;
  const healthyOthers = s.regions.filter(r => r !== active && answering(state, r));
  if (active === undefined || !s.regions.includes(active)) {
    // The record points at no gateway (edited by hand?): never guess, tell a person.
    return { kind: "alarm", alarm: "unknown-target", detail: "the record points at none of the gateways' addresses" };
  }
  if (failed(state, active, s)) {
    const to = healthyOthers[0];
    if (!to)
      return {
        kind: "alarm",
        alarm: "all-regions-down",
        detail: `${active} failed ${state[active].consecutiveFailures} probes in a row and no other region answers: the record stays`,
      };
    return guarded({ kind: "flip", from: active, to, reason: "failover" }, record, s, now);
  }
  const preferred = s.regions[0];
  if (active !== preferred && s.failBack !== "manual" && answering(state, active)) {
    const since = state[preferred]?.healthySince;
    if (since !== undefined && now - since >= s.failBack.afterHealthySeconds * 1000)
      return guarded({ kind: "flip", from: active, to: preferred, reason: "fail-back" }, record, s, now);
  }
  return { kind: "hold" };
}

/** After an ETag mismatch: the record as read again either already says what was intended, or is decided anew. */
export function afterConflict(reread: RecordView, intended: string): "done" | "decide-again" {
  return reread.region === intended ? "done" : "decide-again";
}

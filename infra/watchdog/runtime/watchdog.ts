/**
 * One round of the watchdog: probe every regional gateway, read the record, decide, write. The probe counters
 * live in memory between rounds (a restarted instance starts counting again, which only delays a flip); the time
 * of the last flip lives in the record's own metadata, so the cooldown survives a restart.
 */
import { Decision, DecisionSettings, HealthState, RecordView, afterConflict, decide, observe } from "./decide";
import { ProbeOptions, ProbeTarget, probe } from "./probe";
import { FLIPPED_AT, FLIPPED_FROM, GatewayRecord, RecordChanged, RecordRead } from "./record";

export interface WatchdogSettings extends DecisionSettings {
  /** Every gateway region's private IP, keyed by region. */
  readonly gateways: Readonly<Record<string, string>>;
  readonly probe: ProbeOptions;
}

/**
 * What one round did: the alert rule reads `event` from the log line. A held round names the alarm still
 * standing (`ongoing`), which was reported when it began.
 */
export type Outcome =
  | { readonly event: "held"; readonly active: string | undefined; readonly ongoing?: string }
  | { readonly event: "flipped"; readonly from: string | undefined; readonly to: string; readonly reason: string }
  | { readonly event: "alarm"; readonly alarm: string; readonly detail: string }
  | { readonly event: "write-failed"; readonly to: string; readonly detail: string }
  | { readonly event: "read-failed"; readonly detail: string };

export class Watchdog {
  private health: HealthState = {};
  /** The alarm (or failed write) the last round reported, until a round reports something else. */
  private standing: string | undefined;

  constructor(
    private readonly settings: WatchdogSettings,
    private readonly record: GatewayRecord,
  ) {}

  private view(r: RecordRead): RecordView {
    const regions = Object.entries(this.settings.gateways)
      .filter(([, ip]) => r.ips.length === 1 && r.ips[0] === ip)
      .map(([region]) => region);
    const at = Date.parse(r.metadata[FLIPPED_AT] ?? "");
    return { region: regions[0], ...(Number.isNaN(at) ? {} : { lastFlipAt: at }) };
  }

  /** One round at `now` (milliseconds since the epoch). */
  async round(now: number): Promise<Outcome> {
    const regions = this.settings.regions;
    const ok = await Promise.all(
      regions.map(region => probe({ region, ip: this.settings.gateways[region] } as ProbeTarget, this.settings.probe)),
    );
    this.health = observe(this.health, Object.fromEntries(regions.map((r, i) => [r, ok[i]])), now);
    let read: RecordRead;
    try {
      read = await this.record.read();
    } catch (e) {
      // An ARM error (a missing role, a throttled call) is a round that could not decide: logged, never thrown.
      return this.once({ event: "read-failed", detail: String(e) }, undefined);
    }
    const outcome = await this.act(decide(this.health, this.view(read), this.settings, now), read, now);
    return this.once(outcome, this.view(read).region);
  }

  /**
   * An alarm that lasts is reported once: the alert rule mails for every alarm line it finds (each its own
   * alert, autoMitigate off), so a paused or all-down watchdog would mail every round. Its repeats are held
   * rounds naming it; a different alarm, or the same one after a round without it, is reported again.
   */
  private once(o: Outcome, active: string | undefined): Outcome {
    const key =
      o.event === "alarm"
        ? o.alarm
        : o.event === "write-failed"
          ? `write-failed:${o.to}`
          : o.event === "read-failed"
            ? o.event
            : undefined;
    const repeat = key !== undefined && key === this.standing;
    this.standing = key;
    return repeat ? { event: "held", active, ongoing: key } : o;
  }

  private async act(d: Decision, read: RecordRead, now: number): Promise<Outcome> {
    if (d.kind === "hold") return { event: "held", active: this.view(read).region };
    if (d.kind === "alarm") return { event: "alarm", alarm: d.alarm, detail: d.detail };
    const metadata = { ...read.metadata, [FLIPPED_AT]: new Date(now).toISOString(), [FLIPPED_FROM]: d.from ?? "" };
    try {
      await this.record.write(this.settings.gateways[d.to], read.etag, metadata);
      return { event: "flipped", from: d.from, to: d.to, reason: d.reason };
    } catch (e) {
      if (!(e instanceof RecordChanged)) return { event: "write-failed", to: d.to, detail: String(e) };
      // Someone else wrote first: read again; never write over what they wrote.
      const again = await this.record.read().then(
        r => this.view(r),
        (err: unknown) => ({ failed: String(err) }),
      );
      if ("failed" in again) return { event: "read-failed", detail: again.failed };
      return afterConflict(again, d.to) === "done"
        ? { event: "held", active: again.region }
        : {
            event: "alarm",
            alarm: "record-changed",
            detail: `the record changed while moving it to ${d.to}: decided again next round`,
          };
    }
  }
}

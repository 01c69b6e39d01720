import { readSettings } from "../infra/watchdog/runtime/settings";
import { DecisionSettings, HealthState, afterConflict, decide, observe } from "../infra/watchdog/runtime/decide";

const settings: DecisionSettings = {
  regions: ["eastus2", "centralus"],
  failureThreshold: 3,
  failBack: "manual",
  cooldownSeconds: 300,
  paused: false,
};
const S = 1000;

/** Runs rounds of probes 10 s apart from t=0; each round: region -> ok. */
function rounds(...each: Record<string, boolean>[]): { state: HealthState; now: number } {
  let state: HealthState = {};
  let now = 0;
  each.forEach((ok, i) => {
    now = i * 10 * S;
    state = observe(state, ok, now);
  });
  return { state, now };
}
const up = { eastus2: true, centralus: true };
const activeDown = { eastus2: false, centralus: true };
const bothDown = { eastus2: false, centralus: false };

describe("the watchdog's decisions", () => {
  it("holds while the active region fails fewer than failureThreshold probes in a row", () => {
    const { state, now } = rounds(up, activeDown, activeDown);
    expect(state.eastus2.consecutiveFailures).toBe(2);
    expect(decide(state, { region: "eastus2" }, settings, now)).toEqual({ kind: "hold" });
  });

  it("flips to the healthy region at the failureThreshold-th failure", () => {
    const { state, now } = rounds(up, activeDown, activeDown, activeDown);
    expect(decide(state, { region: "eastus2" }, settings, now)).toEqual({
      kind: "flip",
      from: "eastus2",
      to: "centralus",
      reason: "failover",
    });
  });

  it("a success between failures starts the count again", () => {
    const { state, now } = rounds(activeDown, activeDown, up, activeDown, activeDown);
    expect(state.eastus2.consecutiveFailures).toBe(2);
    expect(decide(state, { region: "eastus2" }, settings, now).kind).toBe("hold");
  });

  it("never flips to a failing region: both down changes nothing and raises the alarm", () => {
    const { state, now } = rounds(up, bothDown, bothDown, bothDown);
    const d = decide(state, { region: "eastus2" }, settings, now);
    expect(d).toMatchObject({ kind: "alarm", alarm: "all-regions-down" });
  });

  it("never flips to a region whose last probe failed, even if it answered before", () => {
    const { state, now } = rounds(up, activeDown, activeDown, bothDown);
    expect(decide(state, { region: "eastus2" }, settings, now)).toMatchObject({ alarm: "all-regions-down" });
  });

  it("a record pointing at no gateway is reported, never overwritten", () => {
    const { state, now } = rounds(up, activeDown, activeDown, activeDown);
    expect(decide(state, { region: undefined }, settings, now)).toMatchObject({ alarm: "unknown-target" });
  });

  it("fail-back is manual by default: the record stays on the region it failed over to", () => {
    const { state, now } = rounds(...Array(100).fill(up));
    expect(decide(state, { region: "centralus", lastFlipAt: 0 }, settings, now)).toEqual({ kind: "hold" });
  });

  it("fails back once the preferred region has answered for afterHealthySeconds, not before", () => {
    const s = { ...settings, failBack: { afterHealthySeconds: 600 } };
    const early = rounds(...Array(60).fill(up)); // healthy since 0, now 590 s
    expect(decide(early.state, { region: "centralus" }, s, early.now)).toEqual({ kind: "hold" });
    const later = rounds(...Array(61).fill(up)); // now 600 s
    expect(decide(later.state, { region: "centralus" }, s, later.now)).toEqual({
      kind: "flip",
      from: "centralus",
      to: "eastus2",
      reason: "fail-back",
    });
  });

  it("a preferred region that fails once restarts its healthy period", () => {
    const s = { ...settings, failBack: { afterHealthySeconds: 600 } };
    const { state, now } = rounds(...Array(30).fill(up), activeDown, ...Array(40).fill(up));
    expect(now - state.eastus2.healthySince!).toBe(390 * S);
    expect(decide(state, { region: "centralus" }, s, now)).toEqual({ kind: "hold" });
  });

  it("flapping guard: no second flip within cooldownSeconds of the last one", () => {
    const { state, now } = rounds(up, activeDown, activeDown, activeDown);
    const recent = decide(state, { region: "eastus2", lastFlipAt: now - 100 * S }, settings, now);
    expect(recent).toMatchObject({ kind: "alarm", alarm: "cooling-down" });
    const old = decide(state, { region: "eastus2", lastFlipAt: now - 300 * S }, settings, now);
    expect(old).toMatchObject({ kind: "flip", to: "centralus" });
  });

  it("paused: reports what it would do and writes nothing", () => {
    const { state, now } = rounds(up, activeDown, activeDown, activeDown);
    expect(decide(state, { region: "eastus2" }, { ...settings, paused: true }, now)).toMatchObject({
      kind: "alarm",
      alarm: "paused",
    });
  });

  it("an ETag conflict is settled by what the record says when read again, never by writing over it", () => {
    expect(afterConflict({ region: "centralus" }, "centralus")).toBe("done");
    expect(afterConflict({ region: "eastus2" }, "centralus")).toBe("decide-again");
  });

  it("with three regions, fails over in the configured order to the first that answers", () => {
    const s = { ...settings, regions: ["eastus2", "centralus", "westus3"] };
    const { state, now } = rounds(...Array(3).fill({ eastus2: false, centralus: false, westus3: true }));
    expect(decide(state, { region: "eastus2" }, s, now)).toMatchObject({ kind: "flip", to: "westus3" });
  });
});

describe("the watchdog's app settings", () => {
  const env = {
    WATCHDOG_SUBSCRIPTION_ID: "sub",
    WATCHDOG_RESOURCE_GROUP: "rg",
    WATCHDOG_ZONE: "gw.example.internal",
    WATCHDOG_GATEWAYS: JSON.stringify([
      ["eastus2", "10.40.0.4"],
      ["centralus", "10.41.0.4"],
    ]),
    WATCHDOG_FAILURE_THRESHOLD: "3",
    WATCHDOG_FAIL_BACK: "manual",
    WATCHDOG_COOLDOWN_SECONDS: "300",
    WATCHDOG_PROBE_TIMEOUT_MS: "3000",
    WATCHDOG_CLIENT_ID: "client",
  };
  const probe = { scheme: "https" as const, hostName: "gw.example.internal" };

  it("reads the preferred region first, the fail-back mode and the record's address", () => {
    const s = readSettings({ ...env, WATCHDOG_FAIL_BACK: "900" }, probe);
    expect(s.watchdog.regions).toEqual(["eastus2", "centralus"]);
    expect(s.watchdog.failBack).toEqual({ afterHealthySeconds: 900 });
    expect(s.watchdog.paused).toBe(false);
    expect(s.record).toEqual({ subscriptionId: "sub", resourceGroupName: "rg", zoneName: "gw.example.internal" });
  });

  it("names the app setting that is missing or wrong", () => {
    const { WATCHDOG_ZONE: _zone, ...noZone } = env;
    expect(() => readSettings(noZone, probe)).toThrow("app setting WATCHDOG_ZONE is missing");
    expect(() => readSettings({ ...env, WATCHDOG_FAIL_BACK: "later" }, probe)).toThrow(
      'app setting WATCHDOG_FAIL_BACK must be "manual" or seconds, not later',
    );
    expect(() => readSettings({ ...env, WATCHDOG_FAILURE_THRESHOLD: "two" }, probe)).toThrow(
      "WATCHDOG_FAILURE_THRESHOLD must be a whole number",
    );
  });
});

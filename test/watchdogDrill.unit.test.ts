import { Scenario, parseDrillConfig } from "../stacks/drill/config";
import { FaultTimeline } from "../stacks/drill/faults";
import { DrillWatchdog, WRITE_S, readWatchdog, watchdogSwitchAt } from "../stacks/drill/watchdog";
import { SETTING } from "../catalog/watchdog";
import { TYPES } from "../catalog/types";

const config = parseDrillConfig({}, "test");
const watchdog: DrillWatchdog = { region: "westus3", intervalS: 10, threshold: 3, probeTimeoutS: 5 };
const FAULT_S = config.window.faultFrom * 60;
/**
 * When the record leaves eastus2 for centralus (clients follow a TTL later: entry.ts), with the probe's phase drawn
 * as `phase` of an interval.
 */
const switchAt = (faults: Scenario["faults"], phase = 0.5) =>
  watchdogSwitchAt(
    watchdog,
    "eastus2",
    "centralus",
    new FaultTimeline({ name: "s", faults }, config),
    config,
    () => phase,
  );

describe("the drill's watchdog model", () => {
  it("moves the record after threshold probes and the write", () => {
    expect(switchAt([{ kind: "gateway-down", region: "eastus2" }]) - FAULT_S).toBe(5 + 2 * 10 + WRITE_S);
    expect(switchAt([{ kind: "gateway-down", region: "eastus2" }], 0) - FAULT_S).toBe(2 * 10 + WRITE_S);
  });

  it("a hung gateway adds the probe timeout", () => {
    const hung = switchAt([
      { kind: "down", region: "eastus2", as: "timeout" },
      { kind: "gateway-down", region: "eastus2" },
    ]);
    expect(hung - FAULT_S).toBe(5 + 2 * 10 + 5 + WRITE_S);
  });

  it("a broken probe path moves the record too (a false flip)", () => {
    expect(switchAt([{ kind: "probe-path-broken", region: "eastus2" }])).toBeLessThan(Infinity);
  });

  it("never moves it to a region it cannot probe", () => {
    expect(
      switchAt([
        { kind: "gateway-down", region: "eastus2" },
        { kind: "probe-path-broken", region: "centralus" },
      ]),
    ).toBe(Infinity);
  });

  it("with its own region down, the move waits for the operator", () => {
    const manual = switchAt([
      { kind: "watchdog-down", region: "westus3" },
      { kind: "gateway-down", region: "eastus2" },
    ]);
    expect(manual - FAULT_S).toBe(config.operatorMinutes * 60);
  });

  it("nothing to do while the active gateway answers", () => {
    expect(switchAt([{ kind: "gateway-down", region: "centralus" }])).toBe(Infinity);
  });

  it("reads the watchdog's timing from the plan's function app", () => {
    const app = {
      type: TYPES.webApp,
      name: "gateway-watchdog-app",
      inputs: {
        location: "westus3",
        siteConfig: {
          appSettings: [
            { name: SETTING.schedule, value: "*/15 * * * * *" },
            { name: SETTING.failureThreshold, value: "4" },
            { name: SETTING.probeTimeoutMs, value: "3000" },
          ],
        },
      },
    };
    expect(readWatchdog({ project: "p", stack: "s", resources: [app], outputs: {} })).toEqual({
      region: "westus3",
      intervalS: 15,
      threshold: 4,
      probeTimeoutS: 3,
    });
    expect(readWatchdog({ project: "p", stack: "s", resources: [], outputs: {} })).toBeUndefined();
  });
});

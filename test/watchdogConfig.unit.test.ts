import { configRefusals } from "./stackValues";

describe("gateway.watchdog", () => {
  it("prod enables it and is accepted", () => {
    expect(configRefusals("prod", () => {})).toEqual([]);
  });

  it("a stack can turn it off", () => {
    expect(configRefusals("prod", v => (v.gateway.watchdog.enabled = false))).toEqual([]);
  });

  it("public mode refuses it, naming the key", () => {
    expect(
      configRefusals(
        "dev",
        v => (v.gateway.watchdog = { alertEmails: ["a@contoso.com"], addressSpace: "10.42.0.0/27" }),
      ),
    ).toEqual([
      "aoai-bcdr:gateway.watchdog: applies to private mode only (it moves the private DNS record of the gateway); in public mode Front Door probes the gateways and fails over itself: remove it, or set network.mode: private",
    ]);
  });

  it("refuses a watchdog that tells nobody, or two ways of telling", () => {
    expect(configRefusals("prod", v => (v.gateway.watchdog.alertEmails = []))).toEqual([
      "aoai-bcdr:gateway.watchdog: must tell someone each time it moves the record or cannot: set alertEmails (the stack creates an action group) or actionGroupId (an existing one)",
    ]);
    expect(
      configRefusals(
        "prod",
        v =>
          (v.gateway.watchdog.actionGroupId =
            "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-oncall/providers/microsoft.insights/actionGroups/ag-oncall"),
      ),
    ).toEqual(["aoai-bcdr:gateway.watchdog.alertEmails: set either alertEmails or actionGroupId, not both"]);
  });

  it("refuses out-of-range timings and a probe that outlasts its interval, each at its key", () => {
    expect(
      configRefusals("prod", v => {
        v.gateway.watchdog.probeIntervalSeconds = 2;
        v.gateway.watchdog.failureThreshold = 0;
        v.gateway.watchdog.failBack = "automatic";
      }),
    ).toEqual([
      "aoai-bcdr:gateway.watchdog.probeIntervalSeconds: must be a whole number of seconds from 5 to 60",
      "aoai-bcdr:gateway.watchdog.failureThreshold: must be a whole number from 1 to 10",
      'aoai-bcdr:gateway.watchdog.failBack: must be "manual" or { afterHealthySeconds: <60 to 86400> }',
    ]);
    expect(configRefusals("prod", v => (v.gateway.watchdog.probeTimeoutSeconds = 10))).toEqual([
      "aoai-bcdr:gateway.watchdog.probeTimeoutSeconds: 10 s is not less than probeIntervalSeconds (10 s): a round must end before the next begins",
    ]);
  });

  it("refuses a probe interval that does not divide a minute, naming the key and the intervals allowed", () => {
    expect(configRefusals("prod", v => (v.gateway.watchdog.probeIntervalSeconds = 7))).toEqual([
      "aoai-bcdr:gateway.watchdog.probeIntervalSeconds: 7 s does not divide a minute, so rounds would come unevenly (the timer's seconds field is */7): use one of 5, 6, 10, 12, 15, 20, 30, 60",
    ]);
    for (const n of [5, 6, 12, 15, 20, 30, 60])
      expect(
        configRefusals("prod", v => {
          v.gateway.watchdog.probeIntervalSeconds = n;
          v.gateway.watchdog.probeTimeoutSeconds = 4;
        }),
      ).toEqual([]);
  });

  it("accepts an automatic fail-back after a healthy period", () => {
    expect(configRefusals("prod", v => (v.gateway.watchdog.failBack = { afterHealthySeconds: 900 }))).toEqual([]);
  });

  it("refuses a VNet that overlaps a gateway VNet or is too small", () => {
    expect(configRefusals("prod", v => (v.gateway.watchdog.addressSpace = "10.40.0.0/24"))).toEqual([
      "aoai-bcdr:gateway.watchdog.addressSpace: 10.40.0.0/24 overlaps network.vnets.eastus2.addressSpace 10.40.0.0/22: peered VNets need separate ranges",
    ]);
    expect(configRefusals("prod", v => (v.gateway.watchdog.addressSpace = "10.42.0.0/29"))).toEqual([
      "aoai-bcdr:gateway.watchdog.addressSpace: 10.42.0.0/29 is smaller than a /28, the smallest subnet the function's VNet integration takes",
    ]);
  });

  it("refuses an unknown watchdog key with the allowed ones", () => {
    const lines = configRefusals("prod", v => (v.gateway.watchdog.interval = 10));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aoai-bcdr:gateway\.watchdog/);
  });
});

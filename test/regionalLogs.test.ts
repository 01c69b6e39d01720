/**
 * Each gateway region keeps its own logs: a workspace and Application Insights per region, accounts logging
 * to their region's workspace, and the logs of what serves every region (a multi-region gateway, Front Door)
 * mirrored to each. The mock engine refuses more diagnostic settings on one resource than Azure allows.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import { TYPES } from "../catalog/types";
import { AzureRefusalError } from "../stacks/engine/refusals/refusal";
import { ProgramRun } from "../stacks/engine/runner";
import { inputs, runComponents } from "./components";
import { ofType, runStack } from "./support";

const regionOfWorkspace = (id: string) => /\/resourceGroups\/rg-aoai-\w+-observability-(\w+)\//.exec(id)?.[1];

describe("prod: one multi-region gateway", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  });

  test("a workspace and Application Insights in each gateway region; the primary's keep their names", () => {
    expect(ofType(run, TYPES.workspace).map(w => [w.name, inputs(w).workspaceName, inputs(w).location])).toEqual([
      ["observability-workspace", "log-aoai-prod", "eastus2"],
      ["observability-centralus-workspace", "log-aoai-prod-centralus", "centralus"],
      // The failover watchdog logs beside it, in the DNS region: outside both gateway regions.
      ["gateway-watchdog-logs-workspace", "log-aoai-prod-westus3", "westus3"],
    ]);
    expect(ofType(run, TYPES.appInsights).map(a => inputs(a).resourceName)).toEqual([
      "appi-aoai-prod",
      "appi-aoai-prod-centralus",
      "appi-aoai-prod-westus3",
    ]);
  });

  test("the gateway's platform logs reach every gateway region's workspace", () => {
    const gatewayLogs = ofType(run, TYPES.diagnosticSetting).filter(d =>
      String(inputs(d).resourceUri).includes("/Microsoft.ApiManagement/service/"),
    );
    expect(gatewayLogs.map(d => [inputs(d).name, regionOfWorkspace(inputs(d).workspaceId)])).toEqual([
      ["to-log-analytics", "eastus2"],
      ["to-log-analytics-centralus", "centralus"],
    ]);
  });

  test("an account in a gateway region logs there; one elsewhere, to the primary's workspace", () => {
    const accountRegion = new Map(ofType(run, TYPES.account).map(a => [inputs(a).accountName, inputs(a).location]));
    const accountLogs = ofType(run, TYPES.diagnosticSetting).filter(d =>
      String(inputs(d).resourceUri).includes("/Microsoft.CognitiveServices/accounts/"),
    );
    expect(accountLogs).toHaveLength(accountRegion.size);
    for (const d of accountLogs) {
      const region = accountRegion.get(String(inputs(d).resourceUri).split("/").pop());
      expect(regionOfWorkspace(inputs(d).workspaceId)).toBe(region === "centralus" ? "centralus" : "eastus2");
    }
  });

  test("no telemetry secret: the multi-region gateway's one logger writes to the primary's, with its identity", () => {
    expect(
      ofType(run, TYPES.secret)
        .map(s => inputs(s).secretName)
        .filter(n => n.startsWith("appinsights")),
    ).toEqual([]);
    const loggers = ofType(run, TYPES.logger);
    expect(loggers.map(l => String(inputs(l).resourceId).split("/").pop())).toEqual(["appi-aoai-prod"]);
    expect(inputs(loggers[0]).credentials.identityClientId).toBeDefined();
  });
});

describe("dev: one gateway per region", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("dev");
  });

  test("each region's gateway logs to its own region's Application Insights, with its identity and no secret", () => {
    const loggers = ofType(run, TYPES.logger);
    expect(loggers.map(l => [l.name, String(inputs(l).resourceId).split("/").pop()])).toEqual([
      ["gateway-eastus2-logger", "appi-aoai-dev"],
      ["gateway-centralus-logger", "appi-aoai-dev-centralus"],
    ]);
    const telemetrySecrets = ofType(run, TYPES.namedValue)
      .map(v => String(inputs(v).keyVault?.secretIdentifier ?? ""))
      .filter(uri => uri.includes("/secrets/appinsights"));
    expect(telemetrySecrets).toEqual([]);
    for (const l of loggers) expect(inputs(l).credentials.identityClientId).toBeDefined();
  });

  test("Front Door's logs reach every gateway region's workspace", () => {
    const edgeLogs = ofType(run, TYPES.diagnosticSetting).filter(d =>
      String(inputs(d).resourceUri).includes("/Microsoft.Cdn/profiles/"),
    );
    expect(edgeLogs.map(d => regionOfWorkspace(inputs(d).workspaceId))).toEqual(["eastus2", "centralus"]);
  });
});

test("the mock engine refuses a sixth diagnostic setting on one resource", async () => {
  const resourceUri =
    "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Cdn/profiles/afd";
  const declare = () => {
    for (const i of [1, 2, 3, 4, 5, 6])
      new monitor.DiagnosticSetting(`setting-${i}`, { name: `to-${i}`, resourceUri, workspaceId: `ws-${i}` });
  };
  const refusals = await runComponents(declare).then(
    () => [],
    (e: unknown) => {
      if (e instanceof AzureRefusalError) return e.refusals;
      throw e;
    },
  );
  expect(refusals).toEqual([
    expect.objectContaining({
      rule: "diagnostic-settings",
      resource: "setting-6",
      source: expect.stringContaining("https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings"),
    }),
  ]);
});

/**
 * What the program declares for the failover watchdog in prod (private mode), and that a stack can turn it off.
 */
import { inputs, named } from "./components";
import { ofType, runStack } from "./support";
import { ROLES } from "../infra/identity";
import { SETTING } from "../catalog/watchdog";
import { watchdogPackage } from "../infra/watchdog/package";
import { TAG } from "../catalog/tags";
import { TYPES } from "../catalog/types";
import type { ProgramRun } from "../stacks/engine/runner";

let prod: ProgramRun;
beforeAll(async () => {
  prod = await runStack("prod");
});

const appSetting = (run: ProgramRun, name: string) =>
  (
    inputs(named(run, TYPES.webApp, "gateway-watchdog-app")).siteConfig.appSettings as { name: string; value: string }[]
  ).find(s => s.name === name)?.value;

describe("the failover watchdog in prod", () => {
  it("owns the record's target: pulumi up leaves the address and the watchdog's metadata as it finds them", () => {
    const record = named(prod, TYPES.record, "gateway-dns-record");
    expect(record.ignoreChanges).toEqual(["aRecords", "metadata"]);
    // The program still writes the initial target: network.activeGatewayRegion's gateway.
    const eastus2Ip = JSON.parse(appSetting(prod, SETTING.gateways)!)[0];
    expect(eastus2Ip[0]).toBe("eastus2");
    expect(inputs(record).aRecords).toEqual([{ ipv4Address: eastus2Ip[1] }]);
  });

  it("its identity can change that one record set and nothing else of DNS", () => {
    const record = named(prod, TYPES.record, "gateway-dns-record");
    const identity = named(prod, TYPES.userAssignedIdentity, "gateway-watchdog-identity");
    const grants = ofType(prod, TYPES.roleAssignment).filter(
      r => inputs(r).principalId === identity.outputs.principalId,
    );
    const byRole = (role: string) => grants.filter(g => String(inputs(g).roleDefinitionId).endsWith(role));
    expect(byRole(ROLES.privateDnsZoneContributor).map(g => inputs(g).scope)).toEqual([record.outputs.id]);
    expect(String(record.outputs.id)).toMatch(/\/privateDnsZones\/[^/]+\/A\/@$/);
    const storage = named(prod, TYPES.storageAccount, "gateway-watchdog-storage");
    expect(byRole(ROLES.storageBlobDataOwner).map(g => inputs(g).scope)).toEqual([storage.outputs.id]);
    expect(grants).toHaveLength(3);
  });

  it("holds no secret: host storage, deployment and telemetry through its identity; the storage takes no key", () => {
    const app = inputs(named(prod, TYPES.webApp, "gateway-watchdog-app"));
    const settings = app.siteConfig.appSettings as { name: string; value: string }[];
    expect(settings.map(s => s.name)).not.toContain("AzureWebJobsStorage");
    expect(appSetting(prod, "AzureWebJobsStorage__credential")).toBe("managedidentity");
    expect(JSON.stringify(settings)).not.toMatch(/AccountKey=|SharedAccessSignature|\[secret\]/);
    expect(app.functionAppConfig.deployment.storage.authentication.type).toBe("UserAssignedIdentity");
    expect(app.identity.type).toBe("UserAssigned");
    const account = inputs(named(prod, TYPES.storageAccount, "gateway-watchdog-storage"));
    // The key stays on for the deployer's upload alone (the provider's Blob writes with it); the app never uses it.
    expect(account.allowSharedKeyAccess).toBe(true);
    expect(app.functionAppConfig.deployment.storage.value).toMatch(/^https:\/\/.*\/deployment$/);
  });

  it("runs on Node.js 22, a version Flex Consumption still supports (Node.js 20 ended on 2026-04-30)", () => {
    const app = inputs(named(prod, TYPES.webApp, "gateway-watchdog-app"));
    expect(app.functionAppConfig.runtime).toEqual({ name: "node", version: "22" });
  });

  it("replaces its package blob delete-first, so the old blob's delete never removes the new package of the same name", () => {
    const blob = named(prod, TYPES.blob, "gateway-watchdog-package");
    expect(inputs(blob).blobName).toBe("released-package.zip");
    expect(blob.deleteBeforeReplace).toBe(true);
  });

  it("runs in network.dnsRegion, integrated with a delegated subnet of a VNet peered both ways with each gateway VNet", () => {
    const app = named(prod, TYPES.webApp, "gateway-watchdog-app");
    expect(inputs(app).location).toBe("westus3");
    const vnet = named(prod, TYPES.virtualNetwork, "gateway-watchdog-network-vnet");
    expect(inputs(app).virtualNetworkSubnetId).toBe(`${vnet.outputs.id}/subnets/snet-watchdog`);
    expect(inputs(vnet).subnets[0].delegations).toEqual([
      { name: "flex-consumption", serviceName: "Microsoft.App/environments" },
    ]);
    for (const region of ["eastus2", "centralus"]) {
      const gatewayVnet = named(prod, TYPES.virtualNetwork, `network-${region}-vnet`);
      const to = inputs(named(prod, TYPES.virtualNetworkPeering, `gateway-watchdog-network-to-${region}`));
      const from = inputs(named(prod, TYPES.virtualNetworkPeering, `gateway-watchdog-network-from-${region}`));
      expect(to.remoteVirtualNetwork.id).toBe(gatewayVnet.outputs.id);
      expect(from.virtualNetworkName).toBe(gatewayVnet.outputs.name);
      expect(from.remoteVirtualNetwork.id).toBe(vnet.outputs.id);
    }
  });

  it("its timer, threshold and fail-back come from gateway.watchdog", () => {
    expect(appSetting(prod, SETTING.schedule)).toBe("*/10 * * * * *");
    expect(appSetting(prod, SETTING.failureThreshold)).toBe("3");
    expect(appSetting(prod, SETTING.failBack)).toBe("manual");
    expect(JSON.parse(appSetting(prod, SETTING.gateways)!).map((g: string[]) => g[0])).toEqual([
      "eastus2",
      "centralus",
    ]);
  });

  it("deploys its bundled code with pulumi up, and tells the on-call team when it acts or falls silent", async () => {
    const blob = inputs(named(prod, TYPES.blob, "gateway-watchdog-package"));
    expect(blob.blobName).toBe("released-package.zip");
    // The engine receives an archive; its files are the bundle and the two files a Node.js function app needs.
    expect(blob.source).toMatchObject({ __pulumiArchive: true });
    const files = (await watchdogPackage().assets) as Record<string, { text: Promise<string> }>;
    expect(Object.keys(files).sort()).toEqual(["host.json", "index.js", "package.json"]);
    const code = await files["index.js"].text;
    expect(code).toContain("status-0123456789abcdef");
    expect(code).toContain('app.timer("watchdog"');
    expect(JSON.parse(await files["package.json"].text).main).toBe("index.js");
    const group = inputs(named(prod, TYPES.actionGroup, "gateway-watchdog-action-group"));
    expect(group.emailReceivers.map((r: { emailAddress: string }) => r.emailAddress)).toEqual([
      "platform-ai-oncall@contoso.com",
    ]);
    const groupId = named(prod, TYPES.actionGroup, "gateway-watchdog-action-group").outputs.id;
    for (const rule of ["gateway-watchdog-acted", "gateway-watchdog-silent"])
      expect(inputs(named(prod, TYPES.scheduledQueryRule, rule)).actions.actionGroups).toEqual([groupId]);
  });

  it("every taggable watchdog resource carries bcdr-role: watchdog", () => {
    const identity = named(prod, TYPES.userAssignedIdentity, "gateway-watchdog-identity");
    expect(inputs(identity).tags[TAG.role]).toBe("watchdog");
  });
});

describe("a stack without the watchdog", () => {
  it("enabled: false declares none of it, and the program owns the record's target again", async () => {
    const run = await runStack("prod", { edit: v => (v.gateway.watchdog.enabled = false) });
    expect(run.resources.filter(r => r.urn.includes("GatewayWatchdog"))).toEqual([]);
    expect(named(run, TYPES.record, "gateway-dns-record").ignoreChanges).toBeUndefined();
  });
});

/**
 * The global entry, end to end through the program: Front Door in public mode (dev), private endpoints
 * and split-brain DNS with a DNS-switched gateway in private mode (prod).
 */
import { contains } from "../infra/cidr";
import { ProgramRun } from "../stacks/engine/runner";
import { inputs } from "./components";
import { TYPES } from "../catalog/types";
import { ofType, policyTree, runStack } from "./support";
import { stackValues } from "./stackValues";
import type { Loose } from "./loose";

const inRange = (ip: string, cidr: string) => contains(cidr, `${ip}/32`);

describe("dev (public): Front Door with WAF in front of every regional gateway", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("dev");
  });

  test("a WAF in Prevention mode and an origin with a health probe for every gateway region", () => {
    expect(ofType(run, TYPES.wafPolicy).map(w => inputs(w).policySettings.mode)).toEqual(["Prevention"]);
    const hosts = (run.outputs.gateway as Loose).hosts as Record<string, string>;
    expect(
      ofType(run, TYPES.origin)
        .map(o => inputs(o).hostName)
        .sort(),
    ).toEqual(Object.values(hosts).sort());
    expect(Object.keys(hosts).sort()).toEqual(["centralus", "eastus2"]);
    const [group] = ofType(run, TYPES.originGroup);
    expect(inputs(group).healthProbeSettings).toMatchObject({
      probePath: "/status-0123456789abcdef",
      probeProtocol: "Https",
    });
  });

  test("v2 tiers have no regional gateway URL: each origin is its region's own service, as the service reports it", () => {
    const services = ofType(run, TYPES.apimService);
    expect(services.map(s => inputs(s).sku.name)).toEqual(["StandardV2", "StandardV2"]);
    for (const origin of ofType(run, TYPES.origin)) {
      const region = (origin.name.match(/-origin-(\w+)$/) ?? [])[1];
      const service = services.find(s => inputs(s).location === region)!;
      expect(inputs(origin)).toMatchObject({
        hostName: `${inputs(service).serviceName}.azure-api.net`,
        originHostHeader: `${inputs(service).serviceName}.azure-api.net`,
      });
    }
  });

  test("each gateway refuses traffic that does not come through this Front Door", () => {
    const frontDoorIds = ofType(run, TYPES.namedValue)
      .filter(n => inputs(n).namedValueId === "front-door-id")
      .map(n => inputs(n).value);
    expect(frontDoorIds).toHaveLength(ofType(run, TYPES.apimService).length);
    expect(new Set(frontDoorIds).size).toBe(1);
    for (const p of ofType(run, TYPES.apiPolicy)) {
      const inbound = policyTree(inputs(p).value as string).children.find(e => e.name === "inbound");
      const header = inbound?.children.find(e => e.name === "check-header");
      const value = header?.children.find(e => e.name === "value")?.text;
      expect({ ...header?.attributes, value }).toMatchObject({ name: "X-Azure-FDID", value: "{{front-door-id}}" });
    }
    expect((run.outputs.entry as Loose).frontDoorHost).toMatch(/\.azurefd\.net$/);
  });

  test("the gateways call the accounts through their VNets: integrated subnets, private endpoints, accounts closed", () => {
    const vnets = ofType(run, TYPES.virtualNetwork);
    expect(vnets).toHaveLength(2);
    for (const service of ofType(run, TYPES.apimService)) {
      const { location, virtualNetworkType, virtualNetworkConfiguration } = inputs(service);
      expect(virtualNetworkType).toBe("External");
      const vnet = vnets.find(v => inputs(v).location === location)!;
      const subnet = (inputs(vnet).subnets as Loose[]).find(s => s.name === "snet-apim")!;
      expect(virtualNetworkConfiguration.subnetResourceId).toBe(`${vnet.outputs.id as string}/subnets/snet-apim`);
      expect(subnet.delegations).toEqual([expect.objectContaining({ serviceName: "Microsoft.Web/serverFarms" })]);
      expect(subnet.networkSecurityGroup.id).toBeTruthy();
    }
    const accounts = ofType(run, TYPES.account);
    expect(accounts).toHaveLength(2);
    for (const a of accounts) {
      expect(inputs(a).properties).toMatchObject({
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny", ipRules: [] },
      });
    }
    // Every account has an endpoint in every gateway region's VNet.
    const endpoints = ofType(run, TYPES.privateEndpoint).map(e => inputs(e).privateLinkServiceConnections[0]);
    for (const a of accounts) {
      expect(endpoints.filter(c => c.privateLinkServiceId === a.outputs.id)).toHaveLength(vnets.length);
    }
    // Public mode has no hub and no gateway DNS record: clients come through Front Door.
    expect(ofType(run, TYPES.virtualNetworkPeering)).toEqual([]);
  });
});

test("multi-region Premium behind Front Door: one origin per region, on that region's regional gateway URL", async () => {
  // Shorter tier timeouts than prod's: any fit behind Front Door, whose origin timeout only bounds gateway.chainTimeoutSeconds.
  const run = await runStack("prod", {
    edit: v => {
      v.network = { mode: "public" };
      delete v.gateway.watchdog; // private mode's
      v.gateway.tierTimeoutSeconds = { workloadPtu: 40, enterprisePtu: 40, standard: 35 };
    },
  });
  const [service] = ofType(run, TYPES.apimService);
  const name = inputs(service).serviceName as string;
  expect(
    ofType(run, TYPES.origin)
      .map(o => [inputs(o).hostName, inputs(o).priority])
      .sort(),
  ).toEqual([
    [`${name}-centralus-01.regional.azure-api.net`, 2],
    [`${name}-eastus2-01.regional.azure-api.net`, 1],
  ]);
});

describe("prod (private): private endpoints, split-brain DNS, a DNS-switched gateway", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  });
  const vnetRegion = (vnetId: string) =>
    inputs(
      ofType(run, TYPES.virtualNetwork).find(v => vnetId.endsWith(`/virtualNetworks/${inputs(v).virtualNetworkName}`))!,
    ).location;

  test("a private endpoint for every account in every gateway region", () => {
    const accounts = ofType(run, TYPES.account).map(a => a.inputs.accountName as string);
    for (const region of ["eastus2", "centralus"]) {
      const targets = ofType(run, TYPES.privateEndpoint)
        .filter(e => inputs(e).location === region)
        .map(e => inputs(e).privateLinkServiceConnections[0].privateLinkServiceId as string)
        .filter(id => id.includes("/Microsoft.CognitiveServices/accounts/"))
        .map(id => id.split("/").pop());
      expect(targets.sort()).toEqual([...accounts].sort());
    }
  });

  test("one privatelink zone per region, linked only to that region's VNet (and its hub), whose records point at that region's endpoints", () => {
    const hubs = Object.values(stackValues("prod").network.vnets as Record<string, Loose>).map(v => v.hubVnetId);
    const zones = ofType(run, TYPES.privateZone).filter(
      z => inputs(z).privateZoneName === "privatelink.openai.azure.com",
    );
    expect(zones).toHaveLength(2);
    for (const zone of zones) {
      const rg = inputs(zone).resourceGroupName;
      const links = ofType(run, TYPES.virtualNetworkLink).filter(
        l =>
          inputs(l).privateZoneName === "privatelink.openai.azure.com" &&
          inputs(l).resourceGroupName === rg &&
          !hubs.includes(inputs(l).virtualNetwork.id),
      );
      expect(links).toHaveLength(1);
      const region = vnetRegion(inputs(links[0]).virtualNetwork.id);
      const subnet = stackValues("prod").network.vnets[region].privateEndpointSubnet;
      const records = ofType(run, TYPES.record).filter(
        r => inputs(r).privateZoneName === "privatelink.openai.azure.com" && inputs(r).resourceGroupName === rg,
      );
      expect(records).toHaveLength(ofType(run, TYPES.account).length);
      for (const r of records) for (const a of inputs(r).aRecords) expect(inRange(a.ipv4Address, subnet)).toBe(true);
    }
  });

  test("without the watchdog, flipping activeGatewayRegion moves the gateway record and replaces nothing", async () => {
    // With the watchdog the record's address is its (watchdog.test.ts): the manual flip is the stack without it.
    const manual = (region: string) =>
      runStack("prod", {
        edit: v => {
          v.gateway.watchdog.enabled = false;
          v.network.activeGatewayRegion = region;
        },
      });
    // One program run at a time: the mock runtime is process-wide.
    const before = await manual("eastus2");
    const flipped = await manual("centralus");
    expect(flipped.resources.map(r => r.urn)).toEqual(before.resources.map(r => r.urn));
    const changed = flipped.resources.filter(
      (r, i) => JSON.stringify(r.inputs) !== JSON.stringify(before.resources[i].inputs),
    );
    expect(changed.map(r => r.type)).toEqual([TYPES.record]);
    const ip = (r: (typeof changed)[number]) => (r.inputs as Loose).aRecords[0].ipv4Address;
    expect(inRange(ip(before.resources.find(r => r.urn === changed[0].urn)!), "10.40.0.0/27")).toBe(true);
    expect(inRange(ip(changed[0]), "10.41.0.0/27")).toBe(true);
    expect(flipped.outputs.entry as Loose).toMatchObject({
      mode: "private",
      activeRegion: "centralus",
      activeIp: ip(changed[0]),
    });
  });
});

import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import { contains } from "../infra/cidr";
import { VnetConfig } from "../infra/config";
import { GatewayDns } from "../infra/gatewayDns";
import { APIM_SUBNET, PRIVATE_ENDPOINT_SUBNET, PrivateAccount, PrivateNetwork } from "../infra/network";
import { PlannedResource, ProgramRun } from "../stacks/engine/runner";
import { inputs, runComponents } from "./components";
import { ofType } from "./support";
import { TYPES } from "../catalog/types";
import type { Loose } from "./loose";

const SUB = "00000000-0000-4000-8000-000000000000";
/** The connectivity team's hubs, in their own subscription: one per region. */
const HUB_SUB = "33333333-3333-4333-8333-333333333333";
const hubOf = (region: string) =>
  `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub-${region}/providers/Microsoft.Network/virtualNetworks/vnet-hub-${region}`;
const VNETS: Record<string, VnetConfig> = {
  eastus2: {
    addressSpace: "10.40.0.0/22",
    apimSubnet: "10.40.0.0/27",
    privateEndpointSubnet: "10.40.1.0/26",
    hubVnetId: hubOf("eastus2"),
  },
  centralus: {
    addressSpace: "10.41.0.0/22",
    apimSubnet: "10.41.0.0/27",
    privateEndpointSubnet: "10.41.1.0/26",
    hubVnetId: hubOf("centralus"),
  },
};
const REGIONS = ["eastus2", "centralus"];
const ACCOUNT_KEYS: [string, string][] = [
  ["standard-primary", "eastus2"],
  ["standard-secondary", "centralus"],
  ["enterprise-ptu", "westus3"],
];
const subdomainOf = (key: string, region: string) => `oai-test-${key}-${region}-abc123`;
const accountIdOf = (key: string, region: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg-aoai-test-${key}-${region}/providers/Microsoft.CognitiveServices/accounts/${subdomainOf(key, region)}`;
/** Each account with its (last) model deployment, which its private endpoints must wait for. */
const accounts = (): PrivateAccount[] =>
  ACCOUNT_KEYS.map(([key, region]) => {
    const resourceGroupName = `rg-aoai-test-${key}-${region}`;
    const account = new cognitiveservices.Account(`${key}-account`, {
      accountName: subdomainOf(key, region),
      resourceGroupName,
      location: region,
      kind: "OpenAI",
      properties: { customSubDomainName: subdomainOf(key, region) },
    });
    const settled = new cognitiveservices.Deployment(`${key}-gpt-5.1`, {
      accountName: account.name,
      resourceGroupName,
      deploymentName: "gpt-5.1",
      sku: { name: "DataZoneStandard", capacity: 10 },
      properties: { model: { format: "OpenAI", name: "gpt-5.1", version: "2025-11-13" } },
    });
    return { key, subdomain: subdomainOf(key, region), accountId: account.id, settled, region };
  });
const ACCOUNTS = ACCOUNT_KEYS.map(([key, region]) => ({
  key,
  subdomain: subdomainOf(key, region),
  accountId: accountIdOf(key, region),
}));
const VAULT = {
  region: "eastus2",
  id: `/subscriptions/${SUB}/resourceGroups/rg-aoai-test-vault-eastus2/providers/Microsoft.KeyVault/vaults/kv-test-abc123`,
  name: "kv-test-abc123",
};
const GATEWAY_HOST = "apim-test-abc123.azure-api.net";
/** What the gateway reports: the first address of each region's APIM subnet. */
const GATEWAY_IPS = { eastus2: "10.40.0.4", centralus: "10.41.0.4" };

/** The organization's privatelink zones, in the connectivity subscription. */
const CENTRAL_ZONES = {
  openai: `/subscriptions/${HUB_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com`,
  vault: `/subscriptions/${HUB_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`,
};

function runPrivate(
  opts: {
    activeRegion?: string;
    protect?: boolean;
    vnets?: Record<string, VnetConfig>;
    centralZones?: typeof CENTRAL_ZONES;
  } = {},
): Promise<ProgramRun> {
  const protect = opts.protect ?? true;
  return runComponents(() => {
    const net = new PrivateNetwork("network", {
      stack: "test",
      gatewaySubnet: "injected",
      regions: REGIONS,
      vnets: opts.vnets ?? VNETS,
      accounts: accounts(),
      vault: VAULT,
      centralZones: opts.centralZones,
      commonTags: { environment: "test" },
      protect,
    });
    new GatewayDns("gateway-dns", {
      hostName: GATEWAY_HOST,
      stack: "test",
      dnsRegion: "westus3",
      vnetIds: net.vnetIds,
      hubVnetIds: net.hubVnetIds,
      gatewayIps: pulumi.output(GATEWAY_IPS),
      activeRegion: opts.activeRegion ?? "eastus2",
      commonTags: { environment: "test" },
      protect,
      watchdogOwnsTarget: false,
    });
    return {
      apimSubnetIds: net.apimSubnetIds,
      endpointIps: Object.fromEntries(REGIONS.map(r => [r, net.regions[r].privateLink.endpointIps])),
    };
  });
}

const rgOf = (region: string) => `rg-aoai-test-network-${region}`;
const inRegion = (rs: PlannedResource[], region: string) =>
  rs.filter(r => inputs(r).resourceGroupName === rgOf(region));
const vnetIdOf = (region: string) =>
  `/subscriptions/${SUB}/resourceGroups/${rgOf(region)}/providers/Microsoft.Network/virtualNetworks/vnet-aoai-test-${region}`;

describe("private network in eastus2 and centralus", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runPrivate();
  });

  test("a VNet per gateway region with the configured ranges: each subnet behind its own NSG (landing zones deny one without)", () => {
    const vnets = ofType(run, TYPES.virtualNetwork);
    expect(vnets.map(v => inputs(v).location)).toEqual(REGIONS);
    for (const region of REGIONS) {
      const [vnet] = inRegion(vnets, region);
      expect(inputs(vnet)).toMatchObject({
        virtualNetworkName: `vnet-aoai-test-${region}`,
        addressSpace: { addressPrefixes: [VNETS[region].addressSpace] },
      });
      expect(inputs(vnet).subnets).toEqual([
        {
          name: APIM_SUBNET,
          addressPrefix: VNETS[region].apimSubnet,
          networkSecurityGroup: {
            id: expect.stringMatching(new RegExp(`/networkSecurityGroups/nsg-apim-test-${region}$`)),
          },
        },
        {
          name: PRIVATE_ENDPOINT_SUBNET,
          addressPrefix: VNETS[region].privateEndpointSubnet,
          privateEndpointNetworkPolicies: "Disabled",
          networkSecurityGroup: {
            id: expect.stringMatching(new RegExp(`/networkSecurityGroups/nsg-pe-test-${region}$`)),
          },
        },
      ]);
      expect(inputs(vnet).tags).toEqual({ environment: "test", "bcdr-role": "network" });
    }
  });

  test("outputs each region's APIM subnet id (what the gateway injects into)", () => {
    expect(run.outputs.apimSubnetIds).toEqual(
      Object.fromEntries(REGIONS.map(r => [r, `${vnetIdOf(r)}/subnets/${APIM_SUBNET}`])),
    );
  });

  test("the APIM NSG opens exactly what internal VNet mode needs", () => {
    const apimNsgs = ofType(run, TYPES.networkSecurityGroup).filter(n => inputs(n).securityRules);
    expect(apimNsgs).toHaveLength(REGIONS.length);
    for (const nsg of apimNsgs) {
      expect(
        inputs(nsg).securityRules.map((r: Loose) => [
          r.direction,
          r.priority,
          r.name,
          r.sourceAddressPrefix,
          r.destinationAddressPrefix,
          r.destinationPortRange ?? r.destinationPortRanges,
          r.protocol,
          r.access,
        ]),
      ).toEqual([
        ["Inbound", 100, "AllowApiManagementInbound", "ApiManagement", "VirtualNetwork", "3443", "Tcp", "Allow"],
        [
          "Inbound",
          110,
          "AllowAzureLoadBalancerInbound",
          "AzureLoadBalancer",
          "VirtualNetwork",
          "6390",
          "Tcp",
          "Allow",
        ],
        ["Outbound", 100, "AllowStorageOutbound", "VirtualNetwork", "Storage", "443", "Tcp", "Allow"],
        ["Outbound", 110, "AllowSqlOutbound", "VirtualNetwork", "Sql", "1433", "Tcp", "Allow"],
        ["Outbound", 120, "AllowKeyVaultOutbound", "VirtualNetwork", "AzureKeyVault", "443", "Tcp", "Allow"],
        [
          "Outbound",
          130,
          "AllowAzureMonitorOutbound",
          "VirtualNetwork",
          "AzureMonitor",
          ["1886", "443"],
          "Tcp",
          "Allow",
        ],
      ]);
    }
  });

  test("every VNet is peered with its hub both ways, the hub's side written in the hub's subscription", () => {
    const flags = { allowVirtualNetworkAccess: true, allowForwardedTraffic: true, useRemoteGateways: false };
    const peerings = ofType(run, TYPES.virtualNetworkPeering);
    expect(peerings).toHaveLength(2 * REGIONS.length);
    for (const region of REGIONS) {
      const spokeSide = peerings.find(p => inputs(p).virtualNetworkName === `vnet-aoai-test-${region}`)!;
      expect(inputs(spokeSide)).toEqual({
        ...flags,
        virtualNetworkPeeringName: "to-hub",
        virtualNetworkName: `vnet-aoai-test-${region}`,
        resourceGroupName: rgOf(region),
        remoteVirtualNetwork: { id: hubOf(region) },
      });
      const hubSide = peerings.find(p => inputs(p).virtualNetworkName === `vnet-hub-${region}`)!;
      expect(inputs(hubSide)).toEqual({
        ...flags,
        virtualNetworkPeeringName: `to-vnet-aoai-test-${region}`,
        virtualNetworkName: `vnet-hub-${region}`,
        resourceGroupName: `rg-hub-${region}`,
        remoteVirtualNetwork: { id: vnetIdOf(region) },
      });
      const provider = run.resources.find(r => r.urn === hubSide.provider?.split("::").slice(0, 4).join("::"))!;
      expect(inputs(provider).subscriptionId).toBe(HUB_SUB);
    }
  });

  test("private endpoints on an account wait for its last deployment (the account is busy until then: 409)", () => {
    const accountEndpoints = ofType(run, TYPES.privateEndpoint).filter(
      e => inputs(e).privateLinkServiceConnections[0].groupIds[0] === "account",
    );
    expect(accountEndpoints).toHaveLength(ACCOUNTS.length * REGIONS.length);
    for (const e of accountEndpoints) {
      const key = ACCOUNT_KEYS.find(
        ([k, r]) => inputs(e).privateLinkServiceConnections[0].privateLinkServiceId === accountIdOf(k, r),
      )![0];
      expect(e.dependsOn).toContain(run.resources.find(r => r.name === `${key}-gpt-5.1`)!.urn);
    }
  });

  test("a private endpoint for every account and for the Key Vault in every gateway region, in that region's endpoint subnet", () => {
    const endpoints = ofType(run, TYPES.privateEndpoint);
    expect(endpoints).toHaveLength((ACCOUNTS.length + 1) * REGIONS.length);
    for (const region of REGIONS) {
      const here = inRegion(endpoints, region).map(inputs);
      const connections = here.map(e =>
        e.privateLinkServiceConnections.map((c: Loose) => [c.privateLinkServiceId, c.groupIds]),
      );
      expect(connections.sort()).toEqual(
        [...ACCOUNTS.map(a => [[a.accountId, ["account"]]]), [[VAULT.id, ["vault"]]]].sort(),
      );
      for (const e of here) {
        expect(e).toMatchObject({
          location: region,
          subnet: { id: `${vnetIdOf(region)}/subnets/${PRIVATE_ENDPOINT_SUBNET}` },
        });
      }
    }
  });

  test.each([
    ["privatelink.openai.azure.com", ACCOUNTS.map(a => a.subdomain)],
    ["privatelink.vaultcore.azure.net", [VAULT.name]],
  ])(
    "split brain: a protected %s zone per region, in that region's resource group, linked to that region's VNet only (never a hub), falling back to public resolution for names it lacks",
    (zoneName, names) => {
      const zones = ofType(run, TYPES.privateZone).filter(z => inputs(z).privateZoneName === zoneName);
      expect(zones.map(z => inputs(z).resourceGroupName)).toEqual(REGIONS.map(rgOf));
      for (const z of zones) expect(z.protect).toBe(true);
      for (const region of REGIONS) {
        const links = inRegion(ofType(run, TYPES.virtualNetworkLink), region).filter(
          l => inputs(l).privateZoneName === zoneName,
        );
        expect(links.map(l => inputs(l).virtualNetwork.id)).toEqual([vnetIdOf(region)]);
        expect(links.map(l => inputs(l).registrationEnabled)).toEqual([false]);
        expect(links.map(l => inputs(l).resolutionPolicy)).toEqual(["NxDomainRedirect"]);
        const records = inRegion(ofType(run, TYPES.record), region).filter(r => inputs(r).privateZoneName === zoneName);
        expect(records.map(r => inputs(r).relativeRecordSetName)).toEqual(names);
      }
    },
  );

  test("every record points at its own region's private endpoint, an address inside that region's endpoint subnet", () => {
    const ips = run.outputs.endpointIps as Record<string, Record<string, string>>;
    for (const region of REGIONS) {
      const records = inRegion(ofType(run, TYPES.record), region).filter(r =>
        inputs(r).privateZoneName.startsWith("privatelink."),
      );
      expect(records).toHaveLength(ACCOUNTS.length + 1);
      const byKey = Object.fromEntries([...ACCOUNTS.map(a => [a.subdomain, a.key]), [VAULT.name, "vault"]]);
      for (const r of records) {
        expect(inputs(r)).toMatchObject({ recordType: "A", ttl: 10 });
        expect(inputs(r).aRecords).toEqual([{ ipv4Address: ips[region][byKey[inputs(r).relativeRecordSetName]] }]);
      }
      const addresses = Object.values(ips[region]);
      expect(new Set(addresses).size).toBe(addresses.length);
      for (const ip of addresses) expect(contains(VNETS[region].privateEndpointSubnet, `${ip}/32`)).toBe(true);
    }
  });

  test("the gateway's name is a protected zone of its own, outside both gateway regions, linked to every VNet and hub, resolving to the active region's gateway", () => {
    const zone = ofType(run, TYPES.privateZone).find(z => inputs(z).privateZoneName === GATEWAY_HOST)!;
    expect(zone.protect).toBe(true);
    expect(inputs(zone)).toMatchObject({
      location: "global",
      resourceGroupName: "rg-aoai-test-dns-westus3",
      tags: { environment: "test", "bcdr-role": "dns" },
    });
    const group = ofType(run, TYPES.resourceGroup).find(
      g => inputs(g).resourceGroupName === "rg-aoai-test-dns-westus3",
    )!;
    expect(REGIONS).not.toContain(inputs(group).location);
    const links = ofType(run, TYPES.virtualNetworkLink).filter(l => inputs(l).privateZoneName === GATEWAY_HOST);
    expect(links.map(l => inputs(l).virtualNetwork.id).sort()).toEqual(
      [...REGIONS.map(vnetIdOf), ...REGIONS.map(hubOf)].sort(),
    );
    const records = ofType(run, TYPES.record).filter(r => inputs(r).privateZoneName === GATEWAY_HOST);
    expect(records.map(inputs)).toEqual([
      expect.objectContaining({
        relativeRecordSetName: "@",
        recordType: "A",
        ttl: 10,
        aRecords: [{ ipv4Address: GATEWAY_IPS.eastus2 }],
      }),
    ]);
  });

  test("resource groups, VNets and DNS zones are protected; endpoints, links and records are not", () => {
    const protectedTypes = new Set(run.resources.filter(r => r.protect).map(r => r.type));
    expect([...protectedTypes].sort()).toEqual([TYPES.resourceGroup, TYPES.virtualNetwork, TYPES.privateZone].sort());
    expect(ofType(run, TYPES.virtualNetwork).every(v => v.protect)).toBe(true);
    expect(ofType(run, TYPES.privateZone)).toHaveLength(5);
    expect(ofType(run, TYPES.privateZone).every(z => z.protect)).toBe(true);
  });
});

test("flipping activeGatewayRegion changes the gateway record's value and nothing else", async () => {
  const before = await runPrivate({ activeRegion: "eastus2" });
  const after = await runPrivate({ activeRegion: "centralus" });
  expect(after.resources.map(r => r.urn)).toEqual(before.resources.map(r => r.urn));
  const changed = after.resources.filter(
    (r, i) => JSON.stringify(r.inputs) !== JSON.stringify(before.resources[i].inputs),
  );
  expect(changed.map(r => r.urn)).toEqual([
    "urn:pulumi:test::aoai-bcdr::aoai-bcdr:gatewayDns:GatewayDns$azure-native:privatedns:PrivateRecordSet::gateway-dns-record",
  ]);
  const record = (run: ProgramRun) => inputs(run.resources.find(r => r.urn === changed[0].urn)!);
  expect({ ...record(after), aRecords: undefined }).toEqual({ ...record(before), aRecords: undefined });
  expect(record(before).aRecords).toEqual([{ ipv4Address: GATEWAY_IPS.eastus2 }]);
  expect(record(after).aRecords).toEqual([{ ipv4Address: GATEWAY_IPS.centralus }]);
});

test("without protect, nothing is protected", async () => {
  const run = await runPrivate({ protect: false });
  expect(run.resources.filter(r => r.protect)).toEqual([]);
});

test("a hub shared by both regions resolves the gateway's zone only, linked once (Azure links a VNet to one zone per name; the hub keeps the organization's privatelink zones)", async () => {
  const shared = hubOf("eastus2");
  // ARM ids compare case-insensitively: the second region names the same hub in other case.
  const run = await runPrivate({
    vnets: Object.fromEntries(
      REGIONS.map((r, i) => [
        r,
        { ...VNETS[r], hubVnetId: i === 0 ? shared : shared.replace("/resourceGroups/", "/resourcegroups/") },
      ]),
    ),
  });
  const hubLinks = ofType(run, TYPES.virtualNetworkLink).filter(
    l => inputs(l).virtualNetwork.id.toLowerCase() === shared.toLowerCase(),
  );
  expect(hubLinks.map(l => [inputs(l).privateZoneName, inputs(l).resourceGroupName]).sort()).toEqual([
    [GATEWAY_HOST, "rg-aoai-test-dns-westus3"],
  ]);
  expect(
    ofType(run, TYPES.virtualNetworkPeering).filter(p => inputs(p).virtualNetworkName === "vnet-hub-eastus2"),
  ).toHaveLength(2);
});

describe("the organization's central zones (network.centralDnsZones)", () => {
  let run: ProgramRun;
  const withResolver = Object.fromEntries(REGIONS.map(r => [r, { ...VNETS[r], dnsServers: ["10.0.0.4"] }]));
  beforeAll(async () => {
    run = await runPrivate({ centralZones: CENTRAL_ZONES, vnets: withResolver });
  });

  test("the stack creates no privatelink zone, link or record: only the gateway's zone is its own", () => {
    expect(ofType(run, TYPES.privateZone).map(z => inputs(z).privateZoneName)).toEqual([GATEWAY_HOST]);
    expect(ofType(run, TYPES.virtualNetworkLink).every(l => inputs(l).privateZoneName === GATEWAY_HOST)).toBe(true);
    expect(ofType(run, TYPES.record).map(r => inputs(r).privateZoneName)).toEqual([GATEWAY_HOST]);
  });

  test("every target still has an endpoint in every gateway region; each is registered once, by the endpoint in its own region when that is a gateway region, else the first", () => {
    expect(ofType(run, TYPES.privateEndpoint)).toHaveLength((ACCOUNTS.length + 1) * REGIONS.length);
    const groups = ofType(run, TYPES.privateDnsZoneGroup).map(inputs);
    const registered = groups.map(g => [g.privateEndpointName, g.resourceGroupName, g.privateDnsZoneConfigs]);
    expect(registered.sort()).toEqual(
      [
        [
          "pe-standard-primary-eastus2",
          rgOf("eastus2"),
          [{ name: "privatelink-openai-azure-com", privateDnsZoneId: CENTRAL_ZONES.openai }],
        ],
        [
          "pe-standard-secondary-centralus",
          rgOf("centralus"),
          [{ name: "privatelink-openai-azure-com", privateDnsZoneId: CENTRAL_ZONES.openai }],
        ],
        // westus3 hosts no gateway: the first gateway region's endpoint answers for it.
        [
          "pe-enterprise-ptu-eastus2",
          rgOf("eastus2"),
          [{ name: "privatelink-openai-azure-com", privateDnsZoneId: CENTRAL_ZONES.openai }],
        ],
        [
          "pe-vault-eastus2",
          rgOf("eastus2"),
          [{ name: "privatelink-vaultcore-azure-net", privateDnsZoneId: CENTRAL_ZONES.vault }],
        ],
      ].sort(),
    );
  });

  test("each VNet resolves through the hub's resolver, where the central zones are linked", () => {
    for (const vnet of ofType(run, TYPES.virtualNetwork)) {
      expect(inputs(vnet).dhcpOptions).toEqual({ dnsServers: ["10.0.0.4"] });
    }
  });
});

test("with useHubGateway the spoke uses the hub's gateway, after the hub's side allows transit (Azure refuses the other order)", async () => {
  const transit = Object.fromEntries(REGIONS.map(r => [r, { ...VNETS[r], useHubGateway: true }]));
  const run = await runPrivate({ vnets: transit });
  const peerings = ofType(run, TYPES.virtualNetworkPeering);
  for (const region of REGIONS) {
    const spokeSide = peerings.find(p => inputs(p).virtualNetworkName === `vnet-aoai-test-${region}`)!;
    const hubSide = peerings.find(p => inputs(p).virtualNetworkName === `vnet-hub-${region}`)!;
    expect(inputs(spokeSide)).toMatchObject({ useRemoteGateways: true, remoteVirtualNetwork: { id: hubOf(region) } });
    expect(inputs(spokeSide).allowGatewayTransit).toBeUndefined();
    expect(inputs(hubSide)).toMatchObject({ useRemoteGateways: false, allowGatewayTransit: true });
    expect(spokeSide.dependsOn).toContain(hubSide.urn);
  }
});

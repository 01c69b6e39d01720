/**
 * The mock engine refuses the network mistakes Azure refuses, each from cited data: a subnet out of addresses,
 * an APIM subnet too small for its units, zones in a region without any, a v2 tier above its units, a second
 * zone of one name on a VNet (the landing zone's own links included), a privatelink zone the landing zone
 * denies, and a peering that uses the hub's gateway before the hub allows transit.
 */
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { AzureRefusal, AzureRefusalError } from "../stacks/engine/refusals/refusal";
import { runProgram } from "../stacks/engine/runner";
import { PROJECT } from "../infra/config";
import { inputs } from "./components";
import { ofType, runStack } from "./support";
import { TYPES } from "../catalog/types";

const SUB = "00000000-0000-4000-8000-000000000000";
const HUB_SUB = "33333333-3333-4333-8333-333333333333";
const HUB = `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const CENTRAL_ZONES = {
  openai: `/subscriptions/${HUB_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com`,
  vault: `/subscriptions/${HUB_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`,
};

/** The refusals a run of `declare` ends with, in a stack whose `network` config is `networkConfig`. */
async function refusalsOf(declare: () => void, networkConfig?: Record<string, unknown>): Promise<AzureRefusal[]> {
  const values: Record<string, string> = networkConfig ? { [`${PROJECT}:network`]: JSON.stringify(networkConfig) } : {};
  try {
    await runProgram({ stack: "test", config: { values, secretKeys: [] }, program: async () => (declare(), {}) });
    return [];
  } catch (e) {
    if (e instanceof AzureRefusalError) return [...e.refusals];
    throw e;
  }
}

const spoke = (subnets: { name: string; addressPrefix: string }[]) =>
  new network.VirtualNetwork("vnet", {
    virtualNetworkName: "vnet-spoke",
    resourceGroupName: "rg-net",
    location: "eastus2",
    addressSpace: { addressPrefixes: ["10.40.0.0/22"] },
    subnets,
  });
const subnetId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/${name}`;

function endpoint(i: number) {
  return new network.PrivateEndpoint(`pe-${i}`, {
    privateEndpointName: `pe-${i}`,
    resourceGroupName: "rg-net",
    location: "eastus2",
    subnet: { id: subnetId("snet-pe") },
    privateLinkServiceConnections: [
      { name: `pe-${i}`, privateLinkServiceId: `/subscriptions/${SUB}/x/kv-${i}`, groupIds: ["vault"] },
    ],
  });
}

function apim(name: string, sku: string, capacity: number, extra: Record<string, unknown> = {}) {
  return new apimanagement.ApiManagementService(name, {
    serviceName: `apim-${name}`,
    resourceGroupName: "rg-apim",
    location: "eastus2",
    sku: { name: sku, capacity },
    publisherEmail: "a@contoso.com",
    publisherName: "Contoso",
    ...extra,
  });
}

describe("address space", () => {
  test("a private endpoint subnet hands out 2^(32-n) - 5 addresses: a /29 holds 3 endpoints, the 4th is refused", async () => {
    const refusals = await refusalsOf(() => {
      spoke([{ name: "snet-pe", addressPrefix: "10.40.1.0/29" }]);
      for (const i of [1, 2, 3, 4]) endpoint(i);
    });
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "subnet-addresses",
        resource: "pe-4",
        message: `subnet ${subnetId("snet-pe")} (10.40.1.0/29) has no address left: its 3 usable addresses are taken`,
        source: expect.stringContaining("virtual-networks-faq"),
      }),
    ]);
  });

  test("an internal Premium location whose subnet is too small for its units is refused (2 per unit, 1 for the load balancer)", async () => {
    const vnet = (units: number) => ({
      virtualNetworkType: "Internal",
      virtualNetworkConfiguration: { subnetResourceId: subnetId(`snet-apim-${units}`) },
    });
    const refusals = await refusalsOf(() => {
      spoke([
        { name: "snet-apim-1", addressPrefix: "10.40.0.0/29" },
        { name: "snet-apim-2", addressPrefix: "10.40.0.8/29" },
      ]);
      apim("fits", "Premium", 1, vnet(1));
      apim("too-many", "Premium", 2, vnet(2));
    });
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "subnet-addresses",
        resource: "too-many",
        message: `subnet ${subnetId("snet-apim-2")} (10.40.0.8/29) has 3 usable addresses; 2 Premium unit(s) in internal mode need 5`,
        source: expect.stringContaining("virtual-network-injection-resources#subnet-size"),
      }),
    ]);
  });
});

describe("availability zones and units", () => {
  test("zones on an APIM location and on a public IP in regions without availability zones are refused", async () => {
    const refusals = await refusalsOf(() => {
      apim("zonal", "Premium", 2, {
        zones: ["1", "2"],
        additionalLocations: [{ location: "northcentralus", sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] }],
      });
      new network.PublicIPAddress("pip", {
        publicIpAddressName: "pip-westus",
        resourceGroupName: "rg-apim",
        location: "westus",
        sku: { name: "Standard" },
        zones: ["1", "2", "3"],
      });
    });
    expect(refusals.map(r => [r.rule, r.resource, r.message]).sort()).toEqual([
      ["availability-zones", "pip", "westus has no availability zones; zones 1, 2, 3 cannot be used there"],
      ["availability-zones", "zonal", "northcentralus has no availability zones; zones 1, 2 cannot be used there"],
    ]);
    expect(refusals[0].source).toContain("reliability/regions-list");
  });

  test("a v2 service above the 10 units its tier scales to is refused", async () => {
    const refusals = await refusalsOf(() => {
      apim("basic-10", "BasicV2", 10);
      apim("standard-11", "StandardV2", 11);
    });
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "apim-tier",
        resource: "standard-11",
        message: "API Management service 'apim-standard-11' (StandardV2): 11 units; the tier scales to 10",
        source: expect.stringContaining("v2-service-tiers-overview"),
      }),
    ]);
  });
});

describe("the landing zone", () => {
  const landingZone = (extra: Record<string, unknown> = {}) => ({
    mode: "private",
    vnets: { eastus2: { hubVnetId: HUB } },
    ...extra,
  });
  const hubLink = (zone: string) =>
    new privatedns.VirtualNetworkLink(`link-${zone}`, {
      privateZoneName: zone,
      resourceGroupName: "rg-net",
      virtualNetworkLinkName: "link-hub",
      location: "global",
      virtualNetwork: { id: HUB },
      registrationEnabled: false,
    });

  test("a hub is already linked to the organization's privatelink zones: linking the stack's own copy to it answers 409", async () => {
    const refusals = await refusalsOf(() => {
      hubLink("privatelink.openai.azure.com");
      hubLink("apim-test.azure-api.net");
    }, landingZone());
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "dns-link",
        resource: "link-privatelink.openai.azure.com",
        message: `${HUB} is already linked to a zone named privatelink.openai.azure.com (by the organization's central zone (landing zone))`,
      }),
    ]);
  });

  test("with central zones, the landing zone's policy denies the stack's own privatelink zones", async () => {
    const zone = (name: string) =>
      new privatedns.PrivateZone(`zone-${name}`, {
        privateZoneName: name,
        resourceGroupName: "rg-dns",
        location: "global",
      });
    const refusals = await refusalsOf(
      () => {
        zone("privatelink.vaultcore.azure.net");
        zone("apim-test.azure-api.net");
      },
      landingZone({ centralDnsZones: CENTRAL_ZONES }),
    );
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "landing-zone-policy",
        resource: "zone-privatelink.vaultcore.azure.net",
        source: expect.stringContaining("Deny-Private-DNS-Zones"),
      }),
    ]);
  });

  test("without a landing zone (public mode), nothing is linked or denied before the stack", async () => {
    expect(await refusalsOf(() => hubLink("privatelink.openai.azure.com"), { mode: "public" })).toEqual([]);
  });
});

describe("gateway transit", () => {
  const SPOKE_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
  const peerings = (hubAllowsTransit: boolean, spokeWaits: boolean) => {
    const hubSide = new network.VirtualNetworkPeering("hub-side", {
      virtualNetworkPeeringName: "to-spoke",
      virtualNetworkName: "vnet-hub",
      resourceGroupName: "rg-hub",
      remoteVirtualNetwork: { id: SPOKE_ID },
      allowGatewayTransit: hubAllowsTransit,
    });
    new network.VirtualNetworkPeering(
      "spoke-side",
      {
        virtualNetworkPeeringName: "to-hub",
        virtualNetworkName: "vnet-spoke",
        resourceGroupName: "rg-net",
        remoteVirtualNetwork: {
          id: `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`,
        },
        useRemoteGateways: true,
      },
      { dependsOn: spokeWaits ? [hubSide] : [] },
    );
  };

  test.each([
    ["the hub's side does not allow transit", false, true],
    ["the spoke's side does not wait for the hub's", true, false],
  ])("useRemoteGateways is refused when %s", async (_what, allows, waits) => {
    const refusals = await refusalsOf(() => peerings(allows, waits));
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "ordering:remote-gateway-after-transit",
        resource: expect.stringMatching(/::spoke-side$/),
        message: expect.stringContaining("the peering from vnet-hub back to this VNet, with allowGatewayTransit"),
      }),
    ]);
  });

  test("useRemoteGateways after a hub side allowing transit is accepted", async () => {
    expect(await refusalsOf(() => peerings(true, true))).toEqual([]);
  });
});

test("prod with the organization's central zones plans in its landing zone: no privatelink zone, every target registered once", async () => {
  const run = await runStack("prod", {
    edit: v => {
      v.network.centralDnsZones = CENTRAL_ZONES;
      for (const vnet of Object.values(v.network.vnets as Record<string, Record<string, unknown>>))
        vnet.dnsServers = ["10.0.0.4"];
    },
  });
  expect(ofType(run, TYPES.privateZone).map(z => inputs(z).privateZoneName)).toEqual([
    expect.stringMatching(/\.azure-api\.net$/),
  ]);
  const endpoints = ofType(run, TYPES.privateEndpoint);
  const groups = ofType(run, TYPES.privateDnsZoneGroup);
  expect(groups).toHaveLength(endpoints.length / 2);
  expect(new Set(groups.map(g => inputs(g).privateEndpointName)).size).toBe(groups.length);
});

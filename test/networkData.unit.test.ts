/**
 * The network data the config rules and the mock engine share: addresses per subnet, APIM's addresses per unit
 * (checked against Microsoft's own sizing table), v2 units, regions with availability zones, and which gateway
 * region's endpoint answers for a target in the organization's central zones.
 */
import { ZONE_REGIONS, hasAvailabilityZones } from "../catalog/availabilityZones";
import { APIM_MAX_UNITS, apimSubnetAddresses, usableAddresses } from "../catalog/networkLimits";
import { knownRegions } from "../catalog/regions";
import { registrationRegion } from "../infra/privateLink";
import { landingZoneOf } from "../stacks/engine/refusals/landingZone";

test("Azure reserves 5 addresses per subnet", () => {
  expect([29, 28, 27, 26].map(usableAddresses)).toEqual([3, 11, 27, 59]);
});

test("APIM's sizing table: the most Premium units an internal location fits in a /29, /28, /27, /26, /25", () => {
  // https://learn.microsoft.com/azure/api-management/virtual-network-injection-resources#subnet-size (examples)
  const maxUnits = (prefix: number) => {
    let units = 0;
    while (apimSubnetAddresses("Premium", units + 1, true) <= usableAddresses(prefix)) units++;
    return units;
  };
  expect([29, 28, 27, 26, 25].map(maxUnits)).toEqual([1, 5, 13, 29, 61]);
  expect(apimSubnetAddresses("Developer", 1, true)).toBe(2);
});

test("the v2 tiers scale to 10 units", () => {
  expect(APIM_MAX_UNITS).toEqual({ BasicV2: 10, StandardV2: 10 });
});

test("availability zones: every catalog region but North Central US, West US, Canada East and South India", () => {
  expect(knownRegions().filter(r => !ZONE_REGIONS.includes(r))).toEqual([
    "northcentralus",
    "westus",
    "canadaeast",
    "southindia",
  ]);
  expect(["eastus2", "centralus", "swedencentral"].every(hasAvailabilityZones)).toBe(true);
  expect(hasAvailabilityZones("notaregion")).toBe(false);
});

test("central zones: a target is answered for by its own region's endpoint when that is a gateway region, else the first gateway region's", () => {
  const gateways = ["eastus2", "centralus"];
  expect(["eastus2", "centralus", "westus3"].map(r => registrationRegion(r, gateways))).toEqual([
    "eastus2",
    "centralus",
    "eastus2",
  ]);
});

test("the mock engine reads the landing zone from the stack's network config (hubs, central zones)", () => {
  const hub = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub";
  const network = { mode: "private", vnets: { a: { hubVnetId: hub }, b: { hubVnetId: hub } }, centralDnsZones: {} };
  expect(landingZoneOf(JSON.stringify(network))).toEqual({ hubVnetIds: [hub], centralZones: true });
  expect(landingZoneOf(JSON.stringify({ mode: "public" }))).toEqual({ hubVnetIds: [], centralZones: false });
  expect(landingZoneOf("not json")).toEqual({ hubVnetIds: [], centralZones: false });
});

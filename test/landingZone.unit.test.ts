/**
 * What an Azure landing zone's policies deny, as the mock engine knows them from the stack's network config.
 */
import { landingZoneOf, subnetWithoutNsgRefusal } from "../stacks/engine/refusals/landingZone";

const HUB =
  "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";
const privateNetwork = { mode: "private", vnets: { eastus2: { hubVnetId: HUB } } };
const nsg = { id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg" };

describe("Deny-Subnet-Without-Nsg", () => {
  test("a landing zone's VNet with a subnet that has no network security group is refused, naming the subnet", () => {
    const refusal = subnetWithoutNsgRefusal(landingZoneOf(JSON.stringify(privateNetwork)), "vnet", {
      subnets: [
        { name: "snet-apim", networkSecurityGroup: nsg },
        { name: "snet-private-endpoints", privateEndpointNetworkPolicies: "Disabled" },
      ],
    });
    expect(refusal?.message).toBe(
      "the landing zone's policy Deny-Subnet-Without-Nsg denies subnet snet-private-endpoints: it has no network security group",
    );
    expect(refusal?.source).toContain("Deny-Subnet-Without-Nsg");
  });

  test("every subnet with a network security group passes; outside a landing zone (public mode) nothing is denied", () => {
    const subnets = [{ name: "a", networkSecurityGroup: nsg }];
    expect(subnetWithoutNsgRefusal(landingZoneOf(privateNetwork), "vnet", { subnets })).toBeUndefined();
    expect(
      subnetWithoutNsgRefusal(landingZoneOf({ mode: "public" }), "vnet", { subnets: [{ name: "b" }] }),
    ).toBeUndefined();
  });
});

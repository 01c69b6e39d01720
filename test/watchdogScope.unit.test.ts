import { scopeProblem } from "../policies/rules/watchdogScope";

const DNS = "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/b12aa53e-6015-4669-85d0-8515ebb3ae7f";
const BLOB = "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
const RG = "/subscriptions/0/resourceGroups/rg-dns";
const ZONE = `${RG}/providers/Microsoft.Network/privateDnsZones/gw.contoso.internal`;

describe("watchdog-scope: how wide a watchdog grant may be", () => {
  it("accepts the DNS role at the zone or at one record set", () => {
    expect(scopeProblem(ZONE, DNS)).toBeUndefined();
    expect(scopeProblem(`${ZONE}/A/@`, DNS)).toBeUndefined();
  });

  it("refuses the DNS role anywhere else, and any role at a resource group or subscription", () => {
    expect(scopeProblem(`${RG}/providers/Microsoft.Network/virtualNetworks/v`, DNS)).toMatch(/nothing else$/);
    expect(scopeProblem(RG, DNS)).toMatch(/wider than one resource/);
    expect(scopeProblem("/subscriptions/0", BLOB)).toMatch(/wider than one resource/);
  });

  it("accepts another role on one resource (its own storage)", () => {
    expect(scopeProblem(`${RG}/providers/Microsoft.Storage/storageAccounts/st`, BLOB)).toBeUndefined();
  });
});

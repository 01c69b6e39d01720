import { isWatchdogIdentity, scopeProblem } from "../policies/rules/watchdogScope";
import { GATEWAY_DNS_COMPONENT, WATCHDOG_COMPONENT } from "../catalog/watchdog";
import { ROLES } from "../catalog/roles";
import { TYPES } from "../catalog/types";

const role = (id: string) => `/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const DNS = role(ROLES.privateDnsZoneContributor);
const BLOB = role(ROLES.storageBlobDataOwner);
const METRICS = role(ROLES.monitoringMetricsPublisher);
const OWNER = role("8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
const RG = "/subscriptions/0/resourceGroups/rg-dns";
const ZONE = `${RG}/providers/Microsoft.Network/privateDnsZones/gw.contoso.internal`;
const STORAGE = "/subscriptions/0/resourceGroups/rg-wd/providers/Microsoft.Storage/storageAccounts/st";
const INSIGHTS = "/subscriptions/0/resourceGroups/rg-wd/providers/Microsoft.Insights/components/appi";
const urn = (chain: string[], name = "r") => `urn:pulumi:prod::aoai-bcdr::${chain.join("$")}::${name}`;
const RECORD_URN = urn([GATEWAY_DNS_COMPONENT, TYPES.record]);
const ZONE_URN = urn([GATEWAY_DNS_COMPONENT, TYPES.privateZone]);
const OWN_STORAGE = urn([WATCHDOG_COMPONENT, TYPES.storageAccount]);
const OWN_INSIGHTS = urn([WATCHDOG_COMPONENT, "aoai-bcdr:observability:Observability", TYPES.appInsights]);

describe("watchdog-scope: which grants the watchdog may hold", () => {
  it("accepts the pairs the program grants: DNS on the gateway's zone or record, blob data and telemetry on its own", () => {
    expect(scopeProblem(ZONE, DNS, [ZONE_URN])).toBeUndefined();
    expect(scopeProblem(`${ZONE}/A/@`, DNS, [RECORD_URN])).toBeUndefined();
    expect(scopeProblem(STORAGE, BLOB, [OWN_STORAGE])).toBeUndefined();
    expect(scopeProblem(INSIGHTS, METRICS, [OWN_INSIGHTS])).toBeUndefined();
  });

  it("refuses the DNS role anywhere else, and any role at a resource group or subscription", () => {
    const vnet = `${RG}/providers/Microsoft.Network/virtualNetworks/v`;
    expect(scopeProblem(vnet, DNS, [RECORD_URN])).toMatch(/gateway's zone or its record, nothing else$/);
    expect(scopeProblem(RG, DNS, [])).toMatch(/wider than one resource/);
    expect(scopeProblem("/subscriptions/0", BLOB, [])).toMatch(/wider than one resource/);
  });

  it("refuses a role the watchdog does not need, even on one resource of its own", () => {
    expect(scopeProblem(STORAGE, OWNER, [OWN_STORAGE])).toMatch(/is none the watchdog needs/);
    expect(scopeProblem(ZONE, BLOB, [ZONE_URN])).toMatch(/Storage Blob Data Owner at .*: .*own storage account/);
  });

  it("refuses a needed role on a resource that is not its own: another zone, another storage account, a literal id", () => {
    const privateLinkZone = urn(["aoai-bcdr:privateLink:PrivateLink", TYPES.privateZone]);
    expect(scopeProblem(ZONE, DNS, [privateLinkZone])).toMatch(/nothing else$/);
    expect(scopeProblem(STORAGE, BLOB, [urn(["aoai-bcdr:gateway:Gateway", TYPES.storageAccount])])).toMatch(
      /own storage account, nothing else$/,
    );
    expect(scopeProblem(STORAGE, BLOB, [])).toMatch(/own storage account, nothing else$/);
    expect(scopeProblem(INSIGHTS, METRICS, [OWN_STORAGE])).toMatch(/own Application Insights, nothing else$/);
  });

  it("knows the watchdog's identity by its tag or by its component, tagged or not", () => {
    const identity = TYPES.userAssignedIdentity;
    expect(isWatchdogIdentity(urn([WATCHDOG_COMPONENT, identity]), undefined)).toBe(true);
    expect(isWatchdogIdentity(urn([identity]), "watchdog")).toBe(true);
    expect(isWatchdogIdentity(urn(["aoai-bcdr:gateway:Gateway", identity]), "gateway")).toBe(false);
  });
});

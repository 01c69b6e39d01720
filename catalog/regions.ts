/**
 * Azure regions that host Azure OpenAI, and the data zone each belongs to.
 *
 * Data Zone deployments (DataZoneStandard / DataZoneProvisionedManaged) keep processing inside one
 * geography: the US zone or the EU zone (the GDPR case). Regions outside both zones can still host
 * GlobalStandard or regional Standard deployments. Pure data: no Pulumi import.
 */

export type DataZone = "US" | "EU";
export const DATA_ZONES: readonly DataZone[] = ["US", "EU"];

export interface RegionInfo {
  /** ARM location name, e.g. `eastus2`. */
  readonly name: string;
  readonly displayName: string;
  /** The data zone the region belongs to, if any. */
  readonly dataZone?: DataZone;
}

const catalog: readonly RegionInfo[] = [
  // US data zone
  { name: "eastus", displayName: "East US", dataZone: "US" },
  { name: "eastus2", displayName: "East US 2", dataZone: "US" },
  { name: "centralus", displayName: "Central US", dataZone: "US" },
  { name: "northcentralus", displayName: "North Central US", dataZone: "US" },
  { name: "southcentralus", displayName: "South Central US", dataZone: "US" },
  { name: "westus", displayName: "West US", dataZone: "US" },
  { name: "westus2", displayName: "West US 2", dataZone: "US" },
  { name: "westus3", displayName: "West US 3", dataZone: "US" },
  // EU data zone (EU member states only: Switzerland, Norway and the UK are outside it)
  { name: "francecentral", displayName: "France Central", dataZone: "EU" },
  { name: "germanywestcentral", displayName: "Germany West Central", dataZone: "EU" },
  { name: "italynorth", displayName: "Italy North", dataZone: "EU" },
  { name: "northeurope", displayName: "North Europe", dataZone: "EU" },
  { name: "polandcentral", displayName: "Poland Central", dataZone: "EU" },
  { name: "spaincentral", displayName: "Spain Central", dataZone: "EU" },
  { name: "swedencentral", displayName: "Sweden Central", dataZone: "EU" },
  { name: "westeurope", displayName: "West Europe", dataZone: "EU" },
  // Outside any data zone: GlobalStandard or regional Standard only
  { name: "australiaeast", displayName: "Australia East" },
  { name: "brazilsouth", displayName: "Brazil South" },
  { name: "canadaeast", displayName: "Canada East" },
  { name: "canadacentral", displayName: "Canada Central" },
  { name: "japaneast", displayName: "Japan East" },
  { name: "koreacentral", displayName: "Korea Central" },
  { name: "norwayeast", displayName: "Norway East" },
  { name: "southafricanorth", displayName: "South Africa North" },
  { name: "southeastasia", displayName: "Southeast Asia" },
  { name: "southindia", displayName: "South India" },
  { name: "switzerlandnorth", displayName: "Switzerland North" },
  { name: "switzerlandwest", displayName: "Switzerland West" },
  { name: "uaenorth", displayName: "UAE North" },
  { name: "uksouth", displayName: "UK South" },
];

const byName = new Map(catalog.map(r => [r.name, r]));

export function findRegion(name: string): RegionInfo | undefined {
  return byName.get(name);
}

export function knownRegions(): string[] {
  return catalog.map(r => r.name);
}

export function regionsInZone(zone: DataZone): string[] {
  return catalog.filter(r => r.dataZone === zone).map(r => r.name);
}

/**
 * Which of the catalog's regions have availability zones. A zone-redundant resource (an API Management
 * location with `zones`, a zonal public IP) in a region without zones is refused by ARM. Pure data.
 *
 * Source: "Azure regions list", availability zone support column,
 * https://learn.microsoft.com/azure/reliability/regions-list (retrieved 2026-12). Of the regions in
 * ./regions.ts, North Central US, West US, Canada East and South India have no availability zones.
 */
import { knownRegions } from "./regions";

const WITHOUT_ZONES: ReadonlySet<string> = new Set(["northcentralus", "westus", "canadaeast", "southindia"]);

/** Regions of the catalog with availability zones. */
export const ZONE_REGIONS: readonly string[] = knownRegions().filter(r => !WITHOUT_ZONES.has(r));

/** Whether the region has availability zones; a region outside the catalog is treated as having none (fail safe). */
export function hasAvailabilityZones(region: string): boolean {
  return ZONE_REGIONS.includes(region);
}

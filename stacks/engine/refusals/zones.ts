/**
 * Availability zones: ARM refuses `zones` on a resource in a region without availability zones (an API
 * Management location, a public IP), from the catalog's cited table of regions with zones.
 */
import { hasAvailabilityZones } from "../../../catalog/availabilityZones";
import type { AzureRefusal } from "./refusal";

const SOURCE = "https://learn.microsoft.com/azure/reliability/regions-list (availability zone support per region)";

/** Each `{ location, zones }` that asks for zones where the region has none. */
export function zoneRefusals(
  resource: string,
  locations: readonly { location?: string; zones?: readonly string[] }[],
): AzureRefusal[] {
  return locations
    .filter(l => l.zones?.length && !hasAvailabilityZones(String(l.location)))
    .map(l => ({
      rule: "availability-zones",
      resource,
      message: `${l.location} has no availability zones; zones ${l.zones!.join(", ")} cannot be used there`,
      source: SOURCE,
    }));
}

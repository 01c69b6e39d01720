/**
 * What Azure's sizes allow, checked before anything is declared: each region's private endpoint subnet holds
 * every endpoint, each APIM subnet holds its units, zone redundancy only in regions with availability zones,
 * and no more units than the tier scales to. The limits are the catalog's cited data.
 */
import { hasAvailabilityZones } from "../../../catalog/availabilityZones";
import { APIM_MAX_UNITS, apimSubnetAddresses, usableAddresses } from "../../../catalog/networkLimits";
import { parseCidr } from "../../cidr";
import { Issues } from "../issues";
import { Parsed } from "../types";
import { Rule, rule } from "./rule";

type EndpointSections = Pick<Parsed, "network" | "overflowSubscriptions" | "enterprisePtu" | "workloadPtus">;

/** Private endpoints in each gateway region: one per OpenAI account (every BCDR role) and one for the Key Vault. */
export function endpointsPerRegion(c: Omit<EndpointSections, "network">): number {
  const accounts = 2 + c.overflowSubscriptions.reduce((n, s) => n + s.regions.length, 0) + (c.enterprisePtu ? 1 : 0);
  return accounts + c.workloadPtus.length + 1;
}

function checkEndpointSubnets(c: EndpointSections, issues: Issues): void {
  const needed = endpointsPerRegion(c);
  for (const [region, v] of Object.entries(c.network.vnets)) {
    const usable = usableAddresses(parseCidr(v.privateEndpointSubnet).prefixLength);
    if (usable < needed) {
      issues.add(
        ["network", "vnets", region, "privateEndpointSubnet"],
        `${v.privateEndpointSubnet} hands out ${usable} addresses (Azure reserves 5 per subnet), but this region holds ${needed} private endpoints (every account and the Key Vault); use a larger range`,
      );
    }
  }
}

function checkApimSubnets({ network: n, gateway: g }: Pick<Parsed, "network" | "gateway">, issues: Issues): void {
  const needed = apimSubnetAddresses(g.sku, g.capacity, true);
  for (const [region, v] of Object.entries(n.vnets)) {
    const { prefixLength } = parseCidr(v.apimSubnet);
    // Below a /29, the network rules already refuse the subnet.
    if (prefixLength <= 29 && usableAddresses(prefixLength) < needed) {
      issues.add(
        ["network", "vnets", region, "apimSubnet"],
        `${v.apimSubnet} hands out ${usableAddresses(prefixLength)} addresses (Azure reserves 5 per subnet), but ${g.capacity} ${g.sku} unit(s) in internal mode take ${needed} (addresses per unit, plus the internal load balancer); use a larger range or fewer gateway.capacity`,
      );
    }
  }
}

export const sizingRules: readonly Rule[] = [
  // Public mode's VNets (private backends) hold the same endpoints.
  rule(["network", "overflowSubscriptions", "enterprisePtu", "workloadPtus"], (c, issues) => {
    checkEndpointSubnets(c, issues);
  }),
  rule(["network", "gateway"], (c, issues) => {
    if (c.network.mode === "private") checkApimSubnets(c, issues);
  }),
  rule(["gateway"], ({ gateway: g }, issues) => {
    const withoutZones = g.zoneRedundant ? g.regions.filter(r => !hasAvailabilityZones(r)) : [];
    if (withoutZones.length > 0) {
      issues.add(
        ["gateway", "zoneRedundant"],
        `${withoutZones.join(", ")} has no availability zones (Azure's regions list), so a zone-redundant gateway location there is refused; choose gateway regions with zones, or set zoneRedundant: false`,
      );
    }
    const max = APIM_MAX_UNITS[g.sku];
    if (max !== undefined && g.capacity > max) {
      issues.add(["gateway", "capacity"], `must be at most ${max}: ${g.sku} scales to ${max} units`);
    }
  }),
];

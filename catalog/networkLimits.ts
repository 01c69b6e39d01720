/**
 * Address and unit limits Azure enforces on the private network and the gateway. Pure data.
 */

/**
 * Azure reserves five addresses of every subnet: the network address, the default gateway (.1), two for
 * Azure DNS (.2, .3) and the broadcast address. Addresses are handed out from .4 up.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets
 */
export const RESERVED_ADDRESSES_PER_SUBNET = 5;
/** The first address Azure hands out in a subnet (offset from the network address). */
export const FIRST_USABLE_OFFSET = 4;

/** Addresses a subnet of this prefix length can hand out. */
export function usableAddresses(prefixLength: number): number {
  return Math.max(0, 2 ** (32 - prefixLength) - RESERVED_ADDRESSES_PER_SUBNET);
}

/**
 * API Management injected into a VNet (stv2): addresses each unit takes in the location's subnet, and one more
 * for the internal load balancer in internal mode. The minimum subnet is a /29.
 * https://learn.microsoft.com/azure/api-management/virtual-network-injection-resources#subnet-size
 */
export const APIM_ADDRESSES_PER_UNIT: Readonly<Record<string, number>> = { Developer: 1, Premium: 2 };
export const APIM_INTERNAL_LOAD_BALANCER_ADDRESSES = 1;

/** Addresses an injected API Management location of `units` takes in its subnet. */
export function apimSubnetAddresses(sku: string, units: number, internal: boolean): number {
  return units * (APIM_ADDRESSES_PER_UNIT[sku] ?? 2) + (internal ? APIM_INTERNAL_LOAD_BALANCER_ADDRESSES : 0);
}

/**
 * The most units a v2 service scales to: "Scale a Basic v2 or Standard v2 instance up to 10 units".
 * https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview#key-capabilities
 */
export const APIM_MAX_UNITS: Readonly<Record<string, number>> = { BasicV2: 10, StandardV2: 10 };

/**
 * API Management in a v2 tier integrated with a VNet for its outbound calls ("virtual network integration"):
 * Standard v2 and Premium v2 only; the subnet is dedicated to one instance, delegated to Microsoft.Web/serverFarms,
 * has a network security group associated ("No specific rules are required") and is at least a /27 (a /24 is
 * recommended, to leave room for scaling).
 * https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound
 */
export const APIM_INTEGRATION_TIERS: readonly string[] = ["StandardV2"];
export const APIM_INTEGRATION_DELEGATION = "Microsoft.Web/serverFarms";
export const APIM_INTEGRATION_MAX_PREFIX_LENGTH = 27;
export const APIM_INTEGRATION_SOURCE = "https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound";

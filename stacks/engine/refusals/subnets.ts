/**
 * The mock engine's address plan: subnets declared on their own or inline in a VNet, and the private IPs Azure
 * hands out from them, from the first usable address (.4) up. Azure reserves five addresses of every subnet
 * (the first four and the last), so a subnet runs out after `2^(32-n) - 5` addresses: ARM then refuses the
 * private endpoint (or the service) that needs one more.
 */
import { hostAddress, parseCidr } from "../../../infra/cidr";
import {
  APIM_INTEGRATION_DELEGATION,
  APIM_INTEGRATION_MAX_PREFIX_LENGTH,
  APIM_INTEGRATION_SOURCE,
  FIRST_USABLE_OFFSET,
  apimSubnetAddresses,
  usableAddresses,
} from "../../../catalog/networkLimits";
import type { AzureRefusal } from "./refusal";

const SOURCE =
  "https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets (5 reserved addresses per subnet)";
const APIM_SOURCE =
  "https://learn.microsoft.com/azure/api-management/virtual-network-injection-resources#subnet-size (2 addresses per Premium unit, 1 per Developer unit, 1 for the internal load balancer)";

/** What the engine remembers of a subnet besides its prefix. */
export interface SubnetTraits {
  /** Services the subnet is delegated to (`delegations[].serviceName`). */
  readonly delegations: readonly string[];
  readonly hasNsg: boolean;
}

export class SubnetAddresses {
  /** Subnet id -> address prefix. */
  private readonly prefixes = new Map<string, string>();
  private readonly traits = new Map<string, SubnetTraits>();
  /** Subnet id -> addresses handed out so far. */
  private readonly handedOut = new Map<string, number>();
  readonly refusals: AzureRefusal[] = [];

  remember(subnetId: string, prefix: string, traits: SubnetTraits): void {
    this.prefixes.set(subnetId, prefix);
    this.traits.set(subnetId, traits);
  }

  /** The next private IP of a subnet (10.255.0.x if the subnet is unknown); a refusal once the subnet is full. */
  next(subnetId: string | undefined, resource: string): string {
    const n = this.handedOut.get(subnetId ?? "") ?? 0;
    this.handedOut.set(subnetId ?? "", n + 1);
    const prefix = subnetId && this.prefixes.get(subnetId);
    if (!prefix) return `10.255.0.${FIRST_USABLE_OFFSET + n}`;
    const usable = usableAddresses(parseCidr(prefix).prefixLength);
    if (n >= usable) {
      this.refusals.push({
        rule: "subnet-addresses",
        resource,
        message: `subnet ${subnetId} (${prefix}) has no address left: its ${usable} usable addresses are taken`,
        source: SOURCE,
      });
    }
    return hostAddress(prefix, FIRST_USABLE_OFFSET + n);
  }

  /** An API Management location injected into a subnet too small for its units. */
  apimLocation(resource: string, sku: string, units: number, internal: boolean, subnetId: string | undefined): void {
    const prefix = subnetId && this.prefixes.get(subnetId);
    if (!prefix) return;
    const needed = apimSubnetAddresses(sku, units, internal);
    const usable = usableAddresses(parseCidr(prefix).prefixLength);
    if (needed > usable) {
      this.refusals.push({
        rule: "subnet-addresses",
        resource,
        message: `subnet ${subnetId} (${prefix}) has ${usable} usable addresses; ${units} ${sku} unit(s)${internal ? " in internal mode" : ""} need ${needed}`,
        source: APIM_SOURCE,
      });
    }
  }

  /**
   * A v2 gateway integrated with a subnet it cannot use: not delegated to Microsoft.Web/serverFarms, without a
   * network security group, or smaller than a /27.
   */
  apimIntegration(resource: string, subnetId: string | undefined): void {
    const prefix = subnetId && this.prefixes.get(subnetId);
    const traits = subnetId && this.traits.get(subnetId);
    if (!prefix || !traits) return;
    const problems = [
      !traits.delegations.includes(APIM_INTEGRATION_DELEGATION) && `is not delegated to ${APIM_INTEGRATION_DELEGATION}`,
      !traits.hasNsg && "has no network security group",
      parseCidr(prefix).prefixLength > APIM_INTEGRATION_MAX_PREFIX_LENGTH &&
        `(${prefix}) is smaller than a /${APIM_INTEGRATION_MAX_PREFIX_LENGTH}`,
    ].filter((p): p is string => !!p);
    for (const problem of problems) {
      this.refusals.push({
        rule: "apim-integration-subnet",
        resource,
        message: `subnet ${subnetId} ${problem}: API Management cannot integrate with it`,
        source: APIM_INTEGRATION_SOURCE,
      });
    }
  }
}

/**
 * The mock engine's private DNS link check: a virtual network may be linked to one private zone of a given
 * name only. ARM answers a second link with 409 "A virtual network cannot be linked to multiple zones with
 * overlapping namespaces" — which is why split-brain zones (one `privatelink.*` copy per region) must never
 * share a VNet, a hub included.
 */
import type { Props } from "../props";
import { AzureRefusal } from "./refusal";

const SOURCE =
  "https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links (one zone per name per virtual network; ARM: 'cannot be linked to multiple zones with overlapping namespaces')";

export class DnsLinkRegistry {
  /** `<vnet id>|<zone name>` (lowercase) -> the link that took it. */
  private readonly links = new Map<string, string>();

  /** A link that exists before the stack does (the landing zone's). */
  existing(vnetId: string, zoneName: string, holder: string): void {
    this.links.set(`${vnetId}|${zoneName}`.toLowerCase(), holder);
  }

  check(logicalName: string, inputs: Props): AzureRefusal[] {
    const vnet = String(inputs.virtualNetwork?.id ?? "");
    const zone = String(inputs.privateZoneName ?? "");
    const key = `${vnet}|${zone}`.toLowerCase();
    const holder = this.links.get(key);
    this.links.set(key, holder ?? logicalName);
    return holder && holder !== logicalName
      ? [
          {
            rule: "dns-link",
            resource: logicalName,
            message: `${vnet} is already linked to a zone named ${zone} (by ${holder})`,
            source: SOURCE,
          },
        ]
      : [];
  }
}

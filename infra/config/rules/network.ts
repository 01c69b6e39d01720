/**
 * The network. Private mode: a VNet per gateway region whose ranges fit together, a way in from a hub, and
 * the region the gateway's DNS name points at. Public mode: optionally a VNet per gateway region that the
 * Standard v2 gateways integrate with for their outbound calls (private backends); no other private-mode setting.
 */
import {
  APIM_INTEGRATION_MAX_PREFIX_LENGTH,
  APIM_INTEGRATION_SOURCE,
  APIM_INTEGRATION_TIERS,
} from "../../../catalog/networkLimits";
import { PRIVATE_LINK_SERVICES } from "../../../catalog/privateLink";
import { contains, overlaps, parseCidr } from "../../cidr";
import { Issues } from "../issues";
import { Parsed } from "../types";
import { Rule, rule } from "./rule";

type NetworkSections = Pick<Parsed, "network" | "gateway">;

function checkEveryRegionHasVnet({ network: n, gateway }: NetworkSections, issues: Issues, why: string): void {
  const missing = gateway.regions.filter(r => !n.vnets[r]);
  if (missing.length > 0) {
    issues.add(
      ["network", "vnets"],
      `${why} needs a VNet for every gateway region; missing: ${missing.join(", ")} (gateway.regions: ${gateway.regions.join(", ")})`,
    );
  }
}

function checkPrivateEntry({ network: n, gateway }: NetworkSections, issues: Issues): void {
  const regions = gateway.regions;
  if (!n.activeGatewayRegion) {
    issues.add(
      ["network", "activeGatewayRegion"],
      `private mode needs the region whose gateway the private DNS name points at; one of ${regions.join(", ")}`,
    );
  } else if (!regions.includes(n.activeGatewayRegion)) {
    issues.add(
      ["network", "activeGatewayRegion"],
      `'${n.activeGatewayRegion}' is not a gateway region; one of ${regions.join(", ")}`,
    );
  }
  if (!n.dnsRegion) {
    issues.add(
      ["network", "dnsRegion"],
      `private mode needs a region for the gateway's DNS zone outside the gateway regions (${regions.join(", ")}), so a failover never writes to the failed region`,
    );
  } else if (regions.includes(n.dnsRegion)) {
    issues.add(
      ["network", "dnsRegion"],
      `'${n.dnsRegion}' is a gateway region: when it fails, its resource groups turn read-only and the failover cannot change the DNS record; choose a region outside ${regions.join(", ")}`,
    );
  }
  if (gateway.mode === "per-region" && !n.gatewayDomain) {
    issues.add(
      ["network", "gatewayDomain"],
      "gateway.mode per-region runs one service per region, each under its own azure-api.net name: private mode needs one domain for all of them (a custom domain on every gateway), such as aoai.contoso.internal",
    );
  }
}

function checkVnets({ network: n, gateway }: NetworkSections, issues: Issues): void {
  const vnets = Object.entries(n.vnets);
  vnets.forEach(([r, v], i) => {
    const path = ["network", "vnets", r];
    if (!gateway.regions.includes(r)) {
      issues.add(
        path,
        `'${r}' is not a gateway region; VNets are declared per gateway region (gateway.regions: ${gateway.regions.join(", ")})`,
      );
    }
    for (const subnet of ["apimSubnet", "privateEndpointSubnet"] as const) {
      if (!contains(v.addressSpace, v[subnet])) {
        issues.add([...path, subnet], `${v[subnet]} lies outside the VNet's addressSpace ${v.addressSpace}`);
      }
    }
    if (overlaps(v.apimSubnet, v.privateEndpointSubnet)) {
      issues.add(
        [...path, "privateEndpointSubnet"],
        `${v.privateEndpointSubnet} overlaps apimSubnet ${v.apimSubnet}; the two subnets need separate ranges`,
      );
    }
    if (n.mode === "private" && !v.hubVnetId) {
      issues.add(
        [...path, "hubVnetId"],
        "private mode needs a way in: the hub VNet (ARM id) whose clients call the gateway; it is peered both ways and linked to the gateway's DNS zone (on-premises clients forward DNS to the hub's resolver, see the README)",
      );
    }
    if (n.mode === "public" && parseCidr(v.apimSubnet).prefixLength > APIM_INTEGRATION_MAX_PREFIX_LENGTH) {
      issues.add(
        [...path, "apimSubnet"],
        `${v.apimSubnet} is too small for the gateway's VNet integration: /${APIM_INTEGRATION_MAX_PREFIX_LENGTH} or larger (a /24 leaves room to scale out; ${APIM_INTEGRATION_SOURCE})`,
      );
    } else if (n.mode === "private" && parseCidr(v.apimSubnet).prefixLength > 29) {
      issues.add(
        [...path, "apimSubnet"],
        `${v.apimSubnet} is too small for API Management: /29 or larger (a /27 leaves room to scale out)`,
      );
    }
    for (const [other, w] of vnets.slice(0, i)) {
      if (overlaps(v.addressSpace, w.addressSpace)) {
        issues.add(
          [...path, "addressSpace"],
          `${v.addressSpace} overlaps network.vnets.${other}.addressSpace (${w.addressSpace}); peered and hub-connected VNets need distinct ranges`,
        );
      }
    }
  });
}

/**
 * The organization's central zones hold the endpoints' records; the stack's VNets resolve them only through the
 * hub's resolver. Without central zones the stack's own zones are linked to its VNets, which a custom DNS server
 * would bypass.
 */
function checkDnsShape({ network: n }: NetworkSections, issues: Issues): void {
  for (const [service, id] of Object.entries(n.centralDnsZones ?? {})) {
    const expected = PRIVATE_LINK_SERVICES[service as keyof typeof PRIVATE_LINK_SERVICES].zone;
    const name = id.split("/").pop()!;
    if (name.toLowerCase() !== expected) {
      issues.add(
        ["network", "centralDnsZones", service],
        `names the zone '${name}'; Azure resolves ${service} private endpoints through ${expected}`,
      );
    }
  }
  for (const [region, v] of Object.entries(n.vnets)) {
    if (n.centralDnsZones && !v.dnsServers) {
      issues.add(
        ["network", "vnets", region, "dnsServers"],
        "network.centralDnsZones needs the hub's resolver as this VNet's DNS servers (the central zones are linked to the hub, not to this VNet): its inbound endpoint address(es)",
      );
    } else if (!n.centralDnsZones && v.dnsServers) {
      issues.add(
        ["network", "vnets", region, "dnsServers"],
        "the stack's own privatelink zones are linked to this VNet: a custom DNS server would bypass them; remove dnsServers, or set network.centralDnsZones",
      );
    }
  }
}

export const networkRules: readonly Rule[] = [
  rule(["network"], ({ network: n }, issues) => {
    if (n.mode !== "public") return;
    const privateOnly = {
      activeGatewayRegion: n.activeGatewayRegion,
      gatewayDomain: n.gatewayDomain,
      dnsRegion: n.dnsRegion,
    };
    for (const [key, value] of Object.entries(privateOnly)) {
      if (value) issues.add(["network", key], "is used in private mode only; set network.mode: private, or remove it");
    }
    if (n.centralDnsZones && Object.keys(n.vnets).length === 0) {
      issues.add(
        ["network", "centralDnsZones"],
        "holds the private endpoints' records, and public mode has endpoints only with network.vnets; add the VNets, or remove it",
      );
    }
  }),
  rule(["network", "gateway"], (c, issues) => {
    if (c.network.mode !== "public" || Object.keys(c.network.vnets).length === 0) return;
    checkEveryRegionHasVnet(c, issues, "public mode with private backends");
    checkVnets(c, issues);
    checkDnsShape(c, issues);
    if (!APIM_INTEGRATION_TIERS.includes(c.gateway.sku)) {
      issues.add(
        ["gateway", "sku"],
        `'${c.gateway.sku}' cannot integrate with a VNet: with network.vnets in public mode the gateways reach the accounts through the VNet, which needs ${APIM_INTEGRATION_TIERS.join(" or ")} (${APIM_INTEGRATION_SOURCE}); change the tier, or remove network.vnets`,
      );
    }
  }),
  rule(["network", "gateway"], (c, issues) => {
    if (c.network.mode !== "private") return;
    checkEveryRegionHasVnet(c, issues, "private mode");
    checkPrivateEntry(c, issues);
    checkVnets(c, issues);
    checkDnsShape(c, issues);
  }),
];

/**
 * What the program relies on per API Management tier: where each region's gateway can be reached.
 *
 * - Classic tiers run the gateway in regional units, each reachable under its own name: a multi-region
 *   Premium service has `https://<service>-<region>-01.regional.azure-api.net` per location, besides the
 *   global `https://<service>.azure-api.net` that Azure Traffic Manager routes to the nearest healthy region.
 *   https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region
 * - The v2 tiers (Basic v2, Standard v2) have no multi-region deployment and no regional gateway URL: the
 *   service is reached at `https://<service>.azure-api.net` only.
 *   https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview
 *
 * Pure: no Pulumi import.
 */
import { GatewayConfig } from "../config";

export type ApimSku = GatewayConfig["sku"];

const V2_TIERS: readonly ApimSku[] = ["BasicV2", "StandardV2"];

/**
 * Whether the tier takes protocol and cipher settings (`customProperties`): "The following tiers don't support
 * changes to the default cipher configuration: Consumption, Basic v2, Standard v2, Premium v2"; the v2 tiers
 * accept TLS 1.2 or newer only. https://learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers
 */
export function acceptsProtocolSettings(sku: ApimSku): boolean {
  return !V2_TIERS.includes(sku);
}

/** Whether ARM reports `gatewayRegionalUrl` for the tier (the service's own location and each additional one). */
export function hasRegionalGatewayUrl(sku: ApimSku): boolean {
  return !V2_TIERS.includes(sku);
}

export interface GatewayUrls {
  readonly gatewayUrl?: string;
  readonly gatewayRegionalUrl?: string;
  readonly additionalLocations?: readonly { readonly location: string; readonly gatewayRegionalUrl?: string }[];
}

const host = (url: string | undefined, what: string) => {
  if (!url) throw new Error(`API Management returned no ${what}`);
  return url.replace(/^https:\/\//, "").replace(/\/$/, "");
};

/**
 * Region -> the host name that reaches that region's gateway and no other: the regional URL where the
 * tier has one, else (a v2 service, which lives in one region) the service's gateway URL.
 */
export function regionalGatewayHosts(sku: ApimSku, home: string, urls: GatewayUrls): Record<string, string> {
  if (!hasRegionalGatewayUrl(sku)) return { [home]: host(urls.gatewayUrl, "gatewayUrl") };
  return {
    [home]: host(urls.gatewayRegionalUrl, "gatewayRegionalUrl"),
    ...Object.fromEntries(
      (urls.additionalLocations ?? []).map(l => [
        l.location,
        host(l.gatewayRegionalUrl, `gatewayRegionalUrl for ${l.location}`),
      ]),
    ),
  };
}

import { configRefusals } from "./stackValues";
import type { Loose } from "./loose";

const HUB =
  "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub-eastus2";
/** prod's private network: a VNet per gateway region, eastus2 active. */
const PROD_NETWORK = {
  mode: "private",
  vnets: {
    eastus2: {
      addressSpace: "10.40.0.0/22",
      apimSubnet: "10.40.0.0/27",
      privateEndpointSubnet: "10.40.1.0/26",
      hubVnetId: HUB,
    },
    centralus: {
      addressSpace: "10.41.0.0/22",
      apimSubnet: "10.41.0.0/27",
      privateEndpointSubnet: "10.41.1.0/26",
      hubVnetId: HUB,
    },
  },
  activeGatewayRegion: "eastus2",
  dnsRegion: "westus3",
};

/** The organization's privatelink zones, in the connectivity subscription. */
const CENTRAL_ZONES = Object.fromEntries(
  Object.entries({ openai: "privatelink.openai.azure.com", vault: "privatelink.vaultcore.azure.net" }).map(([k, z]) => [
    k,
    `/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${z}`,
  ]),
);

/** Every refusal for the stack's values edited by `edit` (prod with the network above). */
const refusals = (stack: string, edit: (v: Loose) => void) =>
  configRefusals(stack, v => {
    if (stack === "prod") v.network = structuredClone(PROD_NETWORK);
    edit(v);
  });

describe("network and edge config", () => {
  test.each(["dev", "prod"])("%s is accepted", stack => {
    expect(refusals(stack, () => undefined)).toEqual([]);
  });

  test("the organization's central zones are accepted with the hub's resolver as every VNet's DNS server, and gateway transit", () => {
    expect(
      refusals("prod", v => {
        v.network.centralDnsZones = CENTRAL_ZONES;
        for (const vnet of Object.values(v.network.vnets as Record<string, Record<string, unknown>>))
          Object.assign(vnet, { dnsServers: ["10.0.0.4"], useHubGateway: true });
      }),
    ).toEqual([]);
  });

  test("a per-region private gateway is accepted with one domain for all its services", () => {
    expect(
      refusals("prod", v => {
        v.gateway.mode = "per-region";
        v.network.gatewayDomain = "aoai.contoso.internal";
        v.gateway.certificate = {
          keyVaultId: `/subscriptions/${"3".repeat(8)}-3333-4333-8333-333333333333/resourceGroups/rg-pki/providers/Microsoft.KeyVault/vaults/kv-pki`,
          secretName: "aoai-tls",
          reachedBy: "public-network",
        };
      }),
    ).toEqual([]);
  });
});

describe("refused network and edge configs name the key and what is allowed", () => {
  const cases: [string, string, (v: Loose) => void, string][] = [
    [
      "overlapping address spaces between regions",
      "prod",
      v => {
        v.network.vnets.centralus = {
          addressSpace: "10.40.0.0/16",
          apimSubnet: "10.40.8.0/27",
          privateEndpointSubnet: "10.40.9.0/26",
          hubVnetId: HUB,
        };
      },
      "aoai-bcdr:network.vnets.centralus.addressSpace: 10.40.0.0/16 overlaps network.vnets.eastus2.addressSpace (10.40.0.0/22); peered and hub-connected VNets need distinct ranges",
    ],
    [
      "an APIM subnet outside its VNet",
      "prod",
      v => {
        v.network.vnets.eastus2.apimSubnet = "10.50.0.0/27";
      },
      "aoai-bcdr:network.vnets.eastus2.apimSubnet: 10.50.0.0/27 lies outside the VNet's addressSpace 10.40.0.0/22",
    ],
    [
      "a private endpoint subnet outside its VNet",
      "prod",
      v => {
        v.network.vnets.centralus.privateEndpointSubnet = "10.41.4.0/26";
      },
      "aoai-bcdr:network.vnets.centralus.privateEndpointSubnet: 10.41.4.0/26 lies outside the VNet's addressSpace 10.41.0.0/22",
    ],
    [
      "the two subnets overlapping",
      "prod",
      v => {
        v.network.vnets.eastus2.privateEndpointSubnet = "10.40.0.0/26";
      },
      "aoai-bcdr:network.vnets.eastus2.privateEndpointSubnet: 10.40.0.0/26 overlaps apimSubnet 10.40.0.0/27; the two subnets need separate ranges",
    ],
    [
      "an APIM subnet smaller than /29",
      "prod",
      v => {
        v.network.vnets.eastus2.apimSubnet = "10.40.0.0/30";
      },
      "aoai-bcdr:network.vnets.eastus2.apimSubnet: 10.40.0.0/30 is too small for API Management: /29 or larger (a /27 leaves room to scale out)",
    ],
    [
      "private mode without a VNet for a gateway region",
      "prod",
      v => {
        delete v.network.vnets.centralus;
      },
      "aoai-bcdr:network.vnets: private mode needs a VNet for every gateway region; missing: centralus (gateway.regions: eastus2, centralus)",
    ],
    [
      "a VNet for a region without a gateway",
      "prod",
      v => {
        v.network.vnets.westus3 = {
          addressSpace: "10.42.0.0/22",
          apimSubnet: "10.42.0.0/27",
          privateEndpointSubnet: "10.42.1.0/26",
          hubVnetId: HUB,
        };
      },
      "aoai-bcdr:network.vnets.westus3: 'westus3' is not a gateway region; VNets are declared per gateway region (gateway.regions: eastus2, centralus)",
    ],
    [
      "private mode without an active gateway region",
      "prod",
      v => {
        delete v.network.activeGatewayRegion;
      },
      "aoai-bcdr:network.activeGatewayRegion: private mode needs the region whose gateway the private DNS name points at; one of eastus2, centralus",
    ],
    [
      "an active gateway region without a gateway",
      "prod",
      v => {
        v.network.activeGatewayRegion = "westus3";
      },
      "aoai-bcdr:network.activeGatewayRegion: 'westus3' is not a gateway region; one of eastus2, centralus",
    ],
    [
      "an active gateway region that does not exist",
      "prod",
      v => {
        v.network.activeGatewayRegion = "eastus9";
      },
      "aoai-bcdr:network.activeGatewayRegion: unknown region 'eastus9'; allowed: ",
    ],
    [
      "an address range that is not CIDR",
      "prod",
      v => {
        v.network.vnets.eastus2.addressSpace = "10.40.0.0/33";
      },
      "aoai-bcdr:network.vnets.eastus2.addressSpace: must be an IPv4 range in CIDR notation, such as 10.40.0.0/22",
    ],
    [
      "an address range with host bits set",
      "prod",
      v => {
        v.network.vnets.eastus2.addressSpace = "10.40.1.0/22";
      },
      "aoai-bcdr:network.vnets.eastus2.addressSpace: '10.40.1.0/22' has host bits set, which Azure refuses; use its network address 10.40.0.0/22",
    ],
    [
      "private mode without a way in (no hub VNet)",
      "prod",
      v => {
        delete v.network.vnets.centralus.hubVnetId;
      },
      "aoai-bcdr:network.vnets.centralus.hubVnetId: private mode needs a way in: the hub VNet (ARM id) whose clients call the gateway",
    ],
    [
      "private mode without a region for the gateway's DNS zone",
      "prod",
      v => {
        delete v.network.dnsRegion;
      },
      "aoai-bcdr:network.dnsRegion: private mode needs a region for the gateway's DNS zone outside the gateway regions (eastus2, centralus)",
    ],
    [
      "the gateway's DNS zone in a region it fails away from",
      "prod",
      v => {
        v.network.dnsRegion = "eastus2";
      },
      "aoai-bcdr:network.dnsRegion: 'eastus2' is a gateway region: when it fails, its resource groups turn read-only and the failover cannot change the DNS record",
    ],
    [
      "a DNS region in public mode",
      "dev",
      v => {
        v.network.dnsRegion = "westus3";
      },
      "aoai-bcdr:network.dnsRegion: is used in private mode only; set network.mode: private, or remove it",
    ],
    [
      "a hub VNet id that is not an ARM id",
      "prod",
      v => {
        v.network.vnets.eastus2.hubVnetId = "vnet-hub-eastus2";
      },
      "aoai-bcdr:network.vnets.eastus2.hubVnetId: must be a VNet's ARM id: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>",
    ],
    [
      "a gateway domain that is not a DNS name",
      "prod",
      v => {
        v.network.gatewayDomain = "https://aoai.contoso.internal";
      },
      "aoai-bcdr:network.gatewayDomain: must be a lowercase DNS name such as aoai.contoso.internal",
    ],
    [
      "a per-region private gateway without a shared domain",
      "prod",
      v => {
        v.gateway.mode = "per-region";
      },
      "aoai-bcdr:network.gatewayDomain: gateway.mode per-region runs one service per region, each under its own azure-api.net name: private mode needs one domain for all of them (a custom domain on every gateway), such as aoai.contoso.internal",
    ],
    [
      "VNets in public mode on a tier that cannot integrate with them",
      "dev",
      v => {
        v.gateway.sku = "BasicV2";
      },
      "aoai-bcdr:gateway.sku: 'BasicV2' cannot integrate with a VNet: with network.vnets in public mode the gateways reach the accounts through the VNet, which needs StandardV2",
    ],
    [
      "public mode's VNets missing a gateway region",
      "dev",
      v => {
        delete v.network.vnets.centralus;
      },
      "aoai-bcdr:network.vnets: public mode with private backends needs a VNet for every gateway region; missing: centralus",
    ],
    [
      "a public-mode private endpoint subnet without room for the accounts and the vault",
      "dev",
      v => {
        v.network.vnets.centralus.privateEndpointSubnet = "10.61.0.32/30";
      },
      "aoai-bcdr:network.vnets.centralus.privateEndpointSubnet: 10.61.0.32/30 hands out 0 addresses (Azure reserves 5 per subnet), but this region holds 3 private endpoints",
    ],
    [
      "a public-mode VNet with custom DNS servers that would bypass its own privatelink zones",
      "dev",
      v => {
        v.network.vnets.eastus2.dnsServers = ["10.0.0.4"];
      },
      "aoai-bcdr:network.vnets.eastus2.dnsServers: the stack's own privatelink zones are linked to this VNet",
    ],
    [
      "a public-mode integration subnet below a /27",
      "dev",
      v => {
        v.network.vnets.eastus2.apimSubnet = "10.60.0.0/28";
      },
      "aoai-bcdr:network.vnets.eastus2.apimSubnet: 10.60.0.0/28 is too small for the gateway's VNet integration: /27 or larger",
    ],
    [
      "an active gateway region in public mode",
      "dev",
      v => {
        v.network.activeGatewayRegion = "eastus2";
      },
      "aoai-bcdr:network.activeGatewayRegion: is used in private mode only; set network.mode: private, or remove it",
    ],
    [
      "a gateway domain in public mode",
      "dev",
      v => {
        v.network.gatewayDomain = "aoai.contoso.internal";
      },
      "aoai-bcdr:network.gatewayDomain: is used in private mode only; set network.mode: private, or remove it",
    ],
    [
      "an unknown Front Door tier",
      "dev",
      v => {
        v.edge = { frontDoorSku: "Classic_AzureFrontDoor" };
      },
      'aoai-bcdr:edge.frontDoorSku: Invalid option: expected one of "Premium_AzureFrontDoor"|"Standard_AzureFrontDoor"',
    ],
    [
      "an unknown edge routing",
      "dev",
      v => {
        v.edge = { routing: "round-robin" };
      },
      'aoai-bcdr:edge.routing: Invalid option: expected one of "active-active"|"active-passive"',
    ],
    [
      "a rate limit of 0",
      "dev",
      v => {
        v.edge = { wafRateLimitPerMinute: 0 };
      },
      "aoai-bcdr:edge.wafRateLimitPerMinute: must be a whole number above 0 (requests per client IP per minute)",
    ],
    [
      "a probe interval above Front Door's 255 s",
      "dev",
      v => {
        v.edge = { probeIntervalSeconds: 300 };
      },
      "aoai-bcdr:edge.probeIntervalSeconds: must be 5 to 255 seconds",
    ],
    [
      "a private endpoint subnet too small for every account's and the vault's endpoint (Azure reserves 5 addresses)",
      "prod",
      v => {
        v.network.vnets.eastus2.privateEndpointSubnet = "10.40.1.0/29";
      },
      "aoai-bcdr:network.vnets.eastus2.privateEndpointSubnet: 10.40.1.0/29 hands out 3 addresses (Azure reserves 5 per subnet), but this region holds 8 private endpoints",
    ],
    [
      "an APIM subnet too small for its units in internal mode (2 per Premium unit, 1 for the load balancer)",
      "prod",
      v => {
        v.network.vnets.centralus.apimSubnet = "10.41.0.0/29";
      },
      "aoai-bcdr:network.vnets.centralus.apimSubnet: 10.41.0.0/29 hands out 3 addresses (Azure reserves 5 per subnet), but 2 Premium unit(s) in internal mode take 5",
    ],
    [
      "a zone-redundant gateway location in a region without availability zones",
      "prod",
      v => {
        v.gateway.regions = ["eastus2", "centralus", "northcentralus"];
        v.network.vnets.northcentralus = {
          addressSpace: "10.42.0.0/22",
          apimSubnet: "10.42.0.0/27",
          privateEndpointSubnet: "10.42.1.0/26",
          hubVnetId: HUB,
        };
      },
      "aoai-bcdr:gateway.zoneRedundant: northcentralus has no availability zones (Azure's regions list)",
    ],
    [
      "a v2 gateway above the 10 units its tier scales to",
      "dev",
      v => {
        v.gateway.capacity = 11;
      },
      "aoai-bcdr:gateway.capacity: must be at most 10: StandardV2 scales to 10 units",
    ],
    [
      "a central zone id naming another zone",
      "prod",
      v => {
        v.network.centralDnsZones = { openai: CENTRAL_ZONES.vault, vault: CENTRAL_ZONES.vault };
        for (const vnet of Object.values(v.network.vnets as Record<string, Record<string, unknown>>))
          vnet.dnsServers = ["10.0.0.4"];
      },
      "aoai-bcdr:network.centralDnsZones.openai: names the zone 'privatelink.vaultcore.azure.net'; Azure resolves openai private endpoints through privatelink.openai.azure.com",
    ],
    [
      "central zones without the hub's resolver as a VNet's DNS server",
      "prod",
      v => {
        v.network.centralDnsZones = CENTRAL_ZONES;
        v.network.vnets.eastus2.dnsServers = ["10.0.0.4"];
      },
      "aoai-bcdr:network.vnets.centralus.dnsServers: network.centralDnsZones needs the hub's resolver as this VNet's DNS servers",
    ],
    [
      "a custom DNS server on a VNet linked to the stack's own zones",
      "prod",
      v => {
        v.network.vnets.eastus2.dnsServers = ["10.0.0.4"];
      },
      "aoai-bcdr:network.vnets.eastus2.dnsServers: the stack's own privatelink zones are linked to this VNet: a custom DNS server would bypass them",
    ],
    [
      "central zones in public mode without VNets",
      "dev",
      v => {
        v.network.vnets = {};
        v.gateway.sku = "BasicV2";
        v.network.centralDnsZones = CENTRAL_ZONES;
      },
      "aoai-bcdr:network.centralDnsZones: holds the private endpoints' records, and public mode has endpoints only with network.vnets",
    ],
    [
      "a central zone given by name instead of ARM id",
      "prod",
      v => {
        v.network.centralDnsZones = { ...CENTRAL_ZONES, openai: "privatelink.openai.azure.com" };
        for (const vnet of Object.values(v.network.vnets as Record<string, Record<string, unknown>>))
          vnet.dnsServers = ["10.0.0.4"];
      },
      "aoai-bcdr:network.centralDnsZones.openai: must be a private DNS zone's ARM id",
    ],
    [
      "a misspelt edge key",
      "dev",
      v => {
        v.edge = { wafRateLimit: 100 };
      },
      'aoai-bcdr:edge: Unrecognized key: "wafRateLimit"',
    ],
  ];

  test.each(cases)("%s", (_what, stack, edit, expected) => {
    const found = refusals(stack, edit);
    expect(found).toHaveLength(1);
    expect(found[0].startsWith(expected)).toBe(true);
  });
});

/**
 * The mock engine refuses what Azure refuses, from data with a cited source: names (naming rules), model
 * offers (the model matrix) and orderings (the dependency graph). Components are declared directly, so
 * the refusals are the engine's own, not the config's.
 */
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import { retiredDeploymentRefusal } from "../stacks/engine/refusals/retirements";
import { Graph, GraphNode, ORDERING_RULES, orderingRefusals } from "../stacks/engine/refusals/orderings";
import { ACCESS_RULES, accessRefusals } from "../stacks/engine/refusals/access";
import { identifierUriRefusals } from "../stacks/engine/refusals/entra";
import { TYPES } from "../catalog/types";
import { NameRegistry } from "../stacks/engine/refusals/names";
import { engineRefusals } from "./components";
import { runProgram } from "../stacks/engine/runner";
import { roleAssignmentName } from "../infra/identity";
import { ofType, runStack } from "./support";
import type { Loose } from "./loose";
import { TENANT_ID } from "../stacks/engine/mocks";

const SUB = "00000000-0000-4000-8000-000000000000";

/** The refusals a run of `declare` ends with (none when it succeeds). */

function openAi(name: string, region: string, deployment?: { sku: string; model: string; version: string }) {
  const account = new cognitiveservices.Account(`${name}-account`, {
    accountName: name,
    resourceGroupName: `rg-${name}`,
    location: region,
    kind: "OpenAI",
    properties: { customSubDomainName: name },
  });
  const deployments = deployment
    ? [
        new cognitiveservices.Deployment(`${name}-${deployment.model}`, {
          accountName: account.name,
          resourceGroupName: `rg-${name}`,
          deploymentName: deployment.model,
          sku: { name: deployment.sku, capacity: 50 },
          properties: { model: { format: "OpenAI", name: deployment.model, version: deployment.version } },
        }),
      ]
    : [];
  return { account, deployments };
}

describe("API Management tiers", () => {
  test("a StandardV2 service with an additional location is refused like any other request, with its source (not a crash)", async () => {
    const refusals = await engineRefusals(() => {
      new apimanagement.ApiManagementService("apim", {
        serviceName: "apim-tier-test",
        resourceGroupName: "rg-apim",
        location: "eastus2",
        sku: { name: "StandardV2", capacity: 1 },
        publisherName: "p",
        publisherEmail: "p@example.com",
        additionalLocations: [{ location: "centralus", sku: { name: "StandardV2", capacity: 1 } }],
      });
    });
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "apim-tier",
        resource: "apim",
        message: expect.stringMatching(/additional locations need the Premium tier/),
        source: expect.stringContaining("https://learn.microsoft.com/azure/api-management/api-management-features"),
      }),
    ]);
  });

  test("protocol switches on a Basic v2 service are refused; the same switches on Premium are accepted", async () => {
    const service = (sku: string) =>
      new apimanagement.ApiManagementService(`apim-${sku}`, {
        serviceName: `apim-tls-${sku.toLowerCase()}`,
        resourceGroupName: "rg-apim",
        location: "eastus2",
        sku: { name: sku, capacity: 1 },
        publisherName: "p",
        publisherEmail: "p@example.com",
        customProperties: { "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10": "False" },
      });
    expect(await engineRefusals(() => service("BasicV2"))).toEqual([
      expect.objectContaining({
        rule: "apim-tier",
        message: expect.stringMatching(/takes no protocol or cipher settings/),
        source: expect.stringContaining("api-management-howto-manage-protocols-ciphers"),
      }),
    ]);
    expect(await engineRefusals(() => service("Premium"))).toEqual([]);
  });
});

describe("API Management's VNet integration (Standard v2, outbound)", () => {
  const integrated = (sku: string, type: string, subnet: { delegated: boolean; nsg: boolean; prefix: string }) => {
    const vnet = new network.VirtualNetwork("vnet", {
      virtualNetworkName: "vnet-int",
      resourceGroupName: "rg-net",
      location: "eastus2",
      addressSpace: { addressPrefixes: ["10.60.0.0/24"] },
      subnets: [
        {
          name: "snet-apim",
          addressPrefix: subnet.prefix,
          ...(subnet.nsg ? { networkSecurityGroup: { id: "/subscriptions/s/nsg" } } : {}),
          ...(subnet.delegated ? { delegations: [{ name: "d", serviceName: "Microsoft.Web/serverFarms" }] } : {}),
        },
      ],
    });
    new apimanagement.ApiManagementService(
      "apim",
      {
        serviceName: `apim-int-${sku.toLowerCase()}`,
        resourceGroupName: "rg-apim",
        location: "eastus2",
        sku: { name: sku, capacity: 1 },
        publisherName: "p",
        publisherEmail: "p@example.com",
        virtualNetworkType: type,
        virtualNetworkConfiguration: { subnetResourceId: vnet.id.apply(id => `${id}/subnets/snet-apim`) },
      },
      { dependsOn: [vnet] },
    );
  };
  const good = { delegated: true, nsg: true, prefix: "10.60.0.0/27" };

  test("a delegated /27 with an NSG is accepted", async () => {
    expect(await engineRefusals(() => integrated("StandardV2", "External", good))).toEqual([]);
  });

  test("Basic v2 cannot integrate, and a v2 tier is never Internal", async () => {
    const messages = async (sku: string, type: string) =>
      (await engineRefusals(() => integrated(sku, type, good))).map(r => [r.rule, r.message]);
    expect(await messages("BasicV2", "External")).toEqual([
      [
        "apim-tier",
        expect.stringMatching(/VNet injection needs the Developer or Premium tier, VNet integration Standard v2/),
      ],
    ]);
    expect(await messages("StandardV2", "Internal")).toEqual([
      [
        "apim-tier",
        expect.stringMatching(/integrates with a VNet for outbound calls only \(External\), never Internal/),
      ],
    ]);
  });

  test("a subnet without the delegation, without an NSG or below a /27 is refused, with the source", async () => {
    const refusals = await engineRefusals(() =>
      integrated("StandardV2", "External", { delegated: false, nsg: false, prefix: "10.60.0.0/28" }),
    );
    expect(refusals.map(r => r.message)).toEqual([
      expect.stringMatching(/is not delegated to Microsoft\.Web\/serverFarms/),
      expect.stringMatching(/has no network security group/),
      expect.stringMatching(/\(10\.60\.0\.0\/28\) is smaller than a \/27/),
    ]);
    expect(new Set(refusals.map(r => [r.rule, r.source].join(" ")))).toEqual(
      new Set(["apim-integration-subnet https://learn.microsoft.com/azure/api-management/integrate-vnet-outbound"]),
    );
  });
});

describe("names Azure refuses", () => {
  test("a resource group over 90 characters, with the rule's source", async () => {
    const refusals = await engineRefusals(() => {
      new resources.ResourceGroup("rg", { resourceGroupName: `rg-${"x".repeat(90)}`, location: "eastus2" });
    });
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "name",
        resource: "rg",
        message: expect.stringMatching(/resourceGroupName 'rg-x+' is 93 characters; allowed 1 to 90/),
        source: expect.stringMatching(
          /^https:\/\/learn\.microsoft\.com\/azure\/azure-resource-manager\/management\/resource-name-rules#microsoftresources/,
        ),
      }),
    ]);
  });

  test("a custom subdomain over a 63-character DNS label, and a character a DNS label cannot hold", async () => {
    const long = `oai-${"a".repeat(60)}`;
    const refusals = await engineRefusals(() => {
      new cognitiveservices.Account("long", {
        accountName: long.slice(0, 64),
        resourceGroupName: "rg",
        location: "eastus2",
        kind: "OpenAI",
        properties: { customSubDomainName: long },
      });
      new cognitiveservices.Account("underscore", {
        accountName: "oai-a",
        resourceGroupName: "rg",
        location: "eastus2",
        kind: "OpenAI",
        properties: { customSubDomainName: "oai_a" },
      });
    });
    expect(refusals.map(r => [r.resource, r.message])).toEqual([
      ["long", `properties.customSubDomainName '${long}' is 64 characters; allowed 2 to 63`],
      [
        "underscore",
        "properties.customSubDomainName 'oai_a' breaks the character rule: lowercase letters, digits and hyphens; starts and ends with a letter or digit",
      ],
    ]);
  });

  test("two accounts with one subdomain, two API Management services with one name, in different resource groups", async () => {
    const apim = (n: string, rg: string) =>
      new apimanagement.ApiManagementService(n, {
        serviceName: "apim-shared",
        resourceGroupName: rg,
        location: "eastus2",
        sku: { name: "Developer", capacity: 1 },
        publisherEmail: "a@b.c",
        publisherName: "p",
      });
    const refusals = await engineRefusals(() => {
      openAi("oai-shared", "eastus2");
      new cognitiveservices.Account("twin-account", {
        accountName: "oai-shared",
        resourceGroupName: "rg-other",
        location: "centralus",
        kind: "OpenAI",
        properties: { customSubDomainName: "oai-shared" },
      });
      apim("apim-a", "rg-a");
      apim("apim-b", "rg-b");
    });
    expect(refusals.map(r => [r.resource, r.message])).toEqual([
      [
        "twin-account",
        "properties.customSubDomainName 'oai-shared' is already taken by oai-shared-account (unique across Azure)",
      ],
      ["apim-b", "serviceName 'apim-shared' is already taken by apim-a (unique across Azure)"],
    ]);
  });

  test("a resource-group-scoped name may repeat in another group, not in its own", async () => {
    const vnet = (n: string, rg: string) =>
      new network.VirtualNetwork(n, { virtualNetworkName: "vnet-a", resourceGroupName: rg, location: "eastus2" });
    const refusals = await engineRefusals(() => {
      vnet("one", "rg-1");
      vnet("two", "rg-2");
      vnet("three", "RG-1");
    });
    expect(refusals.map(r => [r.resource, r.message])).toEqual([
      ["three", "virtualNetworkName 'vnet-a' is already taken by one (unique in its resourceGroup)"],
    ]);
  });

  test("an API Management backend id with a character APIM refuses", async () => {
    const refusals = await engineRefusals(() => {
      new apimanagement.Backend("backend", {
        backendId: "standard:primary",
        serviceName: "apim",
        resourceGroupName: "rg",
        url: "https://x",
        protocol: "http",
      });
    });
    expect(refusals).toEqual([
      expect.objectContaining({
        resource: "backend",
        message: "backendId 'standard:primary' breaks the character rule: any characters except *#&+:<>?",
        source: expect.stringMatching(/#microsoftapimanagement$/),
      }),
    ]);
  });

  test("a type without a naming rule is refused rather than waved through", () => {
    expect(new NameRegistry().check("azure-native:batch:BatchAccount", "ba", { accountName: "ba" }, "/x")).toEqual([
      expect.objectContaining({
        rule: "name",
        message: "azure-native:batch:BatchAccount has no naming rule: add it to catalog/namingRules.ts",
      }),
    ]);
  });
});

test("a VNet linked to two private zones of one name (split-brain copies meeting in a hub) is refused", async () => {
  const hub = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
  const refusals = await engineRefusals(() => {
    for (const region of ["eastus2", "centralus"]) {
      new privatedns.VirtualNetworkLink(`link-${region}`, {
        privateZoneName: "privatelink.openai.azure.com",
        resourceGroupName: `rg-${region}`,
        virtualNetworkLinkName: "link-hub",
        location: "global",
        virtualNetwork: { id: hub },
        registrationEnabled: false,
      });
    }
  });
  expect(refusals).toEqual([
    expect.objectContaining({
      rule: "dns-link",
      resource: "link-centralus",
      message: `${hub} is already linked to a zone named privatelink.openai.azure.com (by link-eastus2)`,
    }),
  ]);
});

describe("model offers Azure refuses", () => {
  test("gpt-5.1 2025-11-13 as DataZoneProvisionedManaged in centralus (prod's old fraud pool), citing the matrix file", async () => {
    const refusals = await engineRefusals(() => {
      openAi("oai-fraud", "centralus", { sku: "DataZoneProvisionedManaged", model: "gpt-5.1", version: "2025-11-13" });
    });
    expect(refusals).toEqual([
      {
        rule: "model-availability",
        resource: "oai-fraud-gpt-5.1",
        message: "gpt-5.1 2025-11-13 is not offered as DataZoneProvisionedManaged in centralus",
        source: expect.stringMatching(
          /model-summary-table-and-region-availability \(https:\/\/\S+\/model-matrix\/datazone-provisioned-managed\.md, read \d{4}-\d\d-\d\d\)$/,
        ),
      },
    ]);
  });

  test("the same deployment in southcentralus is accepted", async () => {
    expect(
      await engineRefusals(() => {
        openAi("oai-fraud", "southcentralus", {
          sku: "DataZoneProvisionedManaged",
          model: "gpt-5.1",
          version: "2025-11-13",
        });
      }),
    ).toEqual([]);
  });
});

describe("retired model versions Azure no longer deploys", () => {
  test("a hand-built deployment of gpt-4o 2024-11-20 (retired 2026-10-01) is refused, citing the retirements page", async () => {
    const refusals = await engineRefusals(() => {
      openAi("oai-old", "eastus2", { sku: "DataZoneStandard", model: "gpt-4o", version: "2024-11-20" });
    });
    expect(refusals).toEqual([
      {
        rule: "model-retired",
        resource: "oai-old-gpt-4o",
        message:
          "gpt-4o 2024-11-20 (DataZoneStandard) retired on 2026-10-01 (plan date 2026-11-25): no new deployments; suggested replacement: gpt-5.1",
        source: expect.stringMatching(
          /^https:\/\/learn\.microsoft\.com\/azure\/ai-foundry\/openai\/concepts\/model-retirements \(transcribed \d{4}-\d\d-\d\d\)$/,
        ),
      },
    ]);
  });

  test("the rule judges the plan's date and each SKU's own retirement date", () => {
    const deployment = (sku: string) => ({
      sku: { name: sku },
      properties: { model: { name: "gpt-4o", version: "2024-08-06" } },
    });
    expect(retiredDeploymentRefusal("d", deployment("DataZoneStandard"), "2026-09-30")).toBeUndefined();
    expect(retiredDeploymentRefusal("d", deployment("Standard"), "2026-09-30")?.message).toMatch(
      /\(Standard\) retired on 2026-03-31/,
    );
    expect(
      retiredDeploymentRefusal(
        "d",
        { sku: { name: "DataZoneStandard" }, properties: { model: { name: "gpt-5.1", version: "2025-11-13" } } },
        "2026-11-25",
      ),
    ).toBeUndefined();
  });
});

describe("orderings Azure rejects, from the dependency graph", () => {
  const endpointOn = (account: ReturnType<typeof openAi>, dependsOn: boolean) =>
    new network.PrivateEndpoint(
      "pe",
      {
        privateEndpointName: "pe-oai",
        resourceGroupName: "rg-net",
        location: "eastus2",
        subnet: {
          id: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/s`,
        },
        privateLinkServiceConnections: [
          { name: "pe-oai", privateLinkServiceId: account.account.id, groupIds: ["account"] },
        ],
      },
      { dependsOn: dependsOn ? account.deployments : [] },
    );

  test("a private endpoint created while the account still deploys is refused (409)", async () => {
    const refusals = await engineRefusals(() =>
      endpointOn(
        openAi("oai-a", "eastus2", { sku: "DataZoneStandard", model: "gpt-5.1", version: "2025-11-13" }),
        false,
      ),
    );
    expect(refusals).toEqual([
      expect.objectContaining({
        rule: "ordering:private-endpoint-after-deployments",
        message: expect.stringMatching(/^must come after deployment oai-a-gpt-5.1 of account oai-a: .*409 Conflict/),
        source: expect.stringContaining("https://learn.microsoft.com/"),
      }),
    ]);
  });

  test("the endpoint waiting for the account's deployment is accepted", async () => {
    expect(
      await engineRefusals(() =>
        endpointOn(
          openAi("oai-a", "eastus2", { sku: "DataZoneStandard", model: "gpt-5.1", version: "2025-11-13" }),
          true,
        ),
      ),
    ).toEqual([]);
  });
});

describe("API policies wait for the named values they reference, on synthetic graphs", () => {
  const node = (urn: string, type: string, inputs: Loose, dependsOn: string[] = []): GraphNode => ({
    urn,
    type,
    name: urn,
    inputs,
    dependsOn,
    outputs: {},
  });
  const policy = (dependsOn: string[]) =>
    node(
      "policy",
      TYPES.apiPolicy,
      {
        serviceName: "apim-a",
        value:
          '<policies><inbound><set-header name="x"><value>{{front-door-id}}</value></set-header></inbound></policies>',
      },
      dependsOn,
    );
  const namedValue = node("nv", TYPES.namedValue, { serviceName: "apim-a", namedValueId: "front-door-id" });
  const rules = ORDERING_RULES.filter(r => r.id === "api-policy-after-named-values");

  test("a policy that may be saved before its named value exists is refused", () => {
    expect(orderingRefusals(new Graph([namedValue, policy([])]), rules)).toEqual([
      expect.objectContaining({
        rule: "ordering:api-policy-after-named-values",
        message: expect.stringMatching(/^must come after named value front-door-id of service apim-a: /),
      }),
    ]);
  });

  test("a policy naming a value the service does not have is refused; one that waits for it is accepted", () => {
    expect(orderingRefusals(new Graph([policy([])]), rules)).toHaveLength(1);
    expect(orderingRefusals(new Graph([namedValue, policy(["nv"])]), rules)).toEqual([]);
  });
});

describe("Key Vault named values: role propagation and private reachability, on synthetic graphs", () => {
  const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-a`;
  const SECRETS_USER = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
  const node = (
    urn: string,
    type: string,
    inputs: Loose,
    dependsOn: string[] = [],
    outputs: Loose = {},
    id?: string,
  ): GraphNode => ({ urn, type, name: urn, inputs, dependsOn, outputs, id });
  const vault = (publicNetworkAccess: string) =>
    node("vault", TYPES.vault, { vaultName: "kv-a", properties: { publicNetworkAccess } }, [], {}, VAULT_ID);
  const grant = (principalId: string, dependsOn: string[]) =>
    node("grant", TYPES.roleAssignment, { principalId, scope: VAULT_ID, roleDefinitionId: SECRETS_USER }, dependsOn);
  const namedValue = (dependsOn: string[], identityClientId?: string) =>
    node(
      "nv",
      TYPES.namedValue,
      {
        serviceName: "apim-a",
        keyVault: { secretIdentifier: "https://kv-a.vault.azure.net/secrets/s", identityClientId },
      },
      dependsOn,
    );
  const rules = (ids: string[]) => ORDERING_RULES.filter(r => ids.includes(r.id));
  const propagation = rules(["named-value-after-role-propagation"]);

  test("system-assigned identity: the grant can only follow the service, so the value races RBAC propagation (403)", () => {
    const graph = new Graph([
      vault("Enabled"),
      node("service", TYPES.apimService, { serviceName: "apim-a" }, [], { identity: { principalId: "p-system" } }),
      grant("p-system", ["service", "vault"]),
      namedValue(["service", "grant"]),
    ]);
    expect(orderingRefusals(graph, propagation)).toEqual([
      expect.objectContaining({
        rule: "ordering:named-value-after-role-propagation",
        resource: "nv",
        message: expect.stringMatching(/propagate.*403/),
      }),
    ]);
  });

  test("a user-assigned identity granted before the service exists is accepted", () => {
    const graph = new Graph([
      vault("Enabled"),
      node("uai", TYPES.userAssignedIdentity, {}, [], { principalId: "p-uai", clientId: "c-uai" }),
      grant("p-uai", ["uai", "vault"]),
      node("service", TYPES.apimService, { serviceName: "apim-a" }, ["uai", "grant"]),
      namedValue(["service"], "c-uai"),
    ]);
    expect(orderingRefusals(graph, propagation)).toEqual([]);
  });

  test("a documented wait after the grant is accepted too", () => {
    const graph = new Graph([
      vault("Enabled"),
      node("service", TYPES.apimService, { serviceName: "apim-a" }, [], { identity: { principalId: "p-system" } }),
      grant("p-system", ["service", "vault"]),
      node("wait", TYPES.sleep, { createDuration: "5m" }, ["grant"]),
      namedValue(["service", "wait"]),
    ]);
    expect(orderingRefusals(graph, propagation)).toEqual([]);
  });

  test("private mode: the value must follow the vault's private endpoint and its DNS record", () => {
    const pe = node(
      "pe-vault",
      TYPES.privateEndpoint,
      { privateLinkServiceConnections: [{ privateLinkServiceId: VAULT_ID, groupIds: ["vault"] }] },
      ["vault"],
    );
    const record = node(
      "record-vault",
      TYPES.record,
      { privateZoneName: "privatelink.vaultcore.azure.net", relativeRecordSetName: "kv-a" },
      ["pe-vault"],
    );
    const reachability = rules(["named-value-after-vault-private-endpoint"]);
    const racing = new Graph([vault("Disabled"), pe, record, namedValue(["vault"])]);
    expect(orderingRefusals(racing, reachability).map(r => r.message.split(":")[0])).toEqual([
      "must come after PrivateEndpoint pe-vault",
      "must come after PrivateRecordSet record-vault",
    ]);
    expect(
      orderingRefusals(new Graph([vault("Disabled"), pe, record, namedValue(["record-vault"])]), reachability),
    ).toEqual([]);
    expect(orderingRefusals(new Graph([vault("Enabled"), namedValue([])]), reachability)).toEqual([]);
  });

  test("every rule cites its source", () => {
    for (const r of ORDERING_RULES) expect(r.source).toMatch(/https:\/\/learn\.microsoft\.com\//);
  });
});

describe("reads Azure refuses for who asks or how they get there, on synthetic graphs", () => {
  const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-a`;
  const AI_ID = `/subscriptions/${SUB}/resourceGroups/rg-obs/providers/Microsoft.Insights/components/appi-a`;
  const PUBLISHER = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/3913510d-42f4-4e42-8a64-420c390055eb`;
  const node = (
    urn: string,
    type: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown> = {},
    id?: string,
  ): GraphNode => ({
    urn,
    type,
    name: urn,
    inputs,
    dependsOn: [],
    outputs,
    id,
  });
  const vault = (networkAcls: Record<string, unknown>, publicNetworkAccess = "Enabled") =>
    node("vault", TYPES.vault, { vaultName: "kv-a", properties: { publicNetworkAccess, networkAcls } }, {}, VAULT_ID);
  const namedValue = (identityClientId?: string) =>
    node("nv", TYPES.namedValue, {
      serviceName: "apim-a",
      namedValueId: "openai-key-a",
      keyVault: { secretIdentifier: "https://kv-a.vault.azure.net/secrets/s", identityClientId },
    });
  const endpoint = node("pe-vault", TYPES.privateEndpoint, {
    privateLinkServiceConnections: [{ privateLinkServiceId: VAULT_ID, groupIds: ["vault"] }],
  });
  const rule = (id: string) => ACCESS_RULES.filter(r => r.id === id);
  const refused = (graph: GraphNode[], id: string) => accessRefusals(new Graph(graph), rule(id)).map(r => r.message);

  test("a firewalled vault read by a user-assigned identity is refused; the system-assigned identity, or an open vault, is accepted", () => {
    const id = "key-vault-firewall-system-identity";
    expect(refused([vault({ defaultAction: "Deny" }), endpoint, namedValue("c-uai")], id)).toEqual([
      expect.stringMatching(
        /named value openai-key-a reads firewalled vault kv-a as user-assigned identity c-uai: .*system-assigned/,
      ),
    ]);
    expect(refused([vault({ defaultAction: "Allow" }, "Disabled"), endpoint, namedValue("c-uai")], id)).toHaveLength(1);
    expect(refused([vault({ defaultAction: "Deny" }), endpoint, namedValue()], id)).toEqual([]);
    expect(refused([vault({ defaultAction: "Allow" }), namedValue("c-uai")], id)).toEqual([]);
  });

  test("a custom domain's certificate in a firewalled vault, read by a user-assigned identity when the service is created, is refused", () => {
    const service = node("service", TYPES.apimService, {
      serviceName: "apim-a",
      hostnameConfigurations: [
        {
          hostName: "aoai.contoso.internal",
          keyVaultId: "https://kv-a.vault.azure.net/secrets/tls",
          identityClientId: "c-uai",
        },
      ],
    });
    expect(
      refused([vault({ defaultAction: "Deny" }), endpoint, service], "key-vault-firewall-system-identity"),
    ).toEqual([expect.stringMatching(/^host name aoai.contoso.internal reads firewalled vault kv-a/)]);
  });

  test("a firewalled vault no private endpoint or network rule reaches cannot be read", () => {
    const id = "key-vault-line-of-sight";
    expect(refused([vault({ defaultAction: "Deny" }), namedValue()], id)).toEqual([
      expect.stringMatching(/reads vault kv-a, which no network path reaches/),
    ]);
    expect(refused([vault({ defaultAction: "Deny" }), endpoint, namedValue()], id)).toEqual([]);
    expect(refused([vault({ defaultAction: "Deny", ipRules: [{ value: "20.1.2.3" }] }), namedValue()], id)).toEqual([]);
  });

  test("telemetry into Application Insights without local authentication: a key alone, or an identity without the publisher role, is refused", () => {
    const id = "app-insights-entra-ingestion";
    const component = node("appi", TYPES.appInsights, { disableLocalAuth: true }, {}, AI_ID);
    const uai = node("uai", TYPES.userAssignedIdentity, {}, { clientId: "c-uai", principalId: "p-uai" });
    const logger = (credentials: Record<string, string>) =>
      node("logger", TYPES.logger, { serviceName: "apim-a", resourceId: AI_ID, credentials });
    const grant = node("grant", TYPES.roleAssignment, {
      principalId: "p-uai",
      scope: AI_ID,
      roleDefinitionId: PUBLISHER,
    });
    expect(refused([component, uai, logger({ connectionString: "InstrumentationKey=k" })], id)).toEqual([
      expect.stringMatching(/^writes with the connection string's key alone: .*Entra ID/),
    ]);
    expect(refused([component, uai, logger({ connectionString: "c", identityClientId: "c-uai" })], id)).toEqual([
      expect.stringMatching(/^identity c-uai holds no Monitoring Metrics Publisher role on it/),
    ]);
    expect(refused([component, uai, grant, logger({ connectionString: "c", identityClientId: "c-uai" })], id)).toEqual(
      [],
    );
  });

  test("Dedicated (resource-specific) tables on an OpenAI account's diagnostic setting are refused; on API Management they are accepted", () => {
    const setting = (resourceUri: string) =>
      node("diag", TYPES.diagnosticSetting, { resourceUri, logAnalyticsDestinationType: "Dedicated" });
    const id = "dedicated-logs-on-supported-types";
    expect(
      refused(
        [setting(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/oai-a`)],
        id,
      ),
    ).toEqual([
      expect.stringMatching(/^Microsoft.CognitiveServices\/accounts\/oai-a has no resource-specific tables: .*null/),
    ]);
    expect(
      refused(
        [setting(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-a`)],
        id,
      ),
    ).toEqual([]);
  });

  test("an identifier URI other than api://<app id> or api://<tenant id>/<app id> is refused as a strict tenant refuses it", () => {
    const app = node("app", TYPES.application, {}, { clientId: "c-app" }, "o-app");
    const uri = (identifierUri: string) =>
      node("uri", TYPES.applicationIdentifierUri, { applicationId: "o-app", identifierUri });
    expect(identifierUriRefusals(new Graph([app, uri(`api://${TENANT_ID}/aoai-bcdr-prod-gateway`)]))).toEqual([
      expect.objectContaining({
        rule: "entra-identifier-uri",
        message: expect.stringMatching(/nonDefaultUriAddition refuses it$/),
        source: expect.stringContaining("https://learn.microsoft.com/"),
      }),
    ]);
    expect(identifierUriRefusals(new Graph([app, uri("api://c-app")]))).toEqual([]);
    expect(identifierUriRefusals(new Graph([app, uri(`api://${TENANT_ID}/c-app`)]))).toEqual([]);
  });

  test("every rule cites its source", () => {
    for (const r of ACCESS_RULES) expect(r.source).toMatch(/https:\/\/learn\.microsoft\.com\//);
  });
});

test("a stack named with `_`, `.` and capitals, long enough to cut names, plans clean (the mock engine refuses nothing), and reports its model retirements", async () => {
  const stack = "Team_Platform.AI-experiments-with-a-rather-long-stack-name";
  const run = await runStack("dev", { stack, today: "2027-01-01" });
  expect(run.stack).toBe(stack);
  const workspace = ofType(run, TYPES.workspace)[0].inputs.workspaceName as string;
  expect(workspace).toMatch(/^log-aoai-team-platform-ai-experiments-with-a-rather-lo[a-z-]*-[0-9a-f]{6}$/);
  expect(workspace.length).toBeLessThanOrEqual(63);
  expect((ofType(run, TYPES.frontDoorEndpoint)[0].inputs.endpointName as string).length).toBeLessThanOrEqual(46);
  const grants = ofType(run, TYPES.roleAssignment);
  expect(grants.length).toBeGreaterThan(0);
  for (const g of grants) {
    const i = g.inputs as Record<string, string>;
    expect(i.roleAssignmentName).toBe(roleAssignmentName(i.scope, i.principalId, i.roleDefinitionId.split("/").pop()!));
  }
  expect(run.outputs.modelRetirements).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ model: "gpt-5.4-mini", version: "2026-03-17", retires: "2027-03-18", daysLeft: 76 }),
    ]),
  );
});

describe("the plan lists resources in the order the program declared them", () => {
  /** Two groups, each with a child; `pause` awaits before the second group, as a program's own checks might. */
  const declare = async (pause: number) => {
    const first = new resources.ResourceGroup("first", { resourceGroupName: "rg-first", location: "eastus2" });
    for (let i = 0; i < pause; i++) await Promise.resolve();
    const second = new resources.ResourceGroup("second", { resourceGroupName: "rg-second", location: "eastus2" });
    new network.VirtualNetwork(
      "second-vnet",
      { resourceGroupName: second.name, virtualNetworkName: "vnet-second", location: "eastus2" },
      { parent: second },
    );
    new network.VirtualNetwork(
      "first-vnet",
      { resourceGroupName: first.name, virtualNetworkName: "vnet-first", location: "eastus2" },
      { parent: first },
    );
    return {};
  };

  test.each([0, 1, 7, 30])("whatever the program awaits first (%i turns)", async pause => {
    const run = await runProgram({
      stack: "order",
      config: { values: {}, secretKeys: [] },
      program: () => declare(pause),
    });
    expect(run.resources.filter(r => r.custom).map(r => r.name)).toEqual([
      "first",
      "second",
      "second-vnet",
      "first-vnet",
    ]);
  });
});

describe("what the watchdog's design relies on, on synthetic graphs", () => {
  const RG = `/subscriptions/${SUB}/resourceGroups/rg-dns`;
  const RECORD = `${RG}/providers/Microsoft.Network/privateDnsZones/gw.contoso.internal/A/@`;
  const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-wd`;
  const node = (urn: string, type: string, inputs: Loose, id?: string): GraphNode => ({
    urn,
    type,
    name: urn,
    inputs,
    dependsOn: [],
    outputs: {},
    id,
  });
  const refused = (graph: GraphNode[], id: string) =>
    accessRefusals(
      new Graph(graph),
      ACCESS_RULES.filter(r => r.id === id),
    ).map(r => r.message);
  const group = node("rg", TYPES.resourceGroup, { resourceGroupName: "rg-dns" }, RG);
  const record = node("record", TYPES.record, { relativeRecordSetName: "@" }, RECORD);
  const grant = (scope: string) => node("grant", TYPES.roleAssignment, { scope, principalId: "p" });

  test("a role assignment at a resource the plan does not declare in its own resource group is refused", () => {
    const id = "role-assignment-scope-exists";
    expect(refused([group, record, grant(RECORD)], id)).toEqual([]);
    expect(refused([group, grant(RECORD)], id)).toEqual([
      expect.stringMatching(/^scope .*\/A\/@ is no resource of the plan: .*404/),
    ]);
    // A resource group the plan does not own (a landing zone's): not the plan's to judge.
    expect(refused([grant(RECORD)], id)).toEqual([]);
  });

  test("a Flex Consumption app integrated with a subnet not delegated to Microsoft.App/environments is refused", () => {
    const id = "flex-consumption-subnet-delegation";
    const vnet = (delegations: Loose[]) =>
      node("vnet", TYPES.virtualNetwork, { subnets: [{ name: "snet-watchdog", delegations }] }, VNET);
    const app = node("app", TYPES.webApp, {
      virtualNetworkSubnetId: `${VNET}/subnets/snet-watchdog`,
      functionAppConfig: { runtime: { name: "node" } },
    });
    expect(refused([vnet([{ name: "flex", serviceName: "Microsoft.App/environments" }]), app], id)).toEqual([]);
    expect(refused([vnet([]), app], id)).toEqual([
      expect.stringMatching(/^subnet snet-watchdog is not delegated: .*Microsoft\.App\/environments/),
    ]);
  });

  test("a provider blob upload to a storage account that takes no key is refused; an account that takes its key accepts it", () => {
    const id = "blob-upload-shared-key";
    const account = (allowSharedKeyAccess?: boolean) =>
      node("account", TYPES.storageAccount, { accountName: "stwatchdog", allowSharedKeyAccess });
    const blob = node("blob", TYPES.blob, { accountName: "stwatchdog", containerName: "deployment" });
    expect(refused([account(false), blob], id)).toEqual([
      expect.stringMatching(/^uploads to account stwatchdog, which takes no key: .*KeyBasedAuthenticationNotPermitted/),
    ]);
    expect(refused([account(true), blob], id)).toEqual([]);
    expect(refused([account(), blob], id)).toEqual([]);
    expect(refused([account(false)], id)).toEqual([]);
  });
});

/**
 * Reads Azure refuses for who is asking or how they get there, checked on a whole plan: a firewalled Key
 * Vault read by a user-assigned identity or with no network path to it, telemetry written with a key to an
 * Application Insights resource that takes Entra ID only, a diagnostic setting asking for resource-specific
 * tables its resource type does not have, a blob uploaded by the provider with the key of an account that takes none. Each rule is data (id, fact, source) with the check that finds it.
 */
import { RESOURCE_SPECIFIC_LOG_TYPES, acceptsDedicatedLogs } from "../../../catalog/diagnostics";
import { ROLES } from "../../../catalog/roles";
import { TYPES } from "../../../catalog/types";
import type { Props } from "../props";
import type { Graph, GraphNode } from "./orderings";
import type { AzureRefusal } from "./refusal";

const lower = (s: unknown) => String(s ?? "").toLowerCase();

/** Monitoring Metrics Publisher: the role Entra ID-authenticated ingestion needs on the Application Insights resource. */
const METRICS_PUBLISHER = ROLES.monitoringMetricsPublisher;

const KEY_VAULT_FIREWALL =
  "https://learn.microsoft.com/azure/api-management/api-management-howto-properties#prerequisites-for-key-vault-integration (Key Vault firewall requirements)";

export interface AccessRule {
  readonly id: string;
  readonly fact: string;
  readonly source: string;
  /** The resources the rule refuses, each with what is wrong with it. */
  readonly check: (graph: Graph) => { node: GraphNode; why: string }[];
}

/** A vault of the plan whose firewall is on: public access disabled, or the network ACL's default action Deny. */
function firewalledVault(graph: Graph, uri: unknown): GraphNode | undefined {
  const host = /^https:\/\/([^.]+)\.vault\.azure\.net\//i.exec(String(uri ?? ""))?.[1];
  const vault = graph.ofType(TYPES.vault).find(v => lower(v.inputs.vaultName) === lower(host));
  const p = vault?.inputs.properties ?? {};
  return p.publicNetworkAccess === "Disabled" || p.networkAcls?.defaultAction === "Deny" ? vault : undefined;
}

/** Every Key Vault read the plan makes: named values and host name certificates, with the identity they name. */
function vaultReads(graph: Graph): { node: GraphNode; uri: unknown; identityClientId?: string; what: string }[] {
  return [
    ...graph.ofType(TYPES.namedValue).flatMap(nv =>
      nv.inputs.keyVault?.secretIdentifier
        ? [
            {
              node: nv,
              uri: nv.inputs.keyVault.secretIdentifier,
              identityClientId: nv.inputs.keyVault.identityClientId,
              what: `named value ${nv.inputs.namedValueId}`,
            },
          ]
        : [],
    ),
    ...graph.ofType(TYPES.apimService).flatMap(s =>
      (s.inputs.hostnameConfigurations ?? [])
        .filter((h: Props) => h.keyVaultId)
        .map((h: Props) => ({
          node: s,
          uri: h.keyVaultId,
          identityClientId: h.identityClientId,
          what: `host name ${h.hostName}`,
        })),
    ),
  ];
}

/** Whether anything of the plan gives the vault a network path: a private endpoint to it, or a firewall rule. */
function hasLineOfSight(graph: Graph, vault: GraphNode): boolean {
  const acls = vault.inputs.properties?.networkAcls ?? {};
  if ((acls.ipRules ?? []).length > 0 || (acls.virtualNetworkRules ?? []).length > 0) return true;
  return graph
    .ofType(TYPES.privateEndpoint)
    .some(pe =>
      (pe.inputs.privateLinkServiceConnections ?? []).some(
        (c: Props) => lower(c.privateLinkServiceId) === lower(vault.id),
      ),
    );
}

/** The principal ids that an identity client id (or "SystemAssigned" on a service) stands for. */
function principalOf(graph: Graph, logger: GraphNode, clientId: string): string | undefined {
  if (lower(clientId) === "systemassigned")
    return graph.ofType(TYPES.apimService).find(s => s.inputs.serviceName === logger.inputs.serviceName)?.outputs
      .identity?.principalId;
  return graph.ofType(TYPES.userAssignedIdentity).find(u => u.outputs.clientId === clientId)?.outputs.principalId;
}

/** The subnet `subnetId` names, as declared inline in a VNet of the plan. */
function inlineSubnet(graph: Graph, subnetId: unknown): Props | undefined {
  const [vnetId, name] = lower(subnetId).split("/subnets/");
  const vnet = graph.ofType(TYPES.virtualNetwork).find(v => lower(v.id) === vnetId);
  return (vnet?.inputs.subnets ?? []).find((s: Props) => lower(s.name) === name);
}

/** A resource-level ARM id (`.../providers/<namespace>/<type>/<name>...`) in a resource group the plan declares. */
function inPlanResourceGroup(graph: Graph, scope: string): boolean {
  const m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\//i.exec(scope);
  return !!m && graph.ofType(TYPES.resourceGroup).some(g => lower(g.inputs.resourceGroupName) === lower(m[1]));
}

export const ACCESS_RULES: readonly AccessRule[] = [
  {
    id: "role-assignment-scope-exists",
    fact: "a role assignment's scope must be an existing management group, subscription, resource group or resource; ARM answers 404 for a scope that is not there",
    source:
      "https://learn.microsoft.com/azure/role-based-access-control/scope-overview; https://learn.microsoft.com/azure/role-based-access-control/troubleshooting",
    check: graph =>
      graph
        .ofType(TYPES.roleAssignment)
        .filter(r => {
          const scope = String(r.inputs.scope ?? "");
          return inPlanResourceGroup(graph, scope) && !graph.nodes.some(n => lower(n.id) === lower(scope));
        })
        .map(r => ({ node: r, why: `scope ${r.inputs.scope} is no resource of the plan` })),
  },
  {
    id: "flex-consumption-subnet-delegation",
    fact: "a Flex Consumption app integrates only with a subnet delegated to Microsoft.App/environments",
    source:
      "https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#enable-virtual-network-integration",
    check: graph =>
      graph.ofType(TYPES.webApp).flatMap(app => {
        const subnetId = app.inputs.virtualNetworkSubnetId;
        const subnet = subnetId && app.inputs.functionAppConfig ? inlineSubnet(graph, subnetId) : undefined;
        const delegated = (subnet?.delegations ?? []).some(
          (d: Props) => lower(d.serviceName) === "microsoft.app/environments",
        );
        return subnet && !delegated ? [{ node: app, why: `subnet ${subnet.name} is not delegated` }] : [];
      }),
  },
  {
    id: "blob-upload-shared-key",
    fact: "azure-native's storage.Blob lists the account keys and uploads with a shared-key credential, and an account with allowSharedKeyAccess false refuses every request authorized with its keys (KeyBasedAuthenticationNotPermitted)",
    source:
      "https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent; https://github.com/pulumi/pulumi-azure-native/issues/2015 (provider/pkg/resources/customresources/custom_storage_azidentity.go)",
    check: graph =>
      graph.ofType(TYPES.blob).flatMap(blob => {
        const account = graph
          .ofType(TYPES.storageAccount)
          .find(
            a =>
              a.inputs.allowSharedKeyAccess === false && lower(a.inputs.accountName) === lower(blob.inputs.accountName),
          );
        return account
          ? [{ node: blob, why: `uploads to account ${account.inputs.accountName}, which takes no key` }]
          : [];
      }),
  },
  {
    id: "key-vault-firewall-system-identity",
    fact: "with the Key Vault firewall on, API Management must use its system-assigned managed identity; a user-assigned identity cannot read the vault",
    source: KEY_VAULT_FIREWALL,
    check: graph =>
      vaultReads(graph)
        .filter(r => r.identityClientId && firewalledVault(graph, r.uri))
        .map(r => ({
          node: r.node,
          why: `${r.what} reads firewalled vault ${firewalledVault(graph, r.uri)!.inputs.vaultName} as user-assigned identity ${r.identityClientId}`,
        })),
  },
  {
    id: "key-vault-line-of-sight",
    fact: "a firewalled vault is reached only through a private endpoint or a network rule that admits API Management; the read fails otherwise",
    source: KEY_VAULT_FIREWALL,
    check: graph =>
      vaultReads(graph).flatMap(r => {
        const vault = firewalledVault(graph, r.uri);
        return vault && !hasLineOfSight(graph, vault)
          ? [{ node: r.node, why: `${r.what} reads vault ${vault.inputs.vaultName}, which no network path reaches` }]
          : [];
      }),
  },
  {
    id: "app-insights-entra-ingestion",
    fact: "an Application Insights resource with local authentication disabled ingests only telemetry authenticated with Entra ID, by an identity holding Monitoring Metrics Publisher on it",
    source:
      "https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication; https://learn.microsoft.com/azure/api-management/api-management-howto-app-insights#prerequisites",
    check: graph =>
      graph.ofType(TYPES.logger).flatMap(logger => {
        const component = graph
          .ofType(TYPES.appInsights)
          .find(c => c.inputs.disableLocalAuth === true && lower(c.id) === lower(logger.inputs.resourceId));
        if (!component) return [];
        const clientId = logger.inputs.credentials?.identityClientId;
        if (!clientId) return [{ node: logger, why: "writes with the connection string's key alone" }];
        const principal = principalOf(graph, logger, clientId);
        const granted = graph
          .ofType(TYPES.roleAssignment)
          .some(
            r =>
              principal &&
              r.inputs.principalId === principal &&
              lower(r.inputs.roleDefinitionId).endsWith(METRICS_PUBLISHER) &&
              lower(component.id).startsWith(lower(r.inputs.scope)),
          );
        return granted
          ? []
          : [{ node: logger, why: `identity ${clientId} holds no Monitoring Metrics Publisher role on it` }];
      }),
  },
  {
    id: "dedicated-logs-on-supported-types",
    fact: "logAnalyticsDestinationType Dedicated on a resource type without resource-specific tables is read back as null: a diff on every run",
    source: `https://learn.microsoft.com/azure/azure-monitor/essentials/resource-logs#resource-specific; types with resource-specific tables: ${Object.values(RESOURCE_SPECIFIC_LOG_TYPES).join(", ")}`,
    check: graph =>
      graph
        .ofType(TYPES.diagnosticSetting)
        .filter(
          d =>
            d.inputs.logAnalyticsDestinationType === "Dedicated" && !acceptsDedicatedLogs(String(d.inputs.resourceUri)),
        )
        .map(d => ({
          node: d,
          why: `${String(d.inputs.resourceUri).split("/providers/").pop()} has no resource-specific tables`,
        })),
  },
];

/** Every read the plan would have refused, one refusal per resource and rule. */
export function accessRefusals(graph: Graph, rules: readonly AccessRule[] = ACCESS_RULES): AzureRefusal[] {
  return rules.flatMap(rule =>
    rule.check(graph).map(({ node, why }) => ({
      rule: `access:${rule.id}`,
      resource: node.urn,
      message: `${why}: ${rule.fact}`,
      source: rule.source,
    })),
  );
}

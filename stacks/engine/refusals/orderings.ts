/**
 * Orderings Azure is known to reject, checked on the dependency graph of a whole plan. Each rule names the
 * resources a subject must come after (transitively, through `dependsOn` and property dependencies, which
 * is what the Pulumi engine waits for); a subject created without one of them in its ancestry would race.
 * The rules are data (subject type, relation, fact, source); the relations below find the resources.
 */
import { TYPES } from "../../../catalog/types";
import type { Props } from "../props";
import type { AzureRefusal } from "./refusal";

/** A resource of the plan with what the mock engine answered for it. */
export interface GraphNode {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly inputs: Props;
  readonly dependsOn: readonly string[];
  readonly id?: string;
  readonly outputs: Props;
}

/** Built-in roles that may read Key Vault secrets: Secrets User, Secrets Officer, Administrator. */
const SECRET_READER_ROLES = [
  "4633458b-17de-408a-b874-0445c86b69e6",
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "00482a5a-887f-4fb3-b363-3b7fe8e74483",
];

/** What a subject must follow: any one of `anyOf` (an empty list cannot be satisfied). */
interface Requirement {
  readonly anyOf: readonly string[];
  readonly what: string;
}

type Relation = (subject: GraphNode, graph: Graph) => Requirement[];

export interface OrderingRule {
  readonly id: string;
  readonly subject: string;
  readonly relation: keyof typeof RELATIONS;
  /** What Azure does when the order is wrong. */
  readonly fact: string;
  readonly source: string;
}

export class Graph {
  private readonly byUrn: Map<string, GraphNode>;
  private readonly ancestry = new Map<string, Set<string>>();

  constructor(readonly nodes: readonly GraphNode[]) {
    this.byUrn = new Map(nodes.map(n => [n.urn, n]));
  }

  ofType(type: string): GraphNode[] {
    return this.nodes.filter(n => n.type === type);
  }

  /** Every resource `urn` waits for, directly or through others. */
  ancestors(urn: string): Set<string> {
    const known = this.ancestry.get(urn);
    if (known) return known;
    const found = new Set<string>();
    this.ancestry.set(urn, found);
    for (const dep of this.byUrn.get(urn)?.dependsOn ?? []) {
      found.add(dep);
      for (const a of this.ancestors(dep)) found.add(a);
    }
    return found;
  }
}

const lower = (s: unknown) => String(s ?? "").toLowerCase();

/** The VNet a peering belongs to: its ARM id without `/virtualNetworkPeerings/<name>` (lowercase). */
const vnetOfPeering = (p: GraphNode) => lower(p.id).replace(/\/virtualnetworkpeerings\/[^/]+$/, "");

/** The vault a Key Vault reference (`https://<vault>.vault.azure.net/secrets/...`) points into. */
function vaultOf(graph: Graph, secretIdentifier: string): GraphNode | undefined {
  const host = /^https:\/\/([^.]+)\.vault\.azure\.net\//i.exec(secretIdentifier)?.[1];
  return graph.ofType(TYPES.vault).find(v => lower(v.inputs.vaultName) === lower(host));
}

/** The principal a named value reads Key Vault as: its user-assigned identity, else its service's own. */
function namedValuePrincipal(graph: Graph, nv: GraphNode): { principalId?: string; service?: GraphNode } {
  const service = graph.ofType(TYPES.apimService).find(s => s.inputs.serviceName === nv.inputs.serviceName);
  const clientId = nv.inputs.keyVault?.identityClientId;
  if (clientId)
    return {
      service,
      principalId: graph.ofType(TYPES.userAssignedIdentity).find(u => u.outputs.clientId === clientId)?.outputs
        .principalId,
    };
  return { service, principalId: service?.outputs.identity?.principalId };
}

export const RELATIONS = {
  /** A private endpoint on an OpenAI account follows every deployment of that account. */
  "deployments-of-target-account": (pe, graph) =>
    (pe.inputs.privateLinkServiceConnections ?? [])
      .map((c: Props) => String(c.privateLinkServiceId ?? ""))
      .filter((id: string) => /\/Microsoft\.CognitiveServices\/accounts\/[^/]+$/i.test(id))
      .flatMap((id: string) => {
        const account = id.split("/").pop()!;
        return graph
          .ofType(TYPES.deployment)
          .filter(d => lower(d.inputs.accountName) === lower(account))
          .map(d => ({ anyOf: [d.urn], what: `deployment ${d.name} of account ${account}` }));
      }),

  /**
   * A Key Vault-backed named value follows a grant of a secret-reading role to its identity on the vault,
   * and that grant had time to propagate: it precedes the API Management service itself (a user-assigned
   * identity granted first), or a documented wait (`time:index/sleep:Sleep`) sits between grant and value.
   */
  "propagated-secret-reader-grant": (nv, graph) => {
    const secret = nv.inputs.keyVault?.secretIdentifier;
    if (!secret) return [];
    const vault = vaultOf(graph, secret);
    const { principalId, service } = namedValuePrincipal(graph, nv);
    const grants = graph
      .ofType(TYPES.roleAssignment)
      .filter(
        r =>
          principalId &&
          r.inputs.principalId === principalId &&
          SECRET_READER_ROLES.some(role => lower(r.inputs.roleDefinitionId).endsWith(role)) &&
          vault?.id &&
          lower(vault.id).startsWith(lower(r.inputs.scope)),
      );
    const waits = graph.ofType(TYPES.sleep).filter(s => grants.some(g => graph.ancestors(s.urn).has(g.urn)));
    const propagated = grants.filter(g => service && graph.ancestors(service.urn).has(g.urn)).map(g => g.urn);
    return [
      {
        anyOf: [...propagated, ...waits.map(w => w.urn)],
        what: `a secret-reading role grant to principal ${principalId ?? "(unknown)"} on vault ${vault?.inputs.vaultName ?? secret} made before the service ${service?.name ?? ""} exists, or a wait after the grant`,
      },
    ];
  },

  /** In private mode (vault public access disabled) a Key Vault-backed named value follows the vault's private endpoints and DNS records. */
  "vault-private-endpoints-and-records": (nv, graph) => {
    const secret = nv.inputs.keyVault?.secretIdentifier;
    const vault = secret && vaultOf(graph, secret);
    if (!vault || vault.inputs.properties?.publicNetworkAccess !== "Disabled") return [];
    const endpoints = graph
      .ofType(TYPES.privateEndpoint)
      .filter(pe =>
        (pe.inputs.privateLinkServiceConnections ?? []).some(
          (c: Props) => lower(c.privateLinkServiceId) === lower(vault.id),
        ),
      );
    // The vault's name: an A record in a stack-owned zone, or a DNS zone group registering an endpoint centrally.
    const records = [
      ...graph
        .ofType(TYPES.record)
        .filter(
          r =>
            lower(r.inputs.privateZoneName) === "privatelink.vaultcore.azure.net" &&
            lower(r.inputs.relativeRecordSetName) === lower(vault.inputs.vaultName),
        ),
      ...graph
        .ofType(TYPES.privateDnsZoneGroup)
        .filter(g =>
          endpoints.some(pe => lower(pe.inputs.privateEndpointName) === lower(g.inputs.privateEndpointName)),
        ),
    ];
    if (endpoints.length === 0)
      return [{ anyOf: [], what: `a private endpoint of vault ${vault.inputs.vaultName} (public access is disabled)` }];
    return [...endpoints, ...records].map(n => ({ anyOf: [n.urn], what: `${n.type.split(":").pop()} ${n.name}` }));
  },

  /**
   * A peering that uses the remote VNet's gateway follows the remote side's peering back to it, which must allow
   * gateway transit (the mock cannot see whether the hub has a gateway: checklist).
   */
  "remote-peering-allowing-transit": (peering, graph) => {
    if (peering.inputs.useRemoteGateways !== true) return [];
    const remote = lower(peering.inputs.remoteVirtualNetwork?.id);
    return [
      {
        anyOf: graph
          .ofType(TYPES.virtualNetworkPeering)
          .filter(
            p =>
              p.inputs.allowGatewayTransit === true &&
              vnetOfPeering(p) === remote &&
              lower(p.inputs.remoteVirtualNetwork?.id) === vnetOfPeering(peering),
          )
          .map(p => p.urn),
        what: `the peering from ${remote.split("/").pop()} back to this VNet, with allowGatewayTransit`,
      },
    ];
  },

  /** An API policy follows every named value (`{{name}}`) its document references, on the same service. */
  "referenced-named-values": (policy, graph) =>
    [...new Set([...String(policy.inputs.value ?? "").matchAll(/\{\{([^{}]+)\}\}/g)].map(m => m[1]))].map(id => ({
      anyOf: graph
        .ofType(TYPES.namedValue)
        .filter(
          nv => nv.inputs.serviceName === policy.inputs.serviceName && lower(nv.inputs.namedValueId) === lower(id),
        )
        .map(nv => nv.urn),
      what: `named value ${id} of service ${policy.inputs.serviceName}`,
    })),
} satisfies Record<string, Relation>;

export const ORDERING_RULES: readonly OrderingRule[] = [
  {
    id: "remote-gateway-after-transit",
    subject: TYPES.virtualNetworkPeering,
    relation: "remote-peering-allowing-transit",
    fact: "a peering with useRemoteGateways is refused (400) unless the remote side's peering already allows gateway transit and the remote VNet has a gateway",
    source:
      "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#create-a-peering (use remote virtual network's gateway: the remote peering must allow gateway transit); ARM errors RemoteVnetHasNoGateways and 'corresponding remote peering has AllowGatewayTransit flag set to false'",
  },
  {
    id: "api-policy-after-named-values",
    subject: TYPES.apiPolicy,
    relation: "referenced-named-values",
    fact: 'API Management validates a policy document when it is saved, and refuses one that references a named value the service does not have (400 ValidationError "Cannot find a property")',
    source:
      "https://learn.microsoft.com/azure/api-management/api-management-howto-properties#use-a-named-value (a named value must exist to be used in a policy); the error text is as API Management returns it (README checklist)",
  },
  {
    id: "private-endpoint-after-deployments",
    subject: TYPES.privateEndpoint,
    relation: "deployments-of-target-account",
    fact: "a private endpoint on a Cognitive Services account while a model deployment still runs fails with 409 Conflict (another operation is in progress on the account)",
    source:
      "https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks#use-private-endpoints (account must be Succeeded); Azure/bicep-registry-modules avm/res/cognitive-services/account deploys endpoints after deployments",
  },
  {
    id: "named-value-after-role-propagation",
    subject: TYPES.namedValue,
    relation: "propagated-secret-reader-grant",
    fact: "role assignments take up to 10 minutes to propagate; a Key Vault named value created right after its identity's grant fails with 403 on the first run",
    source:
      "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected; https://learn.microsoft.com/azure/api-management/api-management-howto-properties#prerequisites-for-key-vault-integration",
  },
  {
    id: "named-value-after-vault-private-endpoint",
    subject: TYPES.namedValue,
    relation: "vault-private-endpoints-and-records",
    fact: "with public access disabled, API Management reaches the vault only through its private endpoint and privatelink DNS record; before they exist the named value cannot be fetched",
    source: "https://learn.microsoft.com/azure/api-management/api-management-howto-properties#key-vault-firewall",
  },
];

/** Every ordering the plan would race on, one refusal per unmet requirement. */
export function orderingRefusals(graph: Graph, rules: readonly OrderingRule[] = ORDERING_RULES): AzureRefusal[] {
  return rules.flatMap(rule =>
    graph.ofType(rule.subject).flatMap(subject => {
      const ancestors = graph.ancestors(subject.urn);
      return (RELATIONS[rule.relation] as Relation)(subject, graph)
        .filter(req => !req.anyOf.some(urn => ancestors.has(urn)))
        .map(req => ({
          rule: `ordering:${rule.id}`,
          resource: subject.urn,
          message: `must come after ${req.what}: ${rule.fact}`,
          source: rule.source,
        }));
    }),
  );
}

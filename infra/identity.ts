/**
 * Azure RBAC grants to managed identities.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";

/** Built-in role definition ids (the same GUID in every subscription). */
export const ROLES = {
  cognitiveServicesOpenAiUser: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Publishes telemetry to Application Insights with Entra ID (https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication). */
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  /**
   * Manages private DNS zones and record sets, and nothing else; at a record set's scope, that record set only
   * (https://learn.microsoft.com/azure/dns/dns-protect-private-zones-recordsets, "Record-level Azure RBAC";
   * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/networking#private-dns-zone-contributor).
   */
  privateDnsZoneContributor: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
  /**
   * What a function app's identity needs on its host storage for blob-based triggers (the timer's lease)
   * and on its deployment container (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
   */
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
} as const;

/** A GUID that is a stable function of `seed`: role assignment and app role ids must not change between runs. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface RoleGrant {
  readonly scope: pulumi.Input<string>;
  readonly principalId: pulumi.Input<string>;
  readonly role: keyof typeof ROLES;
  readonly subscriptionId: pulumi.Input<string>;
}

/**
 * A role assignment for a managed identity. Its name is a GUID derived from scope, principal and role, as
 * the Azure Verified Modules do (`guid(scope, principalId, roleDefinitionId)`): a replaced identity or
 * scope gets a new name, so the new assignment never collides with the one being deleted (ARM refuses a
 * second assignment under an existing name with RoleAssignmentExists / a changed principal with 400).
 */
export function grantRole(
  name: string,
  grant: RoleGrant,
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  const roleDefinitionId = pulumi.interpolate`/subscriptions/${grant.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[grant.role]}`;
  return new authorization.RoleAssignment(
    name,
    {
      roleAssignmentName: pulumi
        .all([grant.scope, grant.principalId, ROLES[grant.role]])
        .apply(([scope, principal, role]) => roleAssignmentName(scope, principal, role)),
      scope: grant.scope,
      principalId: grant.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId,
    },
    opts,
  );
}

/** The deterministic name of the assignment of `role` (definition GUID) to `principalId` at `scope`. */
export function roleAssignmentName(scope: string, principalId: string, role: string): string {
  return stableGuid(`${scope.toLowerCase()}/${principalId}/${role}`);
}

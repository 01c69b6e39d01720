/**
 * Azure RBAC grants to managed identities.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";

import { ROLES } from "../catalog/roles";

export { ROLES };

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

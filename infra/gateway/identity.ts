/**
 * The gateway's identity: a user-assigned managed identity, created and granted its roles before the
 * API Management service exists, so nothing the service does on its first run meets a role that has not
 * propagated yet. It calls the accounts, writes telemetry to Application Insights (Entra ID ingestion) and
 * reads a custom domain's certificate from a vault open to public networks.
 *
 * Why not the service's system-assigned identity: it exists only once the service does, so its grants
 * can only be made after the service. Azure RBAC changes can take up to 10 minutes to take effect
 * (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected),
 * so a first `pulumi up` would meet 403s. A user-assigned identity is granted first; the service, which
 * takes from several minutes (v2 tiers) to 30-45 minutes (Premium) to create, is declared after the grants.
 * The one read it cannot make is a firewalled Key Vault's: API Management reads those only as its
 * system-assigned identity, which ./systemIdentity.ts grants after the service and then waits for.
 * https://learn.microsoft.com/azure/api-management/api-management-howto-use-managed-service-identity
 */
import * as pulumi from "@pulumi/pulumi";
import { azureName } from "../naming";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { RoleGrant, grantRole } from "../identity";
import { Tags } from "../tags";
import { TYPES } from "../../catalog/types";

export interface GatewayIdentityArgs {
  readonly stack: string;
  readonly region: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly tags: Tags;
  /** Logical suffix -> what to grant the identity (on Application Insights, each account, a certificate's vault). */
  readonly grants: ReadonlyMap<string, Omit<RoleGrant, "principalId">>;
}

export interface GatewayIdentity {
  readonly identity: managedidentity.UserAssignedIdentity;
  /** Every role the identity holds: whatever reads with the identity depends on these. */
  readonly grants: readonly authorization.RoleAssignment[];
}

export function gatewayIdentity(name: string, args: GatewayIdentityArgs, parent: pulumi.Resource): GatewayIdentity {
  const identity = new managedidentity.UserAssignedIdentity(
    `${name}-identity`,
    {
      resourceName: azureName(TYPES.userAssignedIdentity, ["id", "aoai", args.stack, "gateway", args.region]),
      resourceGroupName: args.resourceGroupName,
      location: args.region,
      tags: args.tags,
    },
    { parent },
  );
  const grants = [...args.grants].map(([suffix, grant]) =>
    grantRole(`${name}-identity-${suffix}`, { ...grant, principalId: identity.principalId }, { parent }),
  );
  return { identity, grants };
}

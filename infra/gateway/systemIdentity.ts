/**
 * The service's system-assigned identity as the reader of a firewalled Key Vault.
 *
 * API Management reads a vault whose firewall is on only as its system-assigned identity: "You must use
 * the API Management instance's system-assigned managed identity to access the key vault", a user-assigned
 * one is refused (Key Vault firewall requirements, included in
 * https://learn.microsoft.com/azure/api-management/api-management-howto-properties#prerequisites-for-key-vault-integration).
 * That identity exists only once the service does, so its grant follows the service, and a Key Vault-backed
 * named value created right after the grant would meet a 403: role assignments take up to 10 minutes to take
 * effect (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected).
 * A wait of that length (the time provider's Sleep, created once, after the grant) stands between grant and value.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as time from "@pulumiverse/time";
import { grantRole } from "../identity";

/** How long RBAC may take to propagate (the troubleshooting page above: "up to 10 minutes"). */
export const ROLE_PROPAGATION_WAIT = "10m";

/** The identity type a service needs: its user-assigned identity, plus its own when it reads a firewalled vault. */
export function serviceIdentityType(readsFirewalledVault: boolean): "UserAssigned" | "SystemAssigned, UserAssigned" {
  return readsFirewalledVault ? "SystemAssigned, UserAssigned" : "UserAssigned";
}

export interface SystemIdentityGrantArgs {
  readonly service: apimanagement.ApiManagementService;
  /** ARM id of the vault the service reads. */
  readonly vaultId: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
}

/**
 * Grants the service's own identity Key Vault Secrets User on the vault and waits for the grant to take
 * effect; returns the wait, which every Key Vault-backed named value must follow.
 */
export function systemIdentityVaultGrant(
  name: string,
  args: SystemIdentityGrantArgs,
  parent: pulumi.Resource,
): time.Sleep {
  const principalId = args.service.identity.apply(i => {
    if (!i?.principalId) throw new Error(`API Management service ${name} has no system-assigned identity`);
    return i.principalId;
  });
  const grant = grantRole(
    `${name}-system-identity-vault-secrets-user`,
    { scope: args.vaultId, principalId, role: "keyVaultSecretsUser", subscriptionId: args.subscriptionId },
    { parent },
  );
  return new time.Sleep(
    `${name}-system-identity-propagation`,
    // A new principal (the service replaced) gets a new grant and waits again.
    { createDuration: ROLE_PROPAGATION_WAIT, triggers: { principalId } },
    { parent, dependsOn: [grant] },
  );
}

/**
 * Named values: secrets as Key Vault references, and the plain values the policy needs (account endpoints,
 * the Front Door id). Key Vault references carry no `identityClientId`: the service's system-assigned
 * identity reads them, the only identity API Management may read a firewalled vault with.
 * https://learn.microsoft.com/azure/api-management/api-management-howto-properties
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";

export interface ServiceRef {
  readonly serviceName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
}

/** The service's system-assigned identity reading the stack's vault (./systemIdentity.ts). */
export interface VaultReader {
  /**
   * What must exist before the identity can read the vault: its Key Vault role assignment and the wait for
   * it to propagate (a named value created before fails with 403) and, in private mode, the vault's private
   * endpoint and DNS in the gateway's regions (the vault refuses public access).
   */
  readonly ready: readonly pulumi.Resource[];
}

/** A secret named value backed by a versionless Key Vault secret URI (API Management refreshes it every 4 hours). */
export function vaultNamedValue(
  name: string,
  id: string,
  secretUri: pulumi.Input<string>,
  service: ServiceRef,
  reader: VaultReader,
  parent: pulumi.Resource,
): apimanagement.NamedValue {
  return new apimanagement.NamedValue(
    `${name}-nv-${id}`,
    {
      ...service,
      namedValueId: id,
      displayName: id,
      secret: true,
      // No identityClientId: the service's system-assigned identity reads the (firewalled) vault.
      keyVault: { secretIdentifier: secretUri },
    },
    { parent, dependsOn: [...reader.ready] },
  );
}

/** A plain (non-secret) named value. */
export function plainNamedValue(
  name: string,
  id: string,
  value: pulumi.Input<string>,
  service: ServiceRef,
  parent: pulumi.Resource,
): apimanagement.NamedValue {
  return new apimanagement.NamedValue(
    `${name}-nv-${id}`,
    {
      ...service,
      namedValueId: id,
      displayName: id,
      secret: false,
      value,
    },
    { parent },
  );
}

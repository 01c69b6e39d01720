/**
 * Named values: secrets as Key Vault references read with the gateway's user-assigned identity, and
 * the plain values the policy needs (account endpoints, the Front Door id).
 * https://learn.microsoft.com/azure/api-management/api-management-howto-properties
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";

export interface ServiceRef {
  readonly serviceName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
}

export interface VaultReader {
  /** The user-assigned identity API Management reads Key Vault with (its client id, which the named value must name). */
  readonly identityClientId: pulumi.Input<string>;
  /**
   * What must exist before the identity can read the vault: its Key Vault role assignment (a named value
   * created before it has propagated fails with 403) and, in private mode, the vault's private endpoint and
   * DNS in the gateway's regions (the vault refuses public access).
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
      keyVault: { secretIdentifier: secretUri, identityClientId: reader.identityClientId },
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

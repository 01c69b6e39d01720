/**
 * The Key Vault that holds the stack's secrets (account keys in key mode, the applications' subscription
 * keys). RBAC authorization, soft delete, purge protection, its firewall on in every mode and its audit log
 * in the workspace; APIM reads it as the service's system-assigned identity via Key Vault-backed named
 * values (../gateway/systemIdentity.ts), so no secret is ever in policy XML.
 */
import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { azureName } from "./naming";
import { diagnosticSetting } from "./observability";
import { resourceGroup } from "./resourceGroup";
import { Tags, roleTags } from "./tags";
import { TYPES } from "../catalog/types";

export interface SecretVaultArgs {
  readonly stack: string;
  readonly region: string;
  readonly tenantId: pulumi.Input<string>;
  readonly nameSuffix: pulumi.Input<string>;
  readonly commonTags: Tags;
  readonly privateNetwork: boolean;
  readonly protect: boolean;
  /** Where the vault's audit log (every secret read, every access refused) goes. */
  readonly workspaceId: pulumi.Input<string>;
  /** Secret name -> value. */
  readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
}

export class SecretVault extends pulumi.ComponentResource {
  public readonly vault: keyvault.Vault;
  /**
   * Secret name -> versionless secret URI (APIM picks up a rotated secret without a redeploy).
   */
  public readonly secretUris: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: SecretVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:keyvault:SecretVault", name, {}, opts);
    const tags = roleTags(args.commonTags, "vault");
    const rg = resourceGroup(
      name,
      { stack: args.stack, purpose: "vault", region: args.region, tags },
      { parent: this, protect: args.protect },
    );
    this.vault = new keyvault.Vault(
      `${name}-vault`,
      {
        // 3-24 characters, globally unique; the region keeps a vault in another region from meeting this one's name.
        vaultName: pulumi
          .output(args.nameSuffix)
          .apply(s => azureName(TYPES.vault, ["kv", args.stack, args.region], s)),
        resourceGroupName: rg.name,
        location: args.region,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          enablePurgeProtection: true,
          // Private mode: private endpoints only. Public mode: the firewall admits no network (no IP rule, no
          // virtual network rule); the gateway reads nothing here then (managed identity to the accounts,
          // Entra ID to Application Insights), and a reader adds its address for the time it needs one.
          // https://learn.microsoft.com/azure/key-vault/general/network-security
          publicNetworkAccess: args.privateNetwork ? "Disabled" : "Enabled",
          networkAcls: { bypass: "AzureServices", defaultAction: "Deny" },
        },
        tags,
      },
      { parent: this, protect: args.protect },
    );
    diagnosticSetting(`${name}-diagnostics`, this.vault.id, args.workspaceId, { parent: this });
    this.secretUris = Object.fromEntries(
      Object.entries(args.secrets).map(([secretName, value]) => {
        const secret = new keyvault.Secret(
          `${name}-${secretName}`,
          {
            secretName,
            vaultName: this.vault.name,
            resourceGroupName: rg.name,
            properties: { value: pulumi.secret(value), contentType: "text/plain" },
            tags,
          },
          { parent: this },
        );
        return [secretName, secret.properties.secretUri];
      }),
    );
    this.registerOutputs({ vaultId: this.vault.id, vaultUri: this.vault.properties.vaultUri });
  }
}

/**
 * Security baseline: the vault that holds the gateway's secrets cannot be purged before its retention
 * ends, and grants access through Azure RBAC (auditable role assignments) rather than access policies.
 * The topology's vaults only: other teams choose their own vault settings.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../catalog/types";
import { requireTopology } from "../lib/scope";
import { VaultInputs } from "../lib/shapes";
import { validateResourcesOf } from "../lib/validation";

export const keyVaultHardening: ResourceValidationPolicy = {
  name: "key-vault-hardening",
  description:
    "The topology's Key Vaults have purge protection and RBAC authorization enabled. Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "mandatory",
  validateResource: validateResourcesOf<VaultInputs>(TYPES.vault, (vault, args, report) => {
    requireTopology(args);
    const missing = [
      vault.properties?.enablePurgeProtection !== true && "properties.enablePurgeProtection",
      vault.properties?.enableRbacAuthorization !== true && "properties.enableRbacAuthorization",
    ].filter((s): s is string => s !== false);
    if (missing.length > 0)
      report(
        `Key Vault '${args.name}' lacks ${missing.join(" and ")}: set ${missing.map(m => `${m}: true`).join(" and ")}.`,
      );
  }),
};

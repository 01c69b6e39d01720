/**
 * BCDR rule 5, secrets: every secret named value of API Management is a reference to a Key Vault secret,
 * read with the gateway's managed identity, never a value stored in API Management (or in the stack).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../catalog/types";
import { known } from "../lib/resources";
import { secretShape } from "../lib/secrets";
import { NamedValueInputs } from "../lib/shapes";
import { validateResourcesOf } from "../lib/validation";

export const keyVaultNamedValues: ResourceValidationPolicy = {
  name: "key-vault-named-values",
  description:
    "Secret API Management named values are Key Vault references; no secret is stored as a plain named value. Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "mandatory",
  validateResource: validateResourcesOf<NamedValueInputs>(TYPES.namedValue, (namedValue, args, report) => {
    const id = namedValue.namedValueId ?? args.name;
    // Only whether an identifier is set matters here: in a preview its value may not be known yet.
    const backed = namedValue.keyVault !== undefined && "secretIdentifier" in namedValue.keyVault;
    if (namedValue.secret === true && !backed) {
      report(
        `Secret named value '${id}' is stored in API Management: set keyVault.secretIdentifier to the secret's versionless Key Vault URI ` +
          `(https://<vault>.vault.azure.net/secrets/<name>) and remove value.`,
      );
      return;
    }
    const plain = namedValue.secret === true ? undefined : known(() => namedValue.value);
    const shape = typeof plain === "string" ? secretShape(plain) : undefined;
    if (shape) {
      report(
        `Named value '${id}' holds ${shape} in plain text: store it in Key Vault and make this a secret named value with keyVault.secretIdentifier.`,
      );
    }
  }),
};

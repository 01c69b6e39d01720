/**
 * Secrets of API Management named values.
 *   - Every stack: no named value holds a credential in plain text, where anyone who reads the service or
 *     the stack's state reads it too. A value that is no string (or not known yet) is not judged.
 *   - The topology's gateways (BCDR rule 5): every secret named value is a reference to a Key Vault secret,
 *     read with the gateway's managed identity. Another team may keep a secret in API Management's own
 *     encrypted store, which the service supports
 *     (https://learn.microsoft.com/azure/api-management/api-management-howto-properties#value-type).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../catalog/types";
import { known } from "../lib/resources";
import { inTopology } from "../lib/scope";
import { secretShape } from "../lib/secrets";
import { NamedValueInputs } from "../lib/shapes";
import { validateResourcesOf } from "../lib/validation";

export const keyVaultNamedValues: ResourceValidationPolicy = {
  name: "key-vault-named-values",
  description:
    "Every stack: no API Management named value holds a secret in plain text. The topology's gateways: secret named values are Key Vault references. " +
    "Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "mandatory",
  validateResource: validateResourcesOf<NamedValueInputs>(TYPES.namedValue, (namedValue, args, report) => {
    const namedValueId = known(() => namedValue.namedValueId);
    const id = typeof namedValueId === "string" ? namedValueId : args.name;
    // Only whether an identifier is set matters here: in a preview its value may not be known yet.
    const keyVault = known(() => namedValue.keyVault);
    const backed = typeof keyVault === "object" && "secretIdentifier" in keyVault;
    const secret = known(() => namedValue.secret);
    if (secret === true && !backed && inTopology(args)) {
      report(
        `Secret named value '${id}' is stored in API Management: set keyVault.secretIdentifier to the secret's versionless Key Vault URI ` +
          `(https://<vault>.vault.azure.net/secrets/<name>) and remove value.`,
      );
      return;
    }
    const plain = secret === false || secret === undefined ? known(() => namedValue.value) : undefined;
    const shape = typeof plain === "string" ? secretShape(plain) : undefined;
    if (shape) {
      report(
        `Named value '${id}' holds ${shape} in plain text: store it in Key Vault and make this a secret named value with keyVault.secretIdentifier.`,
      );
    }
  }),
};

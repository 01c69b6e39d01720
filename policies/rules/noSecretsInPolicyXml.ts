/**
 * BCDR rule 5, secrets: a policy document holds no credential. Keys and passwords are named values backed
 * by Key Vault (`{{name}}`), which API Management resolves at run time and rotates without a redeploy.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isPolicyDocumentType } from "../lib/gateway";
import { PolicyElement, descendants, parsePolicyDocument } from "../lib/policyXml";
import { CREDENTIAL_ATTRIBUTES, CREDENTIAL_HEADERS, isReference, secretShape } from "../lib/secrets";
import { PolicyDocumentInputs } from "../lib/shapes";
import { validateResourcesOf } from "../lib/validation";

const FIX = "reference a secret named value backed by Key Vault ({{name}}) instead";

/** A header or query parameter that carries a credential (`api-key`, `Authorization`, ...). */
const setsCredential = (e: PolicyElement) =>
  (e.name === "set-header" || e.name === "set-query-parameter") &&
  CREDENTIAL_HEADERS.has((e.attributes.name ?? "").toLowerCase());

/** What in one element is a literal credential. */
function literalCredentials(e: PolicyElement): string[] {
  if (setsCredential(e)) {
    return e.children.some(c => c.name === "value" && !isReference(c.text))
      ? [`<${e.name} name="${e.attributes.name}"> sets a literal value`]
      : [];
  }
  // A credential's value is judged with its header, above.
  if (e.parent && setsCredential(e.parent)) return [];
  const found = Object.entries(e.attributes).flatMap(([name, value]) =>
    CREDENTIAL_ATTRIBUTES.has(name.toLowerCase()) && !isReference(value)
      ? [`<${e.name}> has a literal ${name}`]
      : secretShape(value)
        ? [`<${e.name}> attribute ${name} holds ${secretShape(value)}`]
        : [],
  );
  const inText = secretShape(e.text);
  return inText ? [...found, `<${e.name}> holds ${inText}`] : found;
}

export const noSecretsInPolicyXml: ResourceValidationPolicy = {
  name: "no-secrets-in-policy-xml",
  description:
    "API Management policy documents hold no secret literal: credentials come from Key Vault-backed named values. Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "mandatory",
  validateResource: validateResourcesOf<PolicyDocumentInputs>(isPolicyDocumentType, (document, args, report) => {
    const parsed = parsePolicyDocument(document.value ?? "", document.format);
    if ("error" in parsed) {
      report(
        `Policy '${args.name}' is not well-formed XML (${parsed.error}), so it cannot be checked for secrets: fix the document.`,
      );
      return;
    }
    for (const finding of new Set(descendants(parsed.root).flatMap(literalCredentials))) {
      report(`Policy '${args.name}': ${finding}; ${FIX}.`);
    }
  }),
};

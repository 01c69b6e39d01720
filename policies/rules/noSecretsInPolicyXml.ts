/**
 * BCDR rule 5, secrets, on every stack: a policy document holds no credential. Keys and passwords are named
 * values backed by Key Vault (`{{name}}`), which API Management resolves at run time and rotates without a
 * redeploy. A literal credential is wrong in any team's policy, so this rule judges every stack, and reads
 * only what it understands there: a document fetched from a URL (`xml-link`, `rawxml-link`:
 * https://learn.microsoft.com/rest/api/apimanagement/api-policy/create-or-update#policycontentformat) or
 * not known yet is not judged; one that is not well-formed XML is read as text for credential shapes, and
 * refused as unreadable only in the topology (API Management itself refuses it on deploy).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isPolicyDocumentType } from "../lib/gateway";
import { PolicyElement, descendants, parsePolicyDocument } from "../lib/policyXml";
import { known } from "../lib/resources";
import { inTopology } from "../lib/scope";
import { CREDENTIAL_ATTRIBUTES, CREDENTIAL_HEADERS, isReference, secretShape } from "../lib/secrets";
import { PolicyDocumentInputs } from "../lib/shapes";
import { validateResourcesOf } from "../lib/validation";

const FIX = "reference a secret named value backed by Key Vault ({{name}}) instead";

/** Formats whose value is the URL the service fetches the document from. */
const LINK_FORMAT = /-link$/i;

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
    "Every stack: API Management policy documents hold no secret literal; credentials come from Key Vault-backed named values. Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "mandatory",
  validateResource: validateResourcesOf<PolicyDocumentInputs>(isPolicyDocumentType, (document, args, report) => {
    const [value, format] = [known(() => document.value), known(() => document.format)];
    if (typeof format === "string" && LINK_FORMAT.test(format))
      args.notApplicable("the document is fetched from a URL");
    if (typeof value !== "string" || (format !== undefined && typeof format !== "string"))
      return args.notApplicable("the document is not known yet; the update decides");
    const parsed = parsePolicyDocument(value, format);
    if ("error" in parsed) {
      const shape = secretShape(value);
      if (shape) report(`Policy '${args.name}' holds ${shape} (read as text: not well-formed XML); ${FIX}.`);
      else if (inTopology(args))
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

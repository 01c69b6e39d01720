/**
 * What a secret looks like where only a reference should be: in policy XML and in named values.
 * A reference is a named value (`{{name}}`, resolved by API Management from Key Vault) or a policy
 * expression that reads one at run time.
 */

/** Shapes of credentials that are never legitimate as literals. */
const SECRET_SHAPES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  {
    what: "a connection string with a key",
    pattern: /\b(AccountKey|SharedAccessKey|InstrumentationKey|Password|Pwd)\s*=\s*[^;{\s]{8,}/i,
  },
  { what: "a SAS token", pattern: /[?&]sig=[A-Za-z0-9%+/=]{16,}/ },
  { what: "a JSON web token", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  { what: "a Bearer or Basic credential", pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/ },
  // Azure OpenAI and Cognitive Services keys: 32 hex digits, or the newer 84-character base62 keys.
  { what: "an API key", pattern: /(?<![A-Za-z0-9-])([0-9a-f]{32}|[A-Za-z0-9]{84})(?![A-Za-z0-9-])/ },
];

/** What kind of secret `text` contains, if it looks like it contains one. */
export function secretShape(text: string): string | undefined {
  return SECRET_SHAPES.find(s => s.pattern.test(text))?.what;
}

/** Whether `value` is a reference rather than a literal: a `{{named value}}` or a `@(...)`/`@{...}` expression. */
export function isReference(value: string): boolean {
  const v = value.trim();
  return /^\{\{[A-Za-z0-9._-]+\}\}$/.test(v) || /^@[({]/.test(v);
}

/** Header and attribute names that carry credentials. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "api-key",
  "authorization",
  "ocp-apim-subscription-key",
  "x-functions-key",
  "x-api-key",
]);
export const CREDENTIAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "password",
  "secret",
  "client-secret",
  "certificate-password",
]);

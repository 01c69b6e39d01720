/**
 * Runs a generated policy expression in JavaScript: a literal translation of the few C# forms the policy's
 * expressions use (string, Regex, Jwt claims, headers, variables, a JSON body, the walk's arithmetic, the
 * elapsed time and the last error). A form
 * the translation does not know is left as is and fails the test, so the expressions stay in this subset.
 */

/** What an expression may read: claims of the validated token, request, response, context variables. */
export interface EvalContext {
  readonly claims?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly path?: string;
  readonly method?: string;
  /** The request body as sent (JSON text), or undefined for none. */
  readonly body?: string;
  readonly status?: number;
  readonly variables?: Readonly<Record<string, string>>;
  /** Seconds since the request arrived (`context.Elapsed`). */
  readonly elapsed?: number;
  /** `context.LastError` in on-error. */
  readonly source?: string;
  readonly reason?: string;
}

/** Whether a JSON value holds `key` at any depth (JSONPath `$..key`). */
function hasKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== "object") return false;
  if (!Array.isArray(value) && key in value) return true;
  return Object.values(value).some(v => hasKey(v, key));
}

const REWRITES: readonly [RegExp, string][] = [
  [/\(int\)context\.Elapsed\.TotalSeconds/g, "Math.floor(ctx.elapsed)"],
  [/context\.Elapsed\.TotalSeconds/g, "ctx.elapsed"],
  [/context\.LastError\.Source/g, "ctx.source"],
  [/context\.LastError\.Reason/g, "ctx.reason"],
  [/int\.Parse\(/g, "Number("],
  [/Math\.Max\(/g, "Math.max("],
  [/Math\.Min\(/g, "Math.min("],
  [/\.ToString\(\)/g, ".toString()"],
  [/\(Jwt\)context\.Variables\["caller-token"\]/g, "ctx.token"],
  [/token\.Claims\.GetValueOrDefault\(("[^"]*"), ""\)/g, "(ctx.claims[$1] ?? '')"],
  [/context\.Request\.Headers\.GetValueOrDefault\(("[^"]*"), ""\)/g, "(ctx.headers[$1] ?? '')"],
  [/context\.Variables\.GetValueOrDefault<string>\(("[^"]*"), ""\)/g, "(ctx.variables[$1] ?? '')"],
  [/\(string\)context\.Variables\[("[^"]*")\]/g, "ctx.variable($1)"],
  [/context\.Request\.OriginalUrl\.Path/g, "ctx.path"],
  [/context\.Request\.Method/g, "ctx.method"],
  [/context\.Request\.Body == null/g, "ctx.body === undefined"],
  [/context\.Request\.Body\.As<JObject>\(preserveContent: true\)/g, "JSON.parse(ctx.body)"],
  [/context\.Response\.StatusCode/g, "ctx.status"],
  [/Regex\.Match\(([^,]+), ("[^"]*")\)/g, "$1.match(new RegExp($2))"],
  [/Regex\.IsMatch\(([^,]+), ("[^"]*")\)/g, "new RegExp($2).test($1)"],
  [/(\w+)\.Groups\[(\d)\]\.Value/g, "($1[$2] ?? '')"],
  [/(\w+)\.Groups\[(\d)\]\.Success/g, "($1[$2] !== undefined)"],
  [/(\w+)\.Success/g, "($1 !== null)"],
  [/(\w+)\.Type == JTokenType\.String/g, "typeof $1 === 'string'"],
  [/(\w+)\.SelectToken\("\$\.\.(\w+)"\) != null/g, "ctx.hasKey($1, '$2')"],
  [/catch \(Exception\)/g, "catch (e)"],
  [/\.Select\((\w+) => \w+\.Trim\(\)\)\.ToArray\(\)/g, ".map($1 => $1.trim())"],
  [/\.Split\(/g, ".split("],
  [/\.Trim\(\)/g, ".trim()"],
  [/\.ToLowerInvariant\(\)/g, ".toLowerCase()"],
  [/\.Length\b/g, ".length"],
  [/\.Contains\(/g, ".includes("],
  [/\.IndexOf\(/g, ".indexOf("],
  [/\.LastIndexOf\(/g, ".lastIndexOf("],
  [/\.Substring\(/g, ".substr("],
  [/string\.Empty/g, "''"],
  [/\bvar\b/g, "let"],
];

/** The JavaScript body of an `@{ ... }` or `@( ... )` expression. */
export function translate(expression: string): string {
  const block = expression.match(/^@\{([\s\S]*)\}$/);
  const code = block ? block[1] : `return ${expression.replace(/^@\(([\s\S]*)\)$/, "$1")};`;
  const js = REWRITES.reduce((acc, [from, to]) => acc.replace(from, to), code);
  const leftover = js.match(/context\.|Jwt|JObject|JTokenType|Regex\.|\.[A-Z]\w*\(/);
  if (leftover) throw new Error(`untranslated C# (${leftover[0]}) in:\n${js}`);
  return js;
}

/** Evaluates a generated expression against a request. */
export function evaluate(expression: string, c: EvalContext): unknown {
  const variables = c.variables ?? {};
  const ctx = {
    token: {},
    claims: c.claims ?? {},
    headers: c.headers ?? {},
    path: c.path ?? "/",
    method: c.method ?? "GET",
    body: c.body,
    status: c.status ?? 200,
    elapsed: c.elapsed ?? 0,
    source: c.source,
    reason: c.reason,
    variables,
    hasKey,
    variable: (name: string) => {
      if (!(name in variables)) throw new Error(`variable ${name} is not set`);
      return variables[name];
    },
  };
  return new Function("ctx", translate(expression))(ctx);
}

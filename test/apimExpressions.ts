/**
 * What APIM policy expressions may use, as data, and a checker for every expression a policy emits.
 * Source: "API Management policy expressions", sections ".NET Framework types allowed in policy
 * expressions" and "Context variable":
 * https://learn.microsoft.com/azure/api-management/api-management-policy-expressions
 * (MicrosoftDocs/azure-docs articles/api-management/api-management-policy-expressions.md).
 * The checker is deliberately narrow: it knows the constructs the generator uses and refuses anything
 * it cannot place on the list, so a new construct needs a look at the reference before it passes.
 */

/** "All" members, or the listed ones only. */
type Members = "All" | readonly string[];

/** .NET types by the name an expression uses (the subset of the documented table our expressions may need, plus C# aliases). */
export const ALLOWED_TYPES: Readonly<Record<string, Members>> = {
  // Newtonsoft.Json
  JsonConvert: ["SerializeObject", "DeserializeObject"],
  JArray: "All",
  JObject: "All",
  JProperty: "All",
  JToken: "All",
  JTokenType: "All",
  JValue: "All",
  // System
  Array: "All",
  BitConverter: "All",
  Boolean: "All",
  bool: "All",
  Byte: "All",
  byte: "All",
  Char: "All",
  char: "All",
  Convert: "All",
  DateTime: [
    "Add",
    "AddDays",
    "AddHours",
    "AddMilliseconds",
    "AddMinutes",
    "AddMonths",
    "AddSeconds",
    "AddTicks",
    "AddYears",
    "Date",
    "Day",
    "DayOfWeek",
    "DayOfYear",
    "DaysInMonth",
    "Hour",
    "IsDaylightSavingTime",
    "IsLeapYear",
    "MaxValue",
    "Millisecond",
    "Minute",
    "MinValue",
    "Month",
    "Now",
    "Parse",
    "Second",
    "Subtract",
    "Ticks",
    "TimeOfDay",
    "Today",
    "ToString",
    "UtcNow",
    "Year",
  ],
  DateTimeOffset: "All",
  Decimal: "All",
  decimal: "All",
  Double: "All",
  double: "All",
  Exception: "All",
  Guid: "All",
  Int16: "All",
  short: "All",
  Int32: "All",
  int: "All",
  Int64: "All",
  long: "All",
  Math: "All",
  Nullable: "All",
  Random: "All",
  Single: "All",
  float: "All",
  String: "All",
  string: "All",
  StringComparer: "All",
  StringComparison: "All",
  StringSplitOptions: "All",
  TimeSpan: "All",
  Uri: "All",
  Encoding: "All",
  StringBuilder: "All",
  Enumerable: "All",
  Dictionary: "All",
  HashSet: "All",
  List: "All",
  IEnumerable: "All",
  KeyValuePair: "All",
  Regex: ["Match", "Matches", "IsMatch", "Replace", "Unescape", "Split"],
  // APIM's own types: Jwt from the context-variable table of the policy-expressions page;
  Jwt: [
    "Algorithm",
    "Audiences",
    "Claims",
    "ExpirationTime",
    "Id",
    "Issuer",
    "IssuedAt",
    "NotBefore",
    "Subject",
    "Type",
  ],
  // IResponse is what send-request stores in response-variable-name ("response-variable-name: ... of type
  // IResponse"), https://learn.microsoft.com/azure/api-management/send-request-policy; its members are the
  // context table's Response members (Body, Headers, StatusCode, StatusReason).
  IResponse: ["Body", "Headers", "StatusCode", "StatusReason"],
};

/** Members of APIM's types reached through `context`: a nested object, or the name of a type whose members are listed below. */
type Node = { readonly [member: string]: Node | string };
const IURL: Node = {
  Host: "string",
  Path: "string",
  Port: "int",
  Query: "dictionary",
  QueryString: "string",
  Scheme: "string",
};
const BODY = "IMessageBody";
export const CONTEXT: Node = {
  Api: {
    Id: "string",
    IsCurrentRevision: "bool",
    Name: "string",
    Path: "string",
    Revision: "string",
    ServiceUrl: IURL,
    Version: "string",
  },
  Deployment: { GatewayId: "string", Region: "string", ServiceName: "string", Certificates: "dictionary" },
  Elapsed: "TimeSpan",
  LastError: {
    Source: "string",
    Reason: "string",
    Message: "string",
    Scope: "string",
    Section: "string",
    Path: "string",
    PolicyId: "string",
  },
  Operation: { Id: "string", Method: "string", Name: "string", UrlTemplate: "string" },
  Product: {
    Apis: "enumerable",
    ApprovalRequired: "bool",
    Groups: "enumerable",
    Id: "string",
    Name: "string",
    State: "enum",
    SubscriptionLimit: "int",
    SubscriptionRequired: "bool",
  },
  Request: {
    Body: BODY,
    Certificate: "X509Certificate2",
    Headers: "dictionary",
    IpAddress: "string",
    MatchedParameters: "dictionary",
    Method: "string",
    OriginalUrl: IURL,
    Url: IURL,
    PrivateEndpointConnection: "object",
  },
  RequestId: "Guid",
  Response: { Body: BODY, Headers: "dictionary", StatusCode: "int", StatusReason: "string" },
  Subscription: {
    CreatedDate: "DateTime",
    EndDate: "DateTime",
    Id: "string",
    Key: "string",
    Name: "string",
    PrimaryKey: "string",
    SecondaryKey: "string",
    StartDate: "DateTime",
  },
  Timestamp: "DateTime",
  Tracing: "bool",
  User: {
    Email: "string",
    FirstName: "string",
    Groups: "enumerable",
    Id: "string",
    Identities: "enumerable",
    LastName: "string",
    Note: "string",
    RegistrationDate: "DateTime",
  },
  Variables: "variables",
};

/** Members of the typed leaves above that expressions may call (IReadOnlyDictionary is "All" in the .NET table). */
const LEAF_MEMBERS: Readonly<Record<string, Members>> = {
  [BODY]: ["As"],
  dictionary: "All",
  variables: "All",
  string: "All",
  int: "All",
  bool: "All",
  Guid: "All",
  DateTime: ALLOWED_TYPES.DateTime,
  TimeSpan: "All",
  enumerable: "All",
};

/** `Body.As<T>` accepts these T only (IMessageBody). */
export const BODY_AS_TYPES = ["string", "byte[]", "JObject", "JToken", "JArray", "XNode", "XElement", "XDocument"];

const KEYWORDS = new Set(["var", "return", "if", "else", "out", "null", "true", "false", "new", "context", "typeof"]);

/** Replaces string and char literals by `"S"` so their content is never read as code. */
function stripLiterals(code: string): string {
  return code.replace(/@"(?:[^"]|"")*"|"(?:[^"\\]|\\.)*"/g, '"S"').replace(/'(?:[^'\\]|\\.)'/g, "'C'");
}

/** The text of the call's arguments starting at `open` (the index of its `(`), split at top-level commas. */
function callArguments(code: string, open: number): string[] {
  let depth = 0;
  const args: string[] = [];
  let current = "";
  for (let i = open; i < code.length; i++) {
    const ch = code[i];
    if (ch === "(") {
      if (depth++ > 0) current += ch;
      continue;
    }
    if (ch === ")") {
      if (--depth === 0) {
        args.push(current.trim());
        return args;
      }
      current += ch;
      continue;
    }
    if (ch === "," && depth === 1) {
      args.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  throw new Error(`unbalanced call at ${open} in ${code}`);
}

function allowed(members: Members | undefined, member: string): boolean {
  return members !== undefined && (members === "All" || members.includes(member));
}

/** Checks `context.A.B...` chains against the context table. */
function checkContextChains(code: string, problems: string[]): void {
  for (const m of code.matchAll(/\bcontext((?:\.[A-Za-z_]\w*)+)/g)) {
    const path = m[1].slice(1).split(".");
    let node: Node | string = CONTEXT;
    for (const [i, member] of path.entries()) {
      if (typeof node === "string") {
        if (!allowed(LEAF_MEMBERS[node], member))
          problems.push(`context.${path.slice(0, i + 1).join(".")}: ${member} is not a documented member of ${node}`);
        break;
      }
      const next: Node | string | undefined = node[member];
      if (next === undefined) {
        problems.push(`context.${path.slice(0, i + 1).join(".")} is not a documented context member`);
        break;
      }
      node = next;
    }
  }
}

/** Documented signatures whose argument types matter. */
function checkSignatures(code: string, problems: string[]): void {
  // Claims, Headers, Query: GetValueOrDefault(name: string, default: string) returns the values comma-separated.
  for (const m of code.matchAll(/\b(Claims|Headers|Query)\.GetValueOrDefault\(/g)) {
    const args = callArguments(code, m.index! + m[0].length - 1);
    if (args.length !== 2 || !/^"S"$|^string\.Empty$/.test(args[1])) {
      problems.push(`${m[1]}.GetValueOrDefault takes (string name, string defaultValue); got (${args.join(", ")})`);
    }
  }
  // Variables.GetValueOrDefault<T>(name, default) or (name) per the context table.
  for (const m of code.matchAll(/\bVariables\.GetValueOrDefault<([^>]+)>\(/g)) {
    const args = callArguments(code, m.index! + m[0].length - 1);
    if (args.length < 1 || args.length > 2 || args[0] !== '"S"')
      problems.push(`Variables.GetValueOrDefault<${m[1]}> takes (string name[, ${m[1]} defaultValue])`);
  }
  for (const m of code.matchAll(/\.As<([^>]+)>\(/g)) {
    if (!BODY_AS_TYPES.includes(m[1])) problems.push(`Body.As<${m[1]}>: T must be one of ${BODY_AS_TYPES.join(", ")}`);
  }
}

/** `(T)x.Variables["v"].Member` casts the member's result, not the variable: C# precedence. */
function checkCastPrecedence(code: string, problems: string[]): void {
  for (const m of code.matchAll(/\(\s*([A-Za-z_]\w*)\s*\)\s*(context(?:\.\w+)*\[[^\]]*\])\s*\.\s*(\w+)/g)) {
    problems.push(`(${m[1]})${m[2]}.${m[3]}: the cast applies to .${m[3]}, not to the variable; parenthesize the cast`);
  }
}

/** Every type the expression names (casts, generics, static access, `new`) must be on the list. */
function checkTypes(code: string, problems: string[]): void {
  const typeUses = [
    ...[...code.matchAll(/(?<![.\w])([A-Za-z_]\w*)\s*\.\s*([A-Za-z_]\w*)/g)].map(m => ({ type: m[1], member: m[2] })),
    ...[...code.matchAll(/\(\s*([A-Za-z_]\w*)(?:\[\])?\s*\)\s*[\w(]/g)].map(m => ({ type: m[1], member: undefined })),
    ...[...code.matchAll(/<\s*([A-Za-z_]\w*)(?:\[\])?\s*>/g)].map(m => ({ type: m[1], member: undefined })),
    ...[...code.matchAll(/\bnew\s+([A-Za-z_]\w*)/g)].map(m => ({ type: m[1], member: undefined })),
  ];
  for (const { type, member } of typeUses) {
    if (KEYWORDS.has(type)) continue;
    const isTypeName =
      /^[A-Z]/.test(type) ||
      type in ALLOWED_TYPES ||
      ["object", "dynamic", "uint", "ulong", "ushort", "sbyte"].includes(type);
    if (!isTypeName) continue; // a local variable (roles, r, known...)
    const members = ALLOWED_TYPES[type];
    if (members === undefined) problems.push(`type ${type} is not allowed in policy expressions`);
    else if (member !== undefined && !allowed(members, member))
      problems.push(`${type}.${member} is not an allowed member`);
  }
}

/** Problems found in one policy expression (`@(...)` or `@{...}`); empty when it only uses the allowed list. */
export function expressionProblems(expression: string): string[] {
  const code = stripLiterals(expression);
  const problems: string[] = [];
  checkContextChains(code, problems);
  checkSignatures(code, problems);
  checkTypes(code, problems);
  checkCastPrecedence(code, problems);
  return problems;
}

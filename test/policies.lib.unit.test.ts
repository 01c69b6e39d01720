/**
 * The pack's pure helpers: ARM ids, policy XML in both formats, secret shapes, status conditions, TLS versions,
 * what the topology rules judge.
 */
import { namesResource, parseArmId } from "../policies/lib/armId";
import { descendants, escapeExpressions, parsePolicyDocument } from "../policies/lib/policyXml";
import { isReference, secretShape } from "../policies/lib/secrets";
import { admitsStatus } from "../policies/lib/statusCondition";
import { tlsVersion } from "../policies/rules/minimumTls";
import { inTopology } from "../policies/lib/scope";
import { UnknownValueError } from "../policies/lib/sdk";
import { networkMode } from "../policies/lib/network";
import { TYPES } from "../catalog/types";

describe("ARM ids", () => {
  const backend =
    "/subscriptions/0000/resourceGroups/rg-gw/providers/Microsoft.ApiManagement/service/apim-x/backends/standard-primary/";

  test("parse into type chain and names", () => {
    expect(parseArmId(backend)).toEqual({
      subscriptionId: "0000",
      resourceGroup: "rg-gw",
      type: "Microsoft.ApiManagement/service/backends",
      names: ["apim-x", "standard-primary"],
    });
    expect(parseArmId("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Cdn/profiles")).toBeUndefined();
    expect(parseArmId("standard-primary")).toBeUndefined();
  });

  test("name a resource by type and name, case-insensitively", () => {
    expect(namesResource(backend, "microsoft.apimanagement/service/backends", () => "Standard-Primary")).toBe(true);
    expect(namesResource(backend, "Microsoft.ApiManagement/service/backends", () => "standard-secondary")).toBe(false);
    expect(namesResource(backend, "Microsoft.ApiManagement/service", () => "standard-primary")).toBe(false);
    expect(namesResource(backend, "Microsoft.ApiManagement/service/backends", () => undefined)).toBe(false);
  });
});

describe("policy documents", () => {
  test("rawxml: expressions are escaped up to their closing bracket, past brackets in C# literals", () => {
    const raw = `<when condition="@(context.Variables["x"] == ")" && 1 < 2)"><set-body>@{ return "}"; }</set-body></when>`;
    expect(escapeExpressions(raw)).toBe(
      `<when condition="@(context.Variables[&quot;x&quot;] == &quot;)&quot; &amp;&amp; 1 &lt; 2)"><set-body>@{ return &quot;}&quot;; }</set-body></when>`,
    );
    const parsed = parsePolicyDocument(raw, "rawxml");
    if (!("root" in parsed)) throw new Error(parsed.error);
    expect(parsed.root.attributes.condition).toBe(`@(context.Variables["x"] == ")" && 1 < 2)`);
    expect(parsed.root.children[0]).toMatchObject({ name: "set-body", text: `@{ return "}"; }` });
  });

  test("xml: entities decoded, comments kept as elements, parents linked", () => {
    const parsed = parsePolicyDocument(
      `<policies><!-- note --><retry condition="@(a &gt;= 500)"><forward-request/></retry></policies>`,
    );
    if (!("root" in parsed)) throw new Error(parsed.error);
    expect(descendants(parsed.root).map(e => e.name)).toEqual(["policies", "#comment", "retry", "forward-request"]);
    expect(descendants(parsed.root)[2].attributes.condition).toBe("@(a >= 500)");
    expect(descendants(parsed.root)[3].parent?.name).toBe("retry");
  });

  test("a document that is not XML is an error, with its line", () => {
    expect(parsePolicyDocument("<policies>\n<inbound></policies>")).toEqual({
      error: expect.stringMatching(/^line 2: .*'inbound'/),
    });
    expect(parsePolicyDocument(`<a b="@(x["y"])"/>`, "xml")).toEqual({ error: expect.stringMatching(/^line 1:/) });
  });
});

describe("secrets", () => {
  test.each([
    ["0123456789abcdef0123456789abcdef", "an API key"],
    ["DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abcdEFGH1234==", "a connection string with a key"],
    ["https://x.blob.core.windows.net/c?sv=2022&sig=AbCdEfGhIjKlMnOpQrSt%3D", "a SAS token"],
    ["Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl", "a JSON web token"],
    ["-----BEGIN RSA PRIVATE KEY-----", "a private key"],
  ])("%s looks like %s", (text, what) => expect(secretShape(text)).toBe(what));

  test.each([
    "11111111-1111-4111-8111-111111111111",
    "https://kv-prod.vault.azure.net/secrets/openai-key-standard-primary",
    "InstrumentationKey={{appinsights-key}}",
    '@(context.Request.Headers.GetValueOrDefault("x"))',
    "apim-prod-znjywi",
  ])("%s does not", text => expect(secretShape(text)).toBeUndefined());

  test("references are named values and policy expressions", () => {
    expect(
      ["{{openai-key-x}}", " {{a.b_c-d}} ", '@(context.Variables["k"])', "@{ return 1; }"].every(isReference),
    ).toBe(true);
    expect(["abc", "{{a}}{{b}}", "prefix {{a}}"].some(isReference)).toBe(false);
  });
});

describe("conditions and versions", () => {
  test.each([
    ["context.Response.StatusCode == 429 || context.Response.StatusCode >= 500", true, true],
    ["status >= 429", true, true],
    ["status > 499", false, true],
    ["status == 503", false, false],
    ["status == 429", true, false],
  ])("%s admits 429: %s, 500: %s", (condition, on429, on500) => {
    expect(admitsStatus(condition, 429)).toBe(on429);
    expect(admitsStatus(condition, 500)).toBe(on500);
  });

  test.each([
    ["TLS1_0", 1.0],
    ["1.1", 1.1],
    ["Tls10", 1.0],
    ["TLS12", 1.2],
    ["TLS1_3", 1.3],
    ["latest", undefined],
  ])("%s is TLS %s", (value, version) => {
    expect(tlsVersion(value)).toBe(version);
  });
});

describe("what the topology rules judge", () => {
  const urn = (types: string, name = "x") => `urn:pulumi:prod::team-app::${types}::${name}`;
  const vault = "azure-native:keyvault:Vault";

  test("a resource tagged bcdr-role or bcdr-stack, or declared by one of the program's components, tagged or not", () => {
    expect(inTopology({ urn: urn(vault), props: { tags: { "bcdr-role": "vault" } } })).toBe(true);
    // Its role tag removed, the stack tag the program also sets still marks it.
    expect(inTopology({ urn: urn(vault), props: { tags: { "bcdr-stack": "aoai-bcdr/prod" } } })).toBe(true);
    expect(inTopology({ urn: urn(`aoai-bcdr:keyvault:SecretVault$${vault}`), props: {} })).toBe(true);
    expect(inTopology({ urn: urn("aoai-bcdr:gateway:ApiGateway"), props: {} })).toBe(true);
    expect(
      inTopology({ urn: urn(`aoai-bcdr:gateway:ApiGateway$azure-native:apimanagement:NamedValue`), props: {} }),
    ).toBe(true);
  });

  test("not another team's resource: untagged, other tags, or under another component (even in a project named aoai-bcdr)", () => {
    expect(inTopology({ urn: urn(vault), props: {} })).toBe(false);
    expect(inTopology({ urn: urn(vault), props: { tags: { team: "web", "bcdr-workload": "x" } } })).toBe(false);
    expect(inTopology({ urn: urn(`team:app:Shop$${vault}`), props: { tags: {} } })).toBe(false);
    expect(inTopology({ urn: `urn:pulumi:dev::aoai-bcdr::${vault}::v`, props: {} })).toBe(false);
    // Another organization's own tags of these names, with values the program never writes.
    expect(inTopology({ urn: urn(vault), props: { tags: { "bcdr-role": "tier-1" } } })).toBe(false);
    expect(inTopology({ urn: urn(vault), props: { tags: { "bcdr-stack": "dr-plan-b" } } })).toBe(false);
  });

  test("tags a preview does not know yet do not make a resource the topology's", () => {
    const props = Object.defineProperty({}, "tags", {
      get: () => {
        throw new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["tags"]);
      },
    });
    expect(inTopology({ urn: urn(vault), props })).toBe(false);
  });
});

describe("network mode", () => {
  const args = (types: string[], config: Record<string, unknown> = {}) =>
    ({ resources: types.map(type => ({ type })), getConfig: () => config }) as unknown as Parameters<
      typeof networkMode
    >[0];

  test("auto: public without private networking; with it, Front Door tells public-private-backends from private", () => {
    expect(networkMode(args([TYPES.account, TYPES.frontDoorProfile]))).toBe("public");
    expect(networkMode(args([TYPES.virtualNetwork, TYPES.privateZone, TYPES.frontDoorProfile]))).toBe(
      "public-private-backends",
    );
    expect(networkMode(args([TYPES.virtualNetwork, TYPES.privateZone]))).toBe("private");
  });

  test("a pinned mode wins over what the stack holds", () => {
    expect(networkMode(args([TYPES.frontDoorProfile], { networkMode: "public-private-backends" }))).toBe(
      "public-private-backends",
    );
    expect(networkMode(args([], { networkMode: "private" }))).toBe("private");
  });
});

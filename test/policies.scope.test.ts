/**
 * The pack on stacks that are not the topology's, through the real policy server, as an organization that
 * enables it for other teams' stacks would run it: a plain single-region OpenAI stack, a stack without Azure
 * resources, a stack of another cloud each pass without any diagnostic in any phase; the rules meant for every
 * stack still catch their case there; a partially tagged topology and a stack that says it is one but carries
 * none of its tags are refused.
 */
import type { PlannedResource } from "../stacks/engine/runner";
import { resolvePolicyConfig } from "../stacks/cli/cli";
import { PolicyConfig, parsePolicyConfig } from "../stacks/policyServer/config";
import type { PlannedStack } from "../stacks/policyServer/evaluate";
import { UNKNOWN } from "../stacks/policyServer/projection";
import { TAG } from "../catalog/tags";
import { TYPES } from "../catalog/types";
import { policyServer } from "./policySupport";

const API_KEY = "0123456789abcdef0123456789abcdef";
const SUBSCRIPTION = "/subscriptions/44444444-4444-4444-8444-444444444444/resourceGroups/rg-team";

/** A hand-written stack of another team: resources as the engine sends them, each with its provider. */
function foreignStack(stack: string, declare: (add: Add) => void): PlannedStack {
  const project = "team-app";
  const prefix = `urn:pulumi:${stack}::${project}::`;
  const resources: PlannedResource[] = [];
  const providers = new Set<string>();
  const add: Add = (type, name, inputs, opts = {}) => {
    const pkg = type.split(":")[0];
    const provider = `${prefix}pulumi:providers:${pkg}::default`;
    if (!providers.has(pkg)) {
      providers.add(pkg);
      resources.push(resource(provider, `pulumi:providers:${pkg}`, "default", {}, {}));
    }
    const urn = `${prefix}${type}::${name}`;
    const id = opts.armType ? `${SUBSCRIPTION}/providers/${opts.armType}/${name}` : `${name}-id`;
    const r = resource(urn, type, name, inputs, { ...inputs, ...(opts.armType ? { name, id } : { id }) });
    r.provider = `${provider}::11111111-2222-4333-8444-555555555555`;
    r.propertyDependencies = Object.fromEntries(
      Object.entries(opts.from ?? {}).map(([input, from]) => [input, [`${prefix}${from}`]]),
    );
    r.dependsOn = [...new Set(Object.values(r.propertyDependencies).flat())];
    resources.push(r);
  };
  const resource = (
    urn: string,
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown>,
  ): PlannedResource => ({
    urn,
    type,
    name,
    parent: `${prefix}pulumi:pulumi:Stack::${project}-${stack}`,
    custom: true,
    protect: false,
    dependsOn: [],
    propertyDependencies: {},
    inputs,
    outputs,
  });
  declare(add);
  return { project, stack, resources, outputs: {} };
}

type Add = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  opts?: { armType?: string; from?: Record<string, string> },
) => void;

/** A team's single-region Azure OpenAI app: one account and deployment, a public vault, TLS 1.0 storage, an API Management service. */
const openAiApp = (tags: Record<string, string> = {}) =>
  foreignStack("openai", add => {
    add(
      TYPES.account,
      "chat-account",
      {
        accountName: "team-chat",
        kind: "OpenAI",
        location: "eastus",
        sku: { name: "S0" },
        tags,
        properties: { customSubDomainName: "team-chat", publicNetworkAccess: "Enabled", disableLocalAuth: false },
      },
      { armType: "Microsoft.CognitiveServices/accounts" },
    );
    add(
      TYPES.deployment,
      "chat-gpt-4o",
      {
        accountName: "team-chat",
        deploymentName: "gpt-4o",
        sku: { name: "Standard", capacity: 10 },
        properties: { model: { format: "OpenAI", name: "gpt-4o", version: "2024-11-20" } },
      },
      { from: { accountName: `${TYPES.account}::chat-account` } },
    );
    add(
      TYPES.vault,
      "team-vault",
      {
        vaultName: "team-vault",
        location: "eastus",
        properties: {
          tenantId: "tenant",
          sku: { family: "A", name: "standard" },
          publicNetworkAccess: "Enabled",
          enablePurgeProtection: false,
          enableRbacAuthorization: false,
        },
      },
      { armType: "Microsoft.KeyVault/vaults" },
    );
    add(
      "azure-native:storage:StorageAccount",
      "team-storage",
      {
        accountName: "teamstorage",
        location: "eastus",
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        minimumTlsVersion: "TLS1_0",
      },
      { armType: "Microsoft.Storage/storageAccounts" },
    );
    add(
      TYPES.apimService,
      "team-apim",
      {
        serviceName: "team-apim",
        location: "eastus",
        sku: { name: "Developer", capacity: 1 },
        publisherEmail: "team@example.com",
        publisherName: "team",
        customProperties: { "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10": "True" },
      },
      { armType: "Microsoft.ApiManagement/service" },
    );
    add(
      TYPES.apiPolicy,
      "team-api-policy-linked",
      { serviceName: "team-apim", apiId: "chat", format: "xml-link", value: "https://example.com/policy.xml" },
      { from: { serviceName: `${TYPES.apimService}::team-apim` } },
    );
    add(
      TYPES.apiPolicy,
      "team-api-policy",
      {
        serviceName: "team-apim",
        apiId: "chat",
        format: "rawxml",
        value: "<policies><inbound><base /></inbound><backend><forward-request /></backend></policies>",
      },
      { from: { serviceName: `${TYPES.apimService}::team-apim` } },
    );
    // Computed from values a preview does not know yet: nothing to judge, no "cannot decide" either.
    add(
      TYPES.namedValue,
      "team-computed",
      { serviceName: "team-apim", namedValueId: UNKNOWN, displayName: "computed", secret: UNKNOWN, value: UNKNOWN },
      { from: { serviceName: `${TYPES.apimService}::team-apim` } },
    );
    add(
      TYPES.apiPolicy,
      "team-api-policy-computed",
      { serviceName: "team-apim", apiId: "chat", format: UNKNOWN, value: UNKNOWN },
      { from: { serviceName: `${TYPES.apimService}::team-apim` } },
    );
    add(
      TYPES.namedValue,
      "team-secret",
      { serviceName: "team-apim", namedValueId: "team-secret", displayName: "team-secret", secret: true, value: "x" },
      { from: { serviceName: `${TYPES.apimService}::team-apim` } },
    );
  });

const randomOnly = foreignStack("random", add => {
  add(TYPES.randomString, "suffix", { length: 6, special: false, upper: false });
  add(TYPES.randomPassword, "db-password", { length: 32 });
});

const awsApp = foreignStack("aws", add => {
  add("aws:s3/bucketV2:BucketV2", "assets", { bucket: "team-assets", tags: { team: "web" } });
  add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "assets-public", {
    bucket: "team-assets",
    blockPublicAcls: false,
  });
  add("aws:opensearch/domain:Domain", "search", {
    domainName: "search",
    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
  });
  add("aws:lb/listener:Listener", "https", {
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS-1-0-2015-04",
    minTlsVersion: "TLS1_0",
  });
});

const server = policyServer();

/** The configs an organization would run a foreign stack with: the defaults, and dev's modes without its topology claim. */
const configs: [string, PolicyConfig][] = [
  ["the pack's defaults", new Map()],
  [
    "dev's settings without topology-tags.required",
    new Map([...resolvePolicyConfig("dev").config].filter(([k]) => k !== "topology-tags")),
  ],
];

describe.each(configs)("stacks of other teams, with %s", (_what, config) => {
  test.each([
    ["a plain single-region OpenAI stack (public vault, TLS 1.0 storage and gateway, untagged)", () => openAiApp()],
    ["a stack without Azure resources (random provider only)", () => randomOnly],
    ["a stack of another cloud (aws:s3, OpenSearch and a TLS 1.0 listener)", () => awsApp],
  ])("%s: no diagnostic in any phase", async (_name, stack) => {
    expect(await server.current.evaluate(stack(), config)).toEqual([]);
  });
});

describe("the rules meant for every stack, on another team's stack", () => {
  const withSecrets = () => {
    const stack = openAiApp();
    const resources = stack.resources.map(r => structuredClone(r));
    const policy = resources.find(r => r.name === "team-api-policy")!;
    const header = `<set-header name="api-key" exists-action="override"><value>${API_KEY}</value></set-header>`;
    for (const props of [policy.inputs, policy.outputs])
      props.value = String(props.value).replace("<base />", `<base />${header}`);
    const broken = structuredClone(policy);
    broken.urn = broken.urn.replace(/::team-api-policy$/, "::team-api-policy-broken");
    broken.name = "team-api-policy-broken";
    for (const props of [broken.inputs, broken.outputs]) props.value = `<policies><inbound>Bearer ${API_KEY}${API_KEY}`;
    const unreadable = structuredClone(broken);
    unreadable.urn = unreadable.urn.replace(/-broken$/, "-unreadable");
    unreadable.name = "team-api-policy-unreadable";
    for (const props of [unreadable.inputs, unreadable.outputs]) props.value = "<policies><inbound>";
    const named = resources.find(r => r.name === "team-secret")!;
    for (const props of [named.inputs, named.outputs]) Object.assign(props, { secret: false, value: API_KEY });
    return { ...stack, resources: [...resources, broken, unreadable] };
  };

  test("a literal credential is caught in policy XML (parsed, or read as text) and in a plain named value; nothing else", async () => {
    const found = await server.current.evaluate(withSecrets(), new Map());
    expect(found.map(v => [v.policy, v.phase, v.message.split("\n")[1]])).toEqual([
      [
        "no-secrets-in-policy-xml",
        "inputs",
        expect.stringMatching(/^Policy 'team-api-policy': <set-header name="api-key"> sets a literal value/),
      ],
      [
        "key-vault-named-values",
        "inputs",
        "Named value 'team-secret' holds an API key in plain text: store it in Key Vault and make this a secret named value with keyVault.secretIdentifier.",
      ],
      [
        "no-secrets-in-policy-xml",
        "inputs",
        expect.stringMatching(
          /^Policy 'team-api-policy-broken' holds a Bearer or Basic credential \(read as text: not well-formed XML\)/,
        ),
      ],
    ]);
  });
});

describe("what makes a stack the topology's", () => {
  test("a stack whose policy config says it is one (topology-tags.required) but carries none of its tags fails", async () => {
    for (const stack of [openAiApp(), randomOnly]) {
      const found = await server.current.evaluate(
        stack,
        parsePolicyConfig(JSON.stringify({ "topology-tags": { required: true } }), "inline"),
      );
      expect(found.map(v => [v.policy, v.phase, v.enforcementLevel])).toEqual([
        ["topology-tags", "preview", "mandatory"],
        ["topology-tags", "update", "mandatory"],
      ]);
      expect(found[0].message).toMatch(
        /No resource of this stack carries the bcdr-role or bcdr-stack tag .*\(topology-tags.required\)/,
      );
    }
  });

  test("one tagged account makes the stack the topology's: its rules judge it, and an untagged account beside it is refused", async () => {
    const stack = openAiApp({ [TAG.role]: "standard" });
    const untagged = structuredClone(stack.resources.find(r => r.name === "chat-account")!);
    untagged.urn = untagged.urn.replace(/::chat-account$/, "::other-account");
    untagged.name = "other-account";
    for (const props of [untagged.inputs, untagged.outputs]) props.tags = {};
    const found = await server.current.evaluate({ ...stack, resources: [...stack.resources, untagged] }, new Map());
    const update = found.filter(v => v.phase === "update" && v.enforcementLevel === "mandatory");
    // The tagged account is judged as the topology's: alone in its region, without gateway, Front Door or keyless auth.
    expect(update.map(v => v.policy).sort()).toEqual([
      "account-local-auth",
      "front-door-waf",
      "gateway-multi-region",
      "paired-openai-accounts",
      "topology-tags",
      "topology-tags",
    ]);
    expect(
      update
        .filter(v => v.policy === "topology-tags")
        .map(v => v.message.split("\n")[1])
        .sort(),
    ).toEqual([
      expect.stringMatching(
        /^Model deployment 'chat-gpt-4o' has no bcdr-role tag but its account 'chat-account' is 'standard'/,
      ),
      expect.stringMatching(
        /^OpenAI account 'other-account' has no bcdr-role tag in a stack of the aoai-bcdr topology/,
      ),
    ]);
    expect(update.find(v => v.policy === "account-local-auth")!.message).not.toMatch(/other-account/);
    // The team's own vault, storage and service carry no tag of the topology: still not judged.
    expect(found.filter(v => ["key-vault-hardening", "minimum-tls"].includes(v.policy))).toEqual([]);
  });
});

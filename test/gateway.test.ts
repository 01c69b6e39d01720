import { XMLValidator } from "fast-xml-parser";
import { ROLES } from "../infra/identity";
import { referencedNamedValues } from "../infra/gateway/policy";
import { ProgramRun } from "../stacks/runner";
import { inputs } from "./components";
import { T, ofType, runStack } from "./support";

const A = {
  service: "azure-native:apimanagement:ApiManagementService",
  backend: "azure-native:apimanagement:Backend",
  namedValue: "azure-native:apimanagement:NamedValue",
  policy: "azure-native:apimanagement:ApiPolicy",
  api: "azure-native:apimanagement:Api",
  product: "azure-native:apimanagement:Product",
  subscription: "azure-native:apimanagement:Subscription",
  logger: "azure-native:apimanagement:Logger",
  diagnostic: "azure-native:apimanagement:ApiDiagnostic",
  role: "azure-native:authorization:RoleAssignment",
  vault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  app: "azuread:index/application:Application",
  sp: "azuread:index/servicePrincipal:ServicePrincipal",
};
const pools = (run: ProgramRun) => ofType(run, A.backend).filter(b => inputs(b).type === "Pool");
const accountBackends = (run: ProgramRun) => ofType(run, A.backend).filter(b => inputs(b).type !== "Pool");

describe("prod: one Premium gateway spanning both regions", () => {
  let run: ProgramRun;
  beforeAll(async () => { run = await runStack("prod"); });

  test("the service runs in every gateway region, zone-redundant, with a managed identity, TLS 1.2 only, protected", () => {
    const [service] = ofType(run, A.service);
    expect(ofType(run, A.service)).toHaveLength(1);
    expect(inputs(service)).toMatchObject({
      location: "eastus2", sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"], identity: { type: "SystemAssigned" },
      additionalLocations: [{ location: "centralus", sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] }],
    });
    expect(inputs(service).customProperties["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11"]).toBe("False");
    expect(service.protect).toBe(true);
    expect(Object.keys((run.outputs.gateway as any).hosts).sort()).toEqual(["centralus", "eastus2"]);
  });

  test("a circuit-breaker backend for every account: trips on 429 and 5xx, honours Retry-After", () => {
    const accounts = ofType(run, T.account);
    const backends = accountBackends(run);
    expect(backends).toHaveLength(accounts.length);
    for (const b of backends) {
      const [rule] = inputs(b).circuitBreaker.rules;
      expect(inputs(b).circuitBreaker.rules).toHaveLength(1);
      expect(rule).toMatchObject({ acceptRetryAfter: true, failureCondition: { count: 1, statusCodeRanges: [{ min: 429, max: 429 }, { min: 500, max: 599 }] } });
      expect(inputs(b).url).toMatch(/^https:\/\/oai-prod-.*\.openai\.azure\.com\/openai$/);
    }
    const hosts = accounts.map(a => `https://${inputs(a).properties.customSubDomainName}.openai.azure.com/openai`).sort();
    expect(backends.map(b => inputs(b).url).sort()).toEqual(hosts);
  });

  test("a pool per chain whose priorities follow workload PTU -> enterprise PTU -> standard", () => {
    // Pool members are backend ARM ids; a backend id is its account's key, the account's logical name `<key>-account`.
    const accountRole = (backendArmId: string) => {
      const key = backendArmId.split("/backends/")[1];
      return inputs(ofType(run, T.account).find(a => a.name === `${key}-account`)!).tags["bcdr-role"] as string;
    };
    const rank = { "workload-ptu": 1, "enterprise-ptu": 2, standard: 3 } as Record<string, number>;
    const chainPools = pools(run).filter(p => !(inputs(p).backendId as string).startsWith("pool-standard-"));
    expect(chainPools.map(p => inputs(p).backendId).sort()).toEqual(
      ["pool-shared-gpt-4.1", "pool-shared-gpt-4o", "pool-shared-gpt-4o-mini", "pool-workload-claims", "pool-workload-fraud"]);
    for (const p of chainPools) {
      const services = [...inputs(p).pool.services].sort((a: any, b: any) => a.priority - b.priority);
      const ranks = services.map((s: any) => rank[accountRole(s.id)]);
      expect(ranks).toEqual([...ranks].sort());
      for (const s of services) {
        expect(s.priority).toBe(rank[accountRole(s.id)]);
        expect(s.weight).toBeGreaterThanOrEqual(1);
        expect(s.weight).toBeLessThanOrEqual(100);
      }
    }
    const claims = chainPools.find(p => inputs(p).backendId === "pool-workload-claims")!;
    expect(inputs(claims).pool.services.map((s: any) => accountRole(s.id))).toEqual(["workload-ptu", "enterprise-ptu", "standard", "standard", "standard"]);
    // Where lower-priority callers go when the PTU pool runs hot: the standard tier only.
    const [standard] = pools(run).filter(p => inputs(p).backendId === "pool-standard-gpt-4o");
    expect(inputs(standard).pool.services.map((s: any) => accountRole(s.id))).toEqual(["standard", "standard", "standard"]);
  });

  test("the API policy is generated, well-formed XML in the xml format", () => {
    const [policy] = ofType(run, A.policy);
    expect(inputs(policy)).toMatchObject({ apiId: "azure-openai", format: "xml" });
    expect(XMLValidator.validate(inputs(policy).value)).toBe(true);
    expect(inputs(policy).value).toContain('<retry condition="@(context.Response.StatusCode == 429 || context.Response.StatusCode &gt;= 500)"');
    expect(ofType(run, A.api).map(a => inputs(a))).toEqual([expect.objectContaining({ path: "openai", protocols: ["https"], subscriptionRequired: false })]);
  });

  test("callers authenticate with Entra ID: an app registration with an app role per application", () => {
    const [app] = ofType(run, A.app);
    expect(inputs(app).identifierUris).toEqual(["api://aoai-bcdr-prod-gateway"]);
    expect(inputs(app).appRoles.map((r: any) => r.value)).toEqual(["app.claims-assistant", "app.fraud-scoring", "app.doc-search", "app.hr-chatbot"]);
    expect(new Set(inputs(app).appRoles.map((r: any) => r.id)).size).toBe(4);
    expect(inputs(ofType(run, A.sp)[0]).appRoleAssignmentRequired).toBe(true);
    expect((run.outputs.gateway as any).audience).toBe("api://aoai-bcdr-prod-gateway");
  });

  test("every named value holding a secret is Key Vault-backed, and every one the policy references exists", () => {
    const named = ofType(run, A.namedValue);
    expect(named.length).toBeGreaterThan(0);
    for (const nv of named.filter(n => inputs(n).secret)) {
      expect(inputs(nv).keyVault.secretIdentifier).toMatch(/^https:\/\/kv-prod-[a-z0-9]+\.vault\.azure\.net\/secrets\//);
      expect(inputs(nv).value).toBeUndefined();
    }
    const ids = named.map(n => inputs(n).namedValueId);
    for (const ref of referencedNamedValues(inputs(ofType(run, A.policy)[0]).value)) expect(ids).toContain(ref);
    expect(inputs(ofType(run, A.logger)[0]).credentials).toEqual({ connectionString: "{{appinsights-connection-string}}" });
  });

  test("the vault: RBAC, soft delete, purge protection, protected", () => {
    const [vault] = ofType(run, A.vault);
    expect(inputs(vault).properties).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, publicNetworkAccess: "Disabled" });
    expect(vault.protect).toBe(true);
    // The secret's value makes its whole properties object secret: nothing of it reaches the plan.
    expect(ofType(run, A.secret).map(s => inputs(s).properties)).toEqual(["[secret]"]);
  });

  test("the gateway identity may call every account and read the vault's secrets", () => {
    const roles = ofType(run, A.role).map(inputs);
    const openAiUser = roles.filter(r => r.roleDefinitionId.endsWith(ROLES.cognitiveServicesOpenAiUser));
    const accountNames = ofType(run, T.account).map(a => inputs(a).accountName as string).sort();
    expect(openAiUser.map(r => r.scope.split("/Microsoft.CognitiveServices/accounts/")[1]).sort()).toEqual(accountNames);
    // The role definition lives in the subscription of the account it is assigned on.
    const overflow = openAiUser.find(r => r.scope.startsWith("/subscriptions/22222222-2222-4222-8222-222222222222/"))!;
    expect(overflow.roleDefinitionId).toMatch(/^\/subscriptions\/22222222-2222-4222-8222-222222222222\//);
    expect(roles.filter(r => r.roleDefinitionId.endsWith(ROLES.keyVaultSecretsUser))).toHaveLength(1);
    // All granted to the one gateway identity.
    expect(new Set(roles.map(r => r.principalId)).size).toBe(1);
    expect(roles[0].principalId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("observability: token metrics on, no bodies logged, diagnostics from every account and the gateway", () => {
    const [diag] = ofType(run, A.diagnostic);
    expect(inputs(diag)).toMatchObject({ metrics: true, frontend: { request: { body: { bytes: 0 } } } });
    const targets = ofType(run, A.diagnosticSetting).map(d => inputs(d).resourceUri as string);
    for (const a of ofType(run, T.account)) expect(targets.some(t => t.endsWith(`/accounts/${inputs(a).accountName}`))).toBe(true);
    expect(targets.filter(t => t.includes("/Microsoft.ApiManagement/service/"))).toHaveLength(1);
  });
});

describe("dev: one gateway per region, subscription keys", () => {
  let run: ProgramRun;
  beforeAll(async () => { run = await runStack("dev"); });

  test("a BasicV2 service in each gateway region, each with the full set of backends and pools", () => {
    const services = ofType(run, A.service);
    expect(services.map(s => inputs(s).location).sort()).toEqual(["centralus", "eastus2"]);
    for (const s of services) {
      expect(inputs(s).sku).toEqual({ name: "BasicV2", capacity: 1 });
      expect(inputs(s).additionalLocations).toBeUndefined();
    }
    const perService = (type: string) => new Map(services.map(s => [inputs(s).serviceName, ofType(run, type).filter(r => inputs(r).serviceName === inputs(s).serviceName).length]));
    expect([...perService(A.backend).values()]).toEqual([4, 4]);
    expect([...perService(A.policy).values()]).toEqual([1, 1]);
  });

  test("each application gets a product and a subscription key; the API requires one", () => {
    expect(ofType(run, A.product).map(p => inputs(p).productId)).toEqual(["playground", "playground"]);
    expect(ofType(run, A.subscription)).toHaveLength(2);
    for (const api of ofType(run, A.api)) expect(inputs(api)).toMatchObject({ subscriptionRequired: true, subscriptionKeyParameterNames: { header: "api-key" } });
    expect(ofType(run, A.app)).toEqual([]);
  });
});

describe("key mode", () => {
  let run: ProgramRun;
  beforeAll(async () => { run = await runStack("prod", { edit: v => { v.openai = { auth: "keys" }; } }); });

  test("every account key lives in Key Vault and reaches the backends only through named values", () => {
    const secrets = ofType(run, A.secret).map(s => inputs(s).secretName).sort();
    expect(secrets).toEqual(["appinsights-connection-string", ...ofType(run, T.account).map(a => `openai-key-${a.name.replace(/-account$/, "")}`)].sort());
    for (const b of accountBackends(run)) {
      expect(inputs(b).credentials).toEqual({ header: { "api-key": [`{{openai-key-${inputs(b).backendId}}}`] } });
    }
    for (const a of ofType(run, T.account)) expect(inputs(a).properties.disableLocalAuth).toBe(false);
    // No key value anywhere in what the engine receives.
    expect(JSON.stringify(run.resources.map(r => r.inputs))).not.toMatch(/[0-9a-f]{32}"/);
  });
});

describe("send-request strategy", () => {
  test("declares the account endpoints as plain named values the policy's new requests use", async () => {
    const run = await runStack("prod", { edit: v => { v.gateway.strategy = "send-request"; } });
    const endpoints = ofType(run, A.namedValue).filter(n => (inputs(n).namedValueId as string).startsWith("openai-endpoint-"));
    expect(endpoints).toHaveLength(ofType(run, T.account).length);
    for (const e of endpoints) expect(inputs(e)).toMatchObject({ secret: false, value: expect.stringMatching(/^https:\/\/.*\.openai\.azure\.com\/$/) });
    const xml = inputs(ofType(run, A.policy)[0]).value as string;
    expect(xml).toContain('<send-request mode="new"');
    for (const ref of referencedNamedValues(xml)) expect(ofType(run, A.namedValue).map(n => inputs(n).namedValueId)).toContain(ref);
  });
});

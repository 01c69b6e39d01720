/**
 * The gateway's Azure resources, through the whole program: the service and its identity, a backend per
 * (account, deployment) with pools over them, the whole OpenAI API surface, Key Vault-backed named values
 * that wait for their grant, shared subscription keys, the Entra app, the custom domain; and the pieces
 * (ids, topology, APIM mock) on their own.
 */
import { XMLValidator } from "fast-xml-parser";
import { descendants } from "../policies/lib/policyXml";
import { ConfigError, parseConfig, validateStack } from "../infra/config";
import { API_METHODS } from "../infra/gateway/api";
import { BACKEND_ID_MAX, backendId } from "../infra/gateway/ids";
import { referencedNamedValues } from "../infra/gateway/policy";
import { ROLES } from "../infra/identity";
import { TIER_PRIORITY, buildTopology } from "../infra/topology";
import { ApimMock, ApimRefusal } from "../stacks/engine/refusals/apim";
import { TENANT_ID } from "../stacks/engine/mocks";
import { PlannedResource, ProgramRun } from "../stacks/engine/runner";
import { inputs, named } from "./components";
import { TYPES } from "../catalog/types";
import { ofType, policyTree, runStack, stackValues } from "./support";

const pools = (run: ProgramRun) => ofType(run, TYPES.backend).filter(b => inputs(b).type === "Pool");
const deploymentBackends = (run: ProgramRun) => ofType(run, TYPES.backend).filter(b => inputs(b).type !== "Pool");
const memberIds = (pool: PlannedResource) =>
  (inputs(pool).pool.services as { id: string }[]).map(s => s.id.split("/backends/")[1]);
const xmlOf = (run: ProgramRun) => inputs(ofType(run, TYPES.apiPolicy)[0]).value as string;
const CERT_VAULT =
  "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-pki/providers/Microsoft.KeyVault/vaults/kv-pki";

describe("prod: one Premium gateway spanning both regions", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  });
  const identity = () => named(run, TYPES.userAssignedIdentity, "gateway-identity");

  test("the service runs in every gateway region, zone-redundant, as its user-assigned identity, TLS 1.2 only, no developer portal, protected", () => {
    const [service] = ofType(run, TYPES.apimService);
    expect(ofType(run, TYPES.apimService)).toHaveLength(1);
    const identityId = `/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/${inputs(identity()).resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${inputs(identity()).resourceName}`;
    expect(inputs(service)).toMatchObject({
      location: "eastus2",
      sku: { name: "Premium", capacity: 2 },
      zones: ["1", "2"],
      identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } },
      additionalLocations: [{ location: "centralus", sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] }],
      developerPortalStatus: "Disabled",
      legacyPortalStatus: "Disabled",
    });
    expect(
      inputs(service).customProperties["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11"],
    ).toBe("False");
    expect(service.protect).toBe(true);
    expect(Object.keys((run.outputs.gateway as any).hosts).sort()).toEqual(["centralus", "eastus2"]);
  });

  test("a zone-redundant gateway gets zone-redundant public IPs, in every zone of their region", () => {
    const ips = ofType(run, TYPES.publicIp);
    expect(ips.map(ip => inputs(ip).location).sort()).toEqual(["centralus", "eastus2"]);
    for (const ip of ips) expect(inputs(ip)).toMatchObject({ sku: { name: "Standard" }, zones: ["1", "2", "3"] });
  });

  test("the identity holds every role before the service exists: the service depends on each grant", () => {
    const roles = ofType(run, TYPES.roleAssignment);
    const principal = `${inputs(identity()).resourceName}`;
    expect(roles.length).toBe(1 + ofType(run, TYPES.account).length);
    for (const r of roles) expect(inputs(r).principalId).toBe(inputs(roles[0]).principalId);
    expect(principal).toBe("id-aoai-prod-gateway-eastus2");
    expect(inputs(roles[0]).principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(named(run, TYPES.apimService, "gateway-service").dependsOn).toEqual(
      expect.arrayContaining(roles.map(r => r.urn)),
    );
    // The grants reference the identity, never the service: no cycle, and they can be made first.
    for (const r of roles) expect(r.dependsOn).not.toContain(named(run, TYPES.apimService, "gateway-service").urn);
  });

  test("Key Vault-backed named values are read with the identity and wait for its Key Vault grant", () => {
    const secretsUser = ofType(run, TYPES.roleAssignment).find(r =>
      (inputs(r).roleDefinitionId as string).endsWith(ROLES.keyVaultSecretsUser),
    )!;
    const vaultBacked = ofType(run, TYPES.namedValue).filter(n => inputs(n).secret);
    expect(vaultBacked.length).toBeGreaterThan(0);
    for (const nv of vaultBacked) {
      expect(nv.dependsOn).toContain(secretsUser.urn);
      expect(inputs(nv).keyVault).toEqual({
        secretIdentifier: expect.stringMatching(
          /^https:\/\/kv-prod-[a-z0-9-]+\.vault\.azure\.net\/secrets\/[a-z0-9-]+$/,
        ),
        identityClientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(inputs(nv).value).toBeUndefined();
    }
    const ids = ofType(run, TYPES.namedValue).map(n => inputs(n).namedValueId);
    for (const ref of referencedNamedValues(xmlOf(run))) expect(ids).toContain(ref);
    expect(inputs(ofType(run, TYPES.logger)[0]).credentials).toEqual({
      connectionString: "{{appinsights-connection-string}}",
    });
  });

  test("private mode: Key Vault-backed named values also wait for the vault's private endpoint and DNS record in every gateway region", () => {
    const vaultEndpoints = ofType(run, TYPES.privateEndpoint).filter(e =>
      (inputs(e).privateLinkServiceConnections[0].privateLinkServiceId as string).includes(
        "/Microsoft.KeyVault/vaults/",
      ),
    );
    const vaultName = inputs(ofType(run, TYPES.vault)[0]).vaultName;
    const vaultRecords = ofType(run, TYPES.record).filter(
      r =>
        inputs(r).privateZoneName === "privatelink.vaultcore.azure.net" &&
        inputs(r).relativeRecordSetName === vaultName,
    );
    expect(vaultEndpoints.map(e => inputs(e).location).sort()).toEqual(["centralus", "eastus2"]);
    expect(vaultRecords).toHaveLength(2);
    for (const nv of ofType(run, TYPES.namedValue).filter(n => inputs(n).secret)) {
      expect(nv.dependsOn).toEqual(expect.arrayContaining([...vaultEndpoints, ...vaultRecords].map(r => r.urn)));
    }
  });

  test("the policy calls the accounts as the user-assigned identity (client-id)", () => {
    const clientId = inputs(ofType(run, TYPES.namedValue).find(n => inputs(n).secret)!).keyVault.identityClientId;
    expect(xmlOf(run)).toContain(
      `<authentication-managed-identity resource="https://cognitiveservices.azure.com" client-id="${clientId}"/>`,
    );
  });

  test("one circuit-breaker backend per (account, deployment), named by backendId, calling its account", () => {
    const accounts = ofType(run, TYPES.account);
    const expected = ofType(run, TYPES.deployment).map(d => {
      const account = accounts.find(a => inputs(a).accountName === inputs(d).accountName)!;
      return backendId(account.name.replace(/-account$/, ""), inputs(d).deploymentName);
    });
    expect(
      deploymentBackends(run)
        .map(b => inputs(b).backendId)
        .sort(),
    ).toEqual(expected.sort());
    // 4 standard accounts x 3 models, the enterprise pool and 2 workload pools.
    expect(expected).toHaveLength(15);
    for (const b of deploymentBackends(run)) {
      const account = accounts.find(a =>
        (inputs(b).backendId as string).startsWith(`${a.name.replace(/-account$/, "")}--`),
      )!;
      expect(inputs(b).url).toBe(`https://${inputs(account).properties.customSubDomainName}.openai.azure.com/openai`);
      expect(inputs(b).circuitBreaker.rules).toEqual([
        expect.objectContaining({
          acceptRetryAfter: true,
          failureCondition: expect.objectContaining({
            count: 1,
            statusCodeRanges: [
              { min: 429, max: 429 },
              { min: 500, max: 599 },
            ],
            // Timeouts and connection failures trip it too (LastError.Reason values).
            errorReasons: ["BackendConnectionFailure", "Timeout"],
          }),
        }),
      ]);
    }
  });

  test("a 429 on one model cannot touch another model's pool: every pool holds only its own deployment's backends", () => {
    const chains = run.outputs.chains as Record<string, { deployment: string }>;
    const deploymentOf = (pool: PlannedResource) => {
      const id = inputs(pool).backendId as string;
      return id.startsWith("pool-standard-")
        ? id.slice("pool-standard-".length)
        : chains[id.slice("pool-".length)].deployment;
    };
    const byDeployment = new Map<string, Set<string>>();
    for (const p of pools(run)) {
      for (const member of memberIds(p)) {
        expect(member.endsWith(`--${deploymentOf(p)}`)).toBe(true);
        byDeployment.set(deploymentOf(p), new Set([...(byDeployment.get(deploymentOf(p)) ?? []), member]));
      }
    }
    const sets = [...byDeployment.values()];
    expect(sets).toHaveLength(3);
    for (const a of sets) for (const b of sets) if (a !== b) expect([...a].filter(m => b.has(m))).toEqual([]);
    // Each pool waits for its members, which must exist when APIM validates the pool.
    for (const p of pools(run)) {
      const memberUrns = memberIds(p).map(id => deploymentBackends(run).find(b => inputs(b).backendId === id)!.urn);
      expect(p.dependsOn).toEqual(expect.arrayContaining(memberUrns));
    }
  });

  test("pools serve workload PTU -> enterprise PTU -> standard, with the topology's priorities", () => {
    const roleOf = (member: string) =>
      inputs(ofType(run, TYPES.account).find(a => member.startsWith(`${a.name.replace(/-account$/, "")}--`))!).tags[
        "bcdr-role"
      ];
    const claims = pools(run).find(p => inputs(p).backendId === "pool-workload-claims")!;
    expect(memberIds(claims).map(roleOf)).toEqual([
      "workload-ptu",
      "enterprise-ptu",
      "standard",
      "standard",
      "standard",
      "standard",
    ]);
    expect(inputs(claims).pool.services.map((s: any) => s.priority)).toEqual([1, 2, 3, 3, 3, 3]);
    const standard = pools(run).find(p => inputs(p).backendId === "pool-standard-gpt-5.1")!;
    expect(memberIds(standard).map(roleOf)).toEqual(["standard", "standard", "standard", "standard"]);
  });

  test("the API exposes every method on every path under /openai: the whole inference surface reaches the policy", () => {
    expect(ofType(run, TYPES.api).map(inputs)).toEqual([
      expect.objectContaining({ path: "openai", protocols: ["https"], subscriptionRequired: false }),
    ]);
    const operations = ofType(run, TYPES.apiOperation).map(inputs);
    // API Management's URL template matching: `{name}` is one path segment, a trailing `*` the rest of the path.
    const matches = (template: string, path: string) =>
      new RegExp(
        `^${template
          .replace(/[.]/g, "\\.")
          .replace(/\{[^}]+\}/g, "[^/]+")
          .replace(/\*$/, ".*")}$`,
      ).test(path);
    const calls: [string, string][] = [
      ["POST", "/deployments/gpt-5.1/chat/completions"],
      ["POST", "/deployments/gpt-5.1/completions"],
      ["POST", "/deployments/text-embedding-3-large/embeddings"],
      ["POST", "/deployments/dall-e-3/images/generations"],
      ["POST", "/deployments/whisper/audio/transcriptions"],
      ["POST", "/deployments/tts/audio/speech"],
      ["POST", "/responses"],
      ["GET", "/responses/resp_1"],
      ["DELETE", "/responses/resp_1"],
      ["POST", "/v1/responses"],
      ["GET", "/v1/responses/resp_1/input_items"],
      ["DELETE", "/v1/responses/resp_1"],
      ["POST", "/v1/chat/completions"],
      ["POST", "/v1/embeddings"],
      ["GET", "/v1/models"],
      ["POST", "/v1/files"],
      ["GET", "/v1/files/file-1/content"],
      ["DELETE", "/v1/files/file-1"],
      ["PATCH", "/v1/x"],
      ["PUT", "/v1/x"],
    ];
    for (const [method, path] of calls) {
      expect([
        method,
        path,
        operations.filter(o => o.method === method && matches(o.urlTemplate, path)).length,
      ]).toEqual([method, path, 1]);
    }
    expect(operations.map(o => o.method).sort()).toEqual([...API_METHODS].sort());
    expect(operations.map(o => o.method)).not.toContain("TRACE");
  });

  test("the API policy is generated, well-formed XML, and waits for every pool", () => {
    const [policy] = ofType(run, TYPES.apiPolicy);
    expect(inputs(policy)).toMatchObject({ apiId: "azure-openai", format: "xml" });
    expect(XMLValidator.validate(inputs(policy).value)).toBe(true);
    expect(policy.dependsOn).toEqual(expect.arrayContaining(pools(run).map(p => p.urn)));
    expect(inputs(policy).value).toContain(
      '<retry condition="@(context.Response.StatusCode == 408 || context.Response.StatusCode == 429 || context.Response.StatusCode &gt;= 500)"',
    );
    expect(ofType(run, TYPES.api).map(a => inputs(a))).toEqual([
      expect.objectContaining({ path: "openai", protocols: ["https"], subscriptionRequired: false }),
    ]);
  });

  test("Entra ID: an identifier URI in a form Entra accepts (api://<tenant id>/...), the audience the policy validates", () => {
    const [app] = ofType(run, TYPES.application);
    const uri = `api://${TENANT_ID}/aoai-bcdr-prod-gateway`;
    expect(inputs(app).identifierUris).toEqual([uri]);
    // https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions: api://<tenantId>/<string>
    expect(uri).toMatch(/^api:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[^/]+$/);
    expect((run.outputs.gateway as any).audience).toBe(uri);
    const inbound = policyTree(xmlOf(run)).children.find(e => e.name === "inbound")!;
    const token = inbound.children.find(e => e.name === "validate-azure-ad-token")!;
    expect(descendants(token).flatMap(e => (e.name === "audience" ? [e.text] : []))).toContain(uri);
    expect(inputs(app).appRoles.map((r: any) => r.value)).toEqual([
      "app.claims-assistant",
      "app.fraud-scoring",
      "app.doc-search",
      "app.hr-chatbot",
    ]);
    expect(inputs(ofType(run, TYPES.servicePrincipal)[0]).appRoleAssignmentRequired).toBe(true);
  });

  test("the vault: RBAC, soft delete, purge protection, protected", () => {
    const [vault] = ofType(run, TYPES.vault);
    expect(inputs(vault).properties).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
    });
    expect(vault.protect).toBe(true);
    expect(ofType(run, TYPES.secret).map(s => inputs(s).properties)).toEqual(["[secret]"]);
  });

  test("the identity may call every account, the role defined in the account's own subscription", () => {
    const openAiUser = ofType(run, TYPES.roleAssignment)
      .map(inputs)
      .filter(r => r.roleDefinitionId.endsWith(ROLES.cognitiveServicesOpenAiUser));
    const accountNames = ofType(run, TYPES.account)
      .map(a => inputs(a).accountName as string)
      .sort();
    expect(openAiUser.map(r => r.scope.split("/Microsoft.CognitiveServices/accounts/")[1]).sort()).toEqual(
      accountNames,
    );
    const overflow = openAiUser.find(r => r.scope.startsWith("/subscriptions/22222222-2222-4222-8222-222222222222/"))!;
    expect(overflow.roleDefinitionId).toMatch(/^\/subscriptions\/22222222-2222-4222-8222-222222222222\//);
  });

  test("observability: token metrics on, no bodies logged, diagnostics from every account and the gateway", () => {
    const [diag] = ofType(run, TYPES.apiDiagnostic);
    expect(inputs(diag)).toMatchObject({ metrics: true, frontend: { request: { body: { bytes: 0 } } } });
    const targets = ofType(run, TYPES.diagnosticSetting).map(d => inputs(d).resourceUri as string);
    for (const a of ofType(run, TYPES.account))
      expect(targets.some(t => t.endsWith(`/accounts/${inputs(a).accountName}`))).toBe(true);
    // One per gateway region's workspace (test/regionalLogs.test.ts).
    expect(targets.filter(t => t.includes("/Microsoft.ApiManagement/service/"))).toHaveLength(2);
  });
});

describe("dev: one gateway per region, subscription keys", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("dev");
  });

  test("a BasicV2 service in each gateway region, each with the full set of backends and pools", () => {
    const services = ofType(run, TYPES.apimService);
    expect(services.map(s => inputs(s).location).sort()).toEqual(["centralus", "eastus2"]);
    for (const s of services) {
      expect(inputs(s)).toMatchObject({ sku: { name: "BasicV2", capacity: 1 }, developerPortalStatus: "Disabled" });
      expect(inputs(s).additionalLocations).toBeUndefined();
    }
    const perService = (type: string) =>
      services.map(s => ofType(run, type).filter(r => inputs(r).serviceName === inputs(s).serviceName).length);
    // 2 accounts x 2 deployments, and a pool per chain (2).
    expect(perService(TYPES.backend)).toEqual([6, 6]);
    expect(perService(TYPES.apiPolicy)).toEqual([1, 1]);
  });

  test("one key pair per application, generated once, kept in Key Vault and set on every region's subscription", () => {
    const passwords = ofType(run, TYPES.randomPassword);
    expect(passwords.map(p => p.name).sort()).toEqual([
      "gateway-keys-playground-primary",
      "gateway-keys-playground-secondary",
    ]);
    const subscriptions = ofType(run, TYPES.subscription);
    expect(subscriptions.map(s => inputs(s).serviceName)).toEqual(
      ofType(run, TYPES.apimService).map(s => inputs(s).serviceName),
    );
    for (const s of subscriptions) {
      expect(inputs(s)).toMatchObject({
        sid: "playground",
        state: "active",
        primaryKey: "[secret]",
        secondaryKey: "[secret]",
      });
      expect(s.dependsOn).toEqual(expect.arrayContaining(passwords.map(p => p.urn)));
    }
    for (const slot of ["primary", "secondary"]) {
      const secret = ofType(run, TYPES.secret).find(
        s => inputs(s).secretName === `apim-subscription-playground-${slot}`,
      )!;
      expect(secret.dependsOn).toContain(named(run, TYPES.randomPassword, `gateway-keys-playground-${slot}`).urn);
    }
    expect((run.outputs.gateway as any).subscriptionKeySecrets).toEqual({
      playground: {
        primary: "apim-subscription-playground-primary",
        secondary: "apim-subscription-playground-secondary",
      },
    });
  });

  test("each application gets a product; the API requires a key in api-key", () => {
    expect(ofType(run, TYPES.product).map(p => inputs(p).productId)).toEqual(["playground", "playground"]);
    for (const api of ofType(run, TYPES.api))
      expect(inputs(api)).toMatchObject({
        subscriptionRequired: true,
        subscriptionKeyParameterNames: { header: "api-key" },
      });
    expect(ofType(run, TYPES.application)).toEqual([]);
  });
});

describe("key mode, send-request strategy and a custom gateway domain, in one run", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod", {
      edit: v => {
        v.openai = { auth: "keys" };
        v.gateway.strategy = "send-request";
        v.network.gatewayDomain = "aoai.contoso.internal";
        v.gateway.certificate = { keyVaultId: CERT_VAULT, secretName: "aoai-tls" };
      },
    });
  });

  test("every account key lives in Key Vault and reaches the backends only through named values", () => {
    const secrets = ofType(run, TYPES.secret)
      .map(s => inputs(s).secretName)
      .sort();
    expect(secrets).toEqual(
      [
        "appinsights-connection-string",
        ...ofType(run, TYPES.account).map(a => `openai-key-${a.name.replace(/-account$/, "")}`),
      ].sort(),
    );
    for (const b of deploymentBackends(run)) {
      const account = (inputs(b).backendId as string).split("--")[0];
      expect(inputs(b).credentials).toEqual({ header: { "api-key": [`{{openai-key-${account}}}`] } });
    }
    for (const a of ofType(run, TYPES.account)) expect(inputs(a).properties.disableLocalAuth).toBe(false);
    // No key value anywhere in what the engine receives.
    expect(JSON.stringify(run.resources.map(r => r.inputs))).not.toMatch(/[0-9a-f]{32}"/);
  });

  test("the gateway serves the custom domain with the named Key Vault certificate, read by its identity after its grant", () => {
    const service = named(run, TYPES.apimService, "gateway-service");
    const identity = named(run, TYPES.userAssignedIdentity, "gateway-identity");
    expect(inputs(service).hostnameConfigurations).toEqual([
      {
        type: "Proxy",
        hostName: "aoai.contoso.internal",
        keyVaultId: "https://kv-pki.vault.azure.net/secrets/aoai-tls",
        identityClientId: inputs(ofType(run, TYPES.namedValue).find(n => inputs(n).secret)!).keyVault.identityClientId,
        certificateSource: "KeyVault",
        defaultSslBinding: true,
        negotiateClientCertificate: false,
      },
    ]);
    const grant = named(run, TYPES.roleAssignment, "gateway-identity-certificate-reader");
    expect(inputs(grant)).toMatchObject({
      scope: CERT_VAULT,
      roleDefinitionId: `/subscriptions/33333333-3333-4333-8333-333333333333/providers/Microsoft.Authorization/roleDefinitions/${ROLES.keyVaultSecretsUser}`,
    });
    expect(grant.dependsOn).toContain(identity.urn);
    expect(service.dependsOn).toContain(grant.urn);
  });

  test("send-request: the account endpoints are plain named values, and the policy names existing backends", () => {
    const endpoints = ofType(run, TYPES.namedValue).filter(n =>
      (inputs(n).namedValueId as string).startsWith("openai-endpoint-"),
    );
    expect(endpoints).toHaveLength(ofType(run, TYPES.account).length);
    for (const e of endpoints)
      expect(inputs(e)).toMatchObject({
        secret: false,
        value: expect.stringMatching(/^https:\/\/.*\.openai\.azure\.com\/$/),
      });
    const xml = xmlOf(run);
    expect(xml).toContain('<send-request mode="new"');
    for (const ref of referencedNamedValues(xml))
      expect(ofType(run, TYPES.namedValue).map(n => inputs(n).namedValueId)).toContain(ref);
    const backendIds = ofType(run, TYPES.backend).map(b => inputs(b).backendId);
    // Every hop names the (account, deployment) it replays to: each must be a declared backend.
    const hops = [...xml.matchAll(/<set-variable name="served-by" value="([^"]+)"/g)].map(m => m[1]);
    expect(hops.length).toBeGreaterThan(0);
    for (const id of hops) expect(backendIds).toContain(id);
  });
});

test("a custom gateway domain without its certificate is refused, naming the key", () => {
  const values = stackValues("prod");
  values.network.gatewayDomain = "aoai.contoso.internal";
  expect(() => parseConfig(values)).toThrow(ConfigError);
  expect(() => parseConfig(values)).toThrow(
    /aoai-bcdr:gateway\.certificate: network\.gatewayDomain 'aoai\.contoso\.internal' needs the TLS certificate/,
  );
  values.network.gatewayDomain = undefined;
  values.gateway.certificate = { keyVaultId: "kv-pki", secretName: "aoai-tls" };
  expect(() => parseConfig(values)).toThrow(/aoai-bcdr:gateway\.certificate\.keyVaultId: must be a Key Vault's ARM id/);
});

describe("backend ids", () => {
  test("fit API Management's 80 characters, deterministically, and stay distinct", () => {
    expect(backendId("standard-primary", "gpt-5.1")).toBe("standard-primary--gpt-5.1");
    const long = (region: string) =>
      backendId(`overflow-${"a".repeat(24)}-${region}`, "gpt-5-mini-realtime-preview-2024-12-17");
    expect(long("australiasoutheast").length).toBeLessThanOrEqual(BACKEND_ID_MAX);
    expect(long("australiasoutheast")).toBe(long("australiasoutheast"));
    expect(long("australiasoutheast")).not.toBe(long("germanywestcentral"));
    expect(long("australiasoutheast")).toMatch(/^overflow-a+-australiasoutheast--gpt-5-mini-.*-[0-9a-f]{8}$/);
  });
});

describe("active/passive standard routing", () => {
  test("the passive region's accounts, overflow included, stand behind every account of the active region", async () => {
    const values = stackValues("dev");
    values.overflowSubscriptions = [
      { name: "sub-b", subscriptionId: "22222222-2222-4222-8222-222222222222", regions: ["eastus2", "centralus"] },
    ];
    for (const region of ["eastus2", "centralus"])
      for (const model of ["gpt-5-mini", "gpt-5"]) {
        values.quota.declared.push({ subscription: "sub-b", region, sku: "DataZoneStandard", model, capacity: 100 });
      }
    // Four standard tiers in one chain: their timeouts must fit Front Door's origin timeout for the stack to be accepted.
    values.gateway.tierTimeoutSeconds = { standard: 55 };
    const { config, capacities } = await validateStack(values);
    const topology = buildTopology(config, capacities);
    for (const chain of topology.chains) {
      const priority = Object.fromEntries(chain.tiers.map(t => [t.account, t.priority]));
      expect(priority).toEqual({
        "standard-primary": TIER_PRIORITY.standard,
        "overflow-sub-b-eastus2": TIER_PRIORITY.standard,
        "standard-secondary": TIER_PRIORITY.standardSecondary,
        "overflow-sub-b-centralus": TIER_PRIORITY.standardSecondary,
      });
    }
  });
});

describe("API Management mock: answers and refusals per tier", () => {
  const ip = () => "10.0.0.4";
  test("v2 tiers have no regional gateway URL; Premium has one per location", () => {
    const v2 = new ApimMock().service("apim-a", { sku: { name: "StandardV2" }, location: "eastus2" }, ip);
    expect(v2).toMatchObject({ gatewayUrl: "https://apim-a.azure-api.net", gatewayRegionalUrl: undefined });
    const premium = new ApimMock().service(
      "apim-b",
      { sku: { name: "Premium" }, location: "eastus2", additionalLocations: [{ location: "centralus" }] },
      ip,
    );
    expect(premium.gatewayRegionalUrl).toBe("https://apim-b-eastus2-01.regional.azure-api.net");
    expect(premium.additionalLocations[0].gatewayRegionalUrl).toBe(
      "https://apim-b-centralus-01.regional.azure-api.net",
    );
  });

  test("refuses what Azure refuses: locations, zones and VNets beyond the tier, a zonal gateway on a non-zonal IP", () => {
    const mock = new ApimMock();
    expect(() =>
      mock.service(
        "a",
        { sku: { name: "StandardV2" }, location: "eastus2", additionalLocations: [{ location: "centralus" }] },
        ip,
      ),
    ).toThrow(ApimRefusal);
    expect(() => mock.service("a", { sku: { name: "BasicV2" }, location: "eastus2", zones: ["1", "2"] }, ip)).toThrow(
      /availability zone/,
    );
    expect(() =>
      mock.service("a", { sku: { name: "Standard" }, location: "eastus2", virtualNetworkType: "Internal" }, ip),
    ).toThrow(/VNet injection/);
    mock.publicIp("/ip/regional", { sku: { name: "Standard" } });
    mock.publicIp("/ip/zonal", { sku: { name: "Standard" }, zones: ["1", "2", "3"] });
    const zonal = (publicIpAddressId: string) => ({
      sku: { name: "Premium" },
      location: "eastus2",
      zones: ["1", "2"],
      publicIpAddressId,
    });
    expect(() => mock.service("a", zonal("/ip/regional"), ip)).toThrow(/not in zone\(s\) 1, 2/);
    expect(() => mock.service("a", zonal("/ip/zonal"), ip)).not.toThrow();
    const domain = {
      hostnameConfigurations: [{ type: "Proxy", hostName: "aoai.contoso.internal", identityClientId: "c" }],
    };
    expect(() =>
      mock.service(
        "a",
        { sku: { name: "Premium" }, location: "eastus2", ...domain, identity: { type: "SystemAssigned" } },
        ip,
      ),
    ).toThrow(/no user-assigned identity/);
    expect(() =>
      mock.service(
        "a",
        {
          sku: { name: "Premium" },
          location: "eastus2",
          ...domain,
          identity: { type: "UserAssigned", userAssignedIdentities: { "/id": {} } },
        },
        ip,
      ),
    ).not.toThrow();
  });
});

/**
 * The gateway's Azure resources, through the whole program: the service and its identity, a backend per
 * (account, deployment) and no pools (the policy walks the steps), the whole OpenAI API surface, Key Vault-backed named values
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
import { ProgramRun } from "../stacks/engine/runner";
import { inputs, named } from "./components";
import { TYPES } from "../catalog/types";
import { stableGuid } from "../infra/identity";
import { ofType, policyTree, runStack } from "./support";
import { stackValues } from "./stackValues";
import type { Loose } from "./loose";

const pools = (run: ProgramRun) => ofType(run, TYPES.backend).filter(b => inputs(b).type === "Pool");
const deploymentBackends = (run: ProgramRun) => ofType(run, TYPES.backend).filter(b => inputs(b).type !== "Pool");
/** Each chain's literal `steps` in the policy: chain name -> backend ids in walking order. */
const chainSteps = (run: ProgramRun): Record<string, string[]> => {
  const steps: Record<string, string[]> = {};
  for (const e of descendants(policyTree(xmlOf(run)))) {
    const chain = e.children.find(c => c.attributes.name === "chain")?.attributes.value;
    const literal = e.children.find(c => c.attributes.name === "steps")?.attributes.value;
    if (e.name === "when" && chain && literal) steps[chain] = literal.split(";").map(step => step.split(",")[0]);
  }
  return steps;
};
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
    expect(Object.keys((run.outputs.gateway as Loose).hosts).sort()).toEqual(["centralus", "eastus2"]);
  });

  test("a zone-redundant gateway gets zone-redundant public IPs, in every zone of their region", () => {
    const ips = ofType(run, TYPES.publicIp);
    expect(ips.map(ip => inputs(ip).location).sort()).toEqual(["centralus", "eastus2"]);
    for (const ip of ips) expect(inputs(ip)).toMatchObject({ sku: { name: "Standard" }, zones: ["1", "2", "3"] });
  });

  test("the identity holds every role before the service exists: the service depends on each grant", () => {
    // The gateway identity's grants (the failover watchdog's identity holds its own, tested with it).
    const roles = ofType(run, TYPES.roleAssignment).filter(
      r => inputs(r).principalId === identity().outputs.principalId,
    );
    const principal = `${inputs(identity()).resourceName}`;
    expect(roles.length).toBe(1 + ofType(run, TYPES.account).length);
    expect(principal).toBe("id-aoai-prod-gateway-eastus2");
    expect(inputs(roles[0]).principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(named(run, TYPES.apimService, "gateway-service").dependsOn).toEqual(
      expect.arrayContaining(roles.map(r => r.urn)),
    );
    // The grants reference the identity, never the service: no cycle, and they can be made first.
    for (const r of roles) expect(r.dependsOn).not.toContain(named(run, TYPES.apimService, "gateway-service").urn);
  });

  test("telemetry needs no secret: Application Insights takes Entra ID only, the logger ingests as the identity, which publishes there before the service exists", () => {
    const [appInsights] = ofType(run, TYPES.appInsights);
    expect(inputs(appInsights).disableLocalAuth).toBe(true);
    expect(ofType(run, TYPES.namedValue).filter(n => inputs(n).secret)).toEqual([]);
    expect(inputs(ofType(run, TYPES.logger)[0]).credentials).toEqual({
      connectionString: expect.stringMatching(/^InstrumentationKey=[0-9a-f-]{36};IngestionEndpoint=https:\/\//),
      identityClientId: identity().outputs.clientId,
    });
    const publisher = named(run, TYPES.roleAssignment, "gateway-identity-appinsights-publisher");
    expect(inputs(publisher)).toMatchObject({
      scope: appInsights.outputs.id,
      principalId: identity().outputs.principalId,
      roleDefinitionId: expect.stringMatching(new RegExp(`/roleDefinitions/${ROLES.monitoringMetricsPublisher}$`)),
    });
    expect(named(run, TYPES.apimService, "gateway-service").dependsOn).toContain(publisher.urn);
    const ids = ofType(run, TYPES.namedValue).map(n => inputs(n).namedValueId);
    for (const ref of referencedNamedValues(xmlOf(run))) expect(ids).toContain(ref);
  });

  test("private mode: the vault has a private endpoint and DNS record in every gateway region", () => {
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
  });

  test("the policy calls the accounts as the user-assigned identity (client-id)", () => {
    const clientId = identity().outputs.clientId;
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
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
            // 408 is Azure OpenAI's own timeout: the step is skipped like a throttled one.
            statusCodeRanges: [
              { min: 408, max: 408 },
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

  test("no backend pools: each chain's steps name only its own deployment's backends, each a declared backend", () => {
    expect(pools(run)).toEqual([]);
    const chains = run.outputs.chains as Record<string, { deployment: string }>;
    const declared = deploymentBackends(run).map(b => inputs(b).backendId);
    const steps = chainSteps(run);
    expect(Object.keys(steps).sort()).toEqual(Object.keys(chains).sort());
    for (const [chain, ids] of Object.entries(steps))
      for (const id of ids) {
        expect(id.endsWith(`--${chains[chain].deployment}`)).toBe(true);
        expect(declared).toContain(id);
      }
  });

  test("chains walk workload PTU -> enterprise PTU -> standard", () => {
    const roleOf = (member: string) =>
      inputs(ofType(run, TYPES.account).find(a => member.startsWith(`${a.name.replace(/-account$/, "")}--`))!).tags[
        "bcdr-role"
      ];
    expect(chainSteps(run)["workload-claims"].map(roleOf)).toEqual([
      "workload-ptu",
      "enterprise-ptu",
      "standard",
      "standard",
      "standard",
      "standard",
    ]);
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

  test("the API policy is generated, well-formed XML, and waits for every backend it names", () => {
    const [policy] = ofType(run, TYPES.apiPolicy);
    expect(inputs(policy)).toMatchObject({ apiId: "azure-openai", format: "xml" });
    expect(XMLValidator.validate(inputs(policy).value)).toBe(true);
    expect(policy.dependsOn).toEqual(expect.arrayContaining(deploymentBackends(run).map(b => b.urn)));
    expect(inputs(policy).value).toContain(
      '<retry condition="@((context.Response.StatusCode == 408 || context.Response.StatusCode == 429 || context.Response.StatusCode &gt;= 500) &amp;&amp;',
    );
    expect(ofType(run, TYPES.api).map(a => inputs(a))).toEqual([
      expect.objectContaining({ path: "openai", protocols: ["https"], subscriptionRequired: false }),
    ]);
  });

  test("Entra ID: the identifier URI in its default form api://<app id> (every tenant's policy accepts it), the audience the policy validates", () => {
    const [app] = ofType(run, TYPES.application);
    const uri = `api://${app.outputs.clientId}`;
    // Its own resource, once the app (and so its client id) exists; the app leaves the property to it.
    expect(inputs(app).identifierUris).toBeUndefined();
    const [identifierUri] = ofType(run, TYPES.applicationIdentifierUri);
    expect(inputs(identifierUri)).toEqual({ applicationId: app.outputs.id, identifierUri: uri });
    // https://learn.microsoft.com/graph/api/resources/identifieruriconfiguration: nonDefaultUriAddition
    expect(uri).toMatch(/^api:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((run.outputs.gateway as Loose).audience).toBe(uri);
    const inbound = policyTree(xmlOf(run)).children.find(e => e.name === "inbound")!;
    const token = inbound.children.find(e => e.name === "validate-azure-ad-token")!;
    expect(descendants(token).flatMap(e => (e.name === "audience" ? [e.text] : []))).toContain(uri);
    expect(inputs(app).appRoles.map((r: Loose) => r.value)).toEqual([
      "app.claims-assistant",
      "app.fraud-scoring",
      "app.doc-search",
      "app.hr-chatbot",
    ]);
    expect(inputs(ofType(run, TYPES.servicePrincipal)[0]).appRoleAssignmentRequired).toBe(true);
  });

  test("the deployer owns the app registration and its service principal (Application.ReadWrite.OwnedBy keeps working)", () => {
    const deployer = stableGuid("object");
    for (const type of [TYPES.application, TYPES.servicePrincipal]) {
      const [resource] = ofType(run, type);
      expect(inputs(resource).owners).toEqual([deployer]);
    }
  });

  test("the vault: RBAC, soft delete, purge protection, firewall on, audit log in the workspace, protected", () => {
    const [vault] = ofType(run, TYPES.vault);
    expect(inputs(vault).properties).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny" },
    });
    expect(vault.protect).toBe(true);
    // Managed identity to the accounts, Entra ID callers, Entra ID telemetry: prod keeps no secret at all.
    expect(ofType(run, TYPES.secret)).toEqual([]);
    const audit = named(run, TYPES.diagnosticSetting, "vault-diagnostics");
    expect(inputs(audit)).toMatchObject({
      resourceUri: vault.outputs.id,
      workspaceId: ofType(run, TYPES.workspace)[0].outputs.id,
      logs: [{ categoryGroup: "allLogs", enabled: true }],
    });
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

  test("a Standard v2 service in each gateway region, each with the full set of backends", () => {
    const services = ofType(run, TYPES.apimService);
    expect(services.map(s => inputs(s).location).sort()).toEqual(["centralus", "eastus2"]);
    for (const s of services) {
      expect(inputs(s)).toMatchObject({ sku: { name: "StandardV2", capacity: 1 }, developerPortalStatus: "Disabled" });
      expect(inputs(s).additionalLocations).toBeUndefined();
    }
    const perService = (type: string) =>
      services.map(s => ofType(run, type).filter(r => inputs(r).serviceName === inputs(s).serviceName).length);
    // 2 accounts x 2 deployments; no pools.
    expect(perService(TYPES.backend)).toEqual([4, 4]);
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
    expect((run.outputs.gateway as Loose).subscriptionKeySecrets).toEqual({
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

describe("key mode and a custom gateway domain, in one run", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod", {
      edit: v => {
        v.openai = { auth: "keys" };
        v.network.gatewayDomain = "aoai.contoso.internal";
        v.gateway.certificate = { keyVaultId: CERT_VAULT, secretName: "aoai-tls", reachedBy: "public-network" };
      },
    });
  });

  test("every account key lives in Key Vault and reaches the backends only through named values", () => {
    const secrets = ofType(run, TYPES.secret)
      .map(s => inputs(s).secretName)
      .sort();
    expect(secrets).toEqual(
      ofType(run, TYPES.account)
        .map(a => `openai-key-${a.name.replace(/-account$/, "")}`)
        .sort(),
    );
    for (const b of deploymentBackends(run)) {
      const account = (inputs(b).backendId as string).split("--")[0];
      expect(inputs(b).credentials).toEqual({ header: { "api-key": [`{{openai-key-${account}}}`] } });
    }
    for (const a of ofType(run, TYPES.account)) expect(inputs(a).properties.disableLocalAuth).toBe(false);
    // No key value anywhere in what the engine receives.
    expect(JSON.stringify(run.resources.map(r => r.inputs))).not.toMatch(/[0-9a-f]{32}"/);
  });

  test("the firewalled vault is read as the service's system-assigned identity, after its grant, the wait for it, the vault's private endpoints and DNS records", () => {
    const service = named(run, TYPES.apimService, "gateway-service");
    expect(inputs(service).identity.type).toBe("SystemAssigned, UserAssigned");
    const grant = named(run, TYPES.roleAssignment, "gateway-system-identity-vault-secrets-user");
    expect(inputs(grant)).toMatchObject({
      scope: ofType(run, TYPES.vault)[0].outputs.id,
      principalId: (service.outputs.identity as { principalId: string }).principalId,
      roleDefinitionId: expect.stringMatching(new RegExp(`/roleDefinitions/${ROLES.keyVaultSecretsUser}$`)),
    });
    const wait = named(run, TYPES.sleep, "gateway-system-identity-propagation");
    expect(inputs(wait).createDuration).toBe("10m");
    expect(wait.dependsOn).toContain(grant.urn);
    // The user-assigned identity is never granted on the stack's vault: its firewall would refuse it anyway.
    expect(ofType(run, TYPES.roleAssignment).filter(r => inputs(r).scope === inputs(grant).scope)).toEqual([grant]);
    const vaultName = inputs(ofType(run, TYPES.vault)[0]).vaultName;
    const vaultAccess = [
      ...ofType(run, TYPES.privateEndpoint).filter(e =>
        (inputs(e).privateLinkServiceConnections[0].privateLinkServiceId as string).includes("/vaults/"),
      ),
      ...ofType(run, TYPES.record).filter(r => inputs(r).relativeRecordSetName === vaultName),
    ];
    expect(vaultAccess).toHaveLength(4);
    const vaultBacked = ofType(run, TYPES.namedValue).filter(n => inputs(n).secret);
    expect(vaultBacked).toHaveLength(ofType(run, TYPES.account).length);
    for (const nv of vaultBacked) {
      expect(inputs(nv).keyVault).toEqual({
        secretIdentifier: expect.stringMatching(
          /^https:\/\/kv-prod-[a-z0-9-]+\.vault\.azure\.net\/secrets\/[a-z0-9-]+$/,
        ),
      });
      expect(inputs(nv).value).toBeUndefined();
      expect(nv.dependsOn).toEqual(expect.arrayContaining([wait.urn, ...vaultAccess.map(r => r.urn)]));
    }
  });

  test("the gateway serves the custom domain with the named Key Vault certificate, read by its identity after its grant", () => {
    const service = named(run, TYPES.apimService, "gateway-service");
    const identity = named(run, TYPES.userAssignedIdentity, "gateway-identity");
    expect(inputs(service).hostnameConfigurations).toEqual([
      {
        type: "Proxy",
        hostName: "aoai.contoso.internal",
        keyVaultId: "https://kv-pki.vault.azure.net/secrets/aoai-tls",
        identityClientId: identity.outputs.clientId,
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

  test("no endpoint named values (nothing replays): the policy names existing backends only", () => {
    expect(
      ofType(run, TYPES.namedValue).filter(n => (inputs(n).namedValueId as string).startsWith("openai-endpoint-")),
    ).toEqual([]);
    const xml = xmlOf(run);
    expect(xml).not.toContain("send-request");
    for (const ref of referencedNamedValues(xml))
      expect(ofType(run, TYPES.namedValue).map(n => inputs(n).namedValueId)).toContain(ref);
    const backendIds = ofType(run, TYPES.backend).map(b => inputs(b).backendId);
    const steps = Object.values(chainSteps(run)).flat();
    expect(steps.length).toBeGreaterThan(0);
    for (const id of steps) expect(backendIds).toContain(id);
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

test("a certificate vault the service cannot read when it is created is refused: the stack must declare it reached over the public network", () => {
  const values = stackValues("prod");
  values.network.gatewayDomain = "aoai.contoso.internal";
  values.gateway.certificate = { keyVaultId: CERT_VAULT, secretName: "aoai-tls" };
  expect(() => parseConfig(values)).toThrow(/aoai-bcdr:gateway\.certificate\.reachedBy: must be 'public-network'/);
  values.gateway.certificate.reachedBy = "private-endpoint";
  expect(() => parseConfig(values)).toThrow(/firewalled vault refuses/);
  values.gateway.certificate.reachedBy = "public-network";
  expect(() => parseConfig(values)).not.toThrow();
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
      for (const model of ["gpt-5.4-mini", "gpt-5.1"]) {
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

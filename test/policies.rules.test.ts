/**
 * Every rule of the pack passes on the dev and prod plans, and catches the topology it guards against:
 * each case breaks a copy of a plan one way and expects violations of that rule alone.
 */
import { PolicyConfig, evaluatePack } from "../policies/evaluate";
import { rules } from "../policies/pack";
import { Plan } from "../stacks/plan";
import { PlannedResource } from "../stacks/runner";
import { Stack, clone, copyOf, named, plan, stackPolicyConfig, without } from "./policySupport";
import { runStack } from "./support";

// The value the engine sends for an input a preview does not know yet (@pulumi/policy's proxy.ts).
const UNKNOWN: string = require("@pulumi/policy/proxy").unknownStringValue;
const API_KEY = "0123456789abcdef0123456789abcdef";

interface Breakage {
  readonly rule: string;
  readonly stack: Stack;
  readonly breaks: string;
  readonly apply: (resources: PlannedResource[]) => PlannedResource[];
  readonly message: RegExp;
  /** Replaces the stack's policy config. */
  readonly config?: PolicyConfig;
}

const edit = (name: string, change: (inputs: Record<string, any>) => void) => (resources: PlannedResource[]) => {
  change(named(resources, name).inputs);
  return resources;
};

const addToInbound = (policy: string, xml: string) =>
  edit(policy, i => { i.value = i.value.replace("<inbound>\n    <base/>", `<inbound>\n    <base/>\n    ${xml}`); });

const BREAKAGES: readonly Breakage[] = [
  {
    rule: "paired-openai-accounts", stack: "dev", breaks: "both accounts in one region",
    apply: edit("standard-secondary-account", i => { i.location = "eastus2"; }),
    message: /span 1 region\(s\) \(eastus2\); at least 2 are needed/,
  },
  {
    rule: "standard-model-parity", stack: "prod", breaks: "another model version in the secondary region",
    apply: edit("standard-secondary-gpt-4o", i => { i.properties.model.version = "2024-08-06"; }),
    message: /'standard-secondary-gpt-4o' runs gpt-4o 2024-08-06 DataZoneStandard but 'standard-primary-gpt-4o' runs gpt-4o 2024-11-20/,
  },
  {
    rule: "standard-model-parity", stack: "dev", breaks: "a model missing in the secondary region",
    apply: resources => without(resources, "standard-secondary-gpt-4.1-mini"),
    message: /'gpt-4.1-mini' \(gpt-4.1-mini 2025-04-14 DataZoneStandard\) is missing in centralus: deploy it on account 'standard-secondary-account'/,
  },
  {
    rule: "standard-deployment-sku", stack: "dev", breaks: "a provisioned SKU on the standard tier",
    apply: resources => ["standard-primary-gpt-4o-mini", "standard-secondary-gpt-4o-mini"]
      .reduce((rs, name) => edit(name, i => { i.sku.name = "GlobalProvisionedManaged"; })(rs), resources),
    message: /'standard-primary-gpt-4o-mini' uses SKU GlobalProvisionedManaged/,
  },
  {
    rule: "regional-standard-deployment", stack: "dev", breaks: "regional Standard deployments",
    apply: resources => ["standard-primary-gpt-4o-mini", "standard-secondary-gpt-4o-mini"]
      .reduce((rs, name) => edit(name, i => { i.sku.name = "Standard"; })(rs), resources),
    message: /'standard-secondary-gpt-4o-mini' uses the regional Standard SKU/,
  },
  {
    rule: "data-zone-consistency", stack: "prod", breaks: "an account outside the allowed zones",
    apply: edit("enterprise-ptu-account", i => { i.location = "swedencentral"; }),
    message: /'enterprise-ptu-account' is in swedencentral, in the EU data zone; this stack allows only US/,
  },
  {
    rule: "data-zone-consistency", stack: "dev", breaks: "data-zone deployments in two zones",
    apply: edit("standard-secondary-account", i => { i.location = "francecentral"; }),
    config: { ...stackPolicyConfig("dev"), "data-zone-consistency": {} },
    message: /'standard-secondary-account' has data-zone deployments in the EU zone \(francecentral\) but the stack's others are in the US zone/,
  },
  {
    rule: "data-zone-consistency", stack: "dev", breaks: "data-zone deployments outside any zone",
    apply: edit("standard-secondary-account", i => { i.location = "japaneast"; }),
    config: { ...stackPolicyConfig("dev"), "data-zone-consistency": {} },
    message: /'standard-secondary-account' has data-zone deployments but japaneast is in no data zone/,
  },
  {
    rule: "one-deployment-per-model", stack: "dev", breaks: "a model's quota split across two deployments",
    apply: resources => [...resources, ...["standard-primary-gpt-4o-mini", "standard-secondary-gpt-4o-mini"]
      .map(name => copyOf(named(resources, name), `${name}-2`, i => { i.deploymentName = "gpt-4o-mini-2"; }))],
    message: /'standard-primary-account' deploys gpt-4o-mini twice \('standard-primary-gpt-4o-mini' and 'standard-primary-gpt-4o-mini-2'\)/,
  },
  {
    rule: "ptu-region-separation", stack: "prod", breaks: "the enterprise pool in the primary region",
    apply: edit("enterprise-ptu-account", i => { i.location = "eastus2"; }),
    message: /Enterprise PTU account 'enterprise-ptu-account' is in eastus2, the primary standard region/,
  },
  {
    rule: "ptu-region-separation", stack: "prod", breaks: "a workload pool in the enterprise pool's region",
    apply: edit("workload-fraud-account", i => { i.location = "westus3"; }),
    message: /Workload PTU account 'workload-fraud-account' \(workload fraud\) is in westus3, the enterprise PTU pool's region/,
  },
  {
    rule: "gateway-multi-region", stack: "prod", breaks: "a single-region gateway",
    apply: edit("gateway-service", i => { delete i.additionalLocations; }),
    message: /runs in eastus2 only; at least 2 regions are needed: add additionalLocations to 'gateway-service'/,
  },
  {
    rule: "circuit-breaker-backends", stack: "dev", breaks: "a backend without circuit breaker",
    apply: edit("gateway-eastus2-backend-standard-secondary--gpt-4o-mini", i => { delete i.circuitBreaker; }),
    message: /Backend 'gateway-eastus2-backend-standard-secondary--gpt-4o-mini' \(OpenAI account 'standard-secondary-account'\) has no circuit breaker/,
  },
  {
    rule: "circuit-breaker-backends", stack: "prod", breaks: "a breaker that ignores 429",
    apply: edit("gateway-backend-enterprise-ptu--gpt-4o", i => { i.circuitBreaker.rules[0].failureCondition.statusCodeRanges = [{ min: 500, max: 599 }]; }),
    message: /Backend 'gateway-backend-enterprise-ptu--gpt-4o' .* no circuit breaker tripping on both 429 and 5xx/,
  },
  {
    rule: "circuit-breaker-backends", stack: "dev", breaks: "an account without a backend in one gateway",
    apply: resources => ["gpt-4o-mini", "gpt-4.1-mini"].reduce((rs, d) =>
      edit(`gateway-centralus-backend-standard-primary--${d}`, i => { i.url = "https://elsewhere.openai.azure.com/openai"; })(rs), resources),
    message: /Gateway 'gateway-centralus-service' has no backend for OpenAI account 'standard-primary-account'/,
  },
  {
    rule: "backend-pool-priorities", stack: "prod", breaks: "a workload PTU served after the enterprise pool",
    apply: edit("gateway-pool-workload-claims", i => { i.pool.services[0].priority = 5; }),
    message: /Pool 'gateway-pool-workload-claims' does not serve 'workload-claims--gpt-4o' \(workload-ptu, priority 5\) before 'enterprise-ptu--gpt-4o' \(enterprise-ptu, priority 2\)/,
  },
  {
    rule: "backend-pool-priorities", stack: "prod", breaks: "a pool member that is no backend",
    apply: edit("gateway-pool-shared-gpt-4.1", i => { i.pool.services[0].id = i.pool.services[0].id.replace(/standard-primary--gpt-4\.1$/, "retired"); }),
    message: /Pool 'gateway-pool-shared-gpt-4.1' lists .*\/backends\/retired, which is no backend of its gateway/,
  },
  {
    rule: "api-policy-failover", stack: "dev", breaks: "a failover that never moves on 429 (throttling)",
    apply: edit("gateway-eastus2-api-policy", i => { i.value = i.value.replace(/ == 429\b/g, " == 404"); }),
    message: /Gateway 'gateway-eastus2-service' has no policy that fails over on 429 and 5xx/,
  },
  {
    rule: "key-vault-named-values", stack: "dev", breaks: "a secret named value stored in API Management",
    apply: edit("gateway-eastus2-nv-appinsights-connection-string", i => { delete i.keyVault; i.value = "[secret]"; }),
    message: /Secret named value 'appinsights-connection-string' is stored in API Management: set keyVault.secretIdentifier/,
  },
  {
    rule: "key-vault-named-values", stack: "dev", breaks: "a key in a plain named value",
    apply: edit("gateway-centralus-nv-front-door-id", i => { i.value = API_KEY; }),
    message: /Named value 'front-door-id' holds an API key in plain text/,
  },
  {
    rule: "no-secrets-in-policy-xml", stack: "dev", breaks: "a literal api-key header",
    apply: addToInbound("gateway-eastus2-api-policy", `<set-header name="api-key" exists-action="override"><value>${API_KEY}</value></set-header>`),
    message: /Policy 'gateway-eastus2-api-policy': <set-header name="api-key"> sets a literal value; reference a secret named value/,
  },
  {
    rule: "no-secrets-in-policy-xml", stack: "prod", breaks: "a literal password",
    apply: addToInbound("gateway-api-policy", `<authentication-basic username="svc" password="correct-horse" />`),
    message: /<authentication-basic> has a literal password/,
  },
  {
    rule: "private-account-access", stack: "prod", breaks: "a public account in private mode",
    apply: edit("standard-primary-account", i => { i.properties.publicNetworkAccess = "Enabled"; }),
    message: /'standard-primary-account' allows public network access in a private-mode stack/,
  },
  {
    rule: "private-endpoints", stack: "prod", breaks: "an account without private endpoint in one gateway region",
    apply: resources => without(resources, "network-centralus-private-link-pe-enterprise-ptu"),
    message: /'enterprise-ptu-account' has no private endpoint in gateway region centralus/,
  },
  {
    rule: "split-brain-dns", stack: "prod", breaks: "a zone linked to another region's VNet",
    apply: resources => [...resources, copyOf(named(resources, "network-eastus2-private-link-openai-link"), "network-eastus2-private-link-openai-link-centralus", i => {
      i.virtualNetwork.id = i.virtualNetwork.id.replace(/eastus2/g, "centralus");
    })],
    message: /'network-eastus2-private-link-openai-zone' \(privatelink.openai.azure.com\) is linked to VNets in centralus, eastus2/,
  },
  {
    rule: "split-brain-dns", stack: "prod", breaks: "a gateway region without its own zone",
    apply: resources => without(resources, "network-centralus-private-link-openai-link"),
    message: /Gateway region centralus has no privatelink.openai.azure.com zone of its own/,
  },
  {
    rule: "front-door-waf", stack: "dev", breaks: "a WAF in Detection mode",
    apply: edit("edge-waf", i => { i.policySettings.mode = "Detection"; }),
    message: /WAF policy 'edge-waf' protecting Front Door endpoint 'edge-endpoint' does not block/,
  },
  {
    rule: "front-door-waf", stack: "dev", breaks: "an endpoint without WAF",
    apply: resources => without(resources, "edge-security-policy"),
    message: /Front Door endpoint 'edge-endpoint' has no WAF/,
  },
  {
    rule: "front-door-origins", stack: "dev", breaks: "a gateway region without origin",
    apply: resources => without(resources, "edge-route-origin-centralus"),
    message: /No enabled Front Door origin sends to the gateway in centralus/,
  },
  {
    rule: "front-door-origins", stack: "dev", breaks: "origins without health probes",
    apply: edit("edge-route-origin-group", i => { delete i.healthProbeSettings; }),
    message: /origin group 'edge-route-origin-group' does not probe its gateways/,
  },
  {
    rule: "account-local-auth", stack: "dev", breaks: "key auth left on with managed identity",
    apply: edit("standard-secondary-account", i => { i.properties.disableLocalAuth = false; }),
    message: /'standard-secondary-account' allows key authentication although the gateway uses its managed identity/,
  },
  {
    rule: "key-vault-hardening", stack: "dev", breaks: "a vault without purge protection",
    apply: edit("vault-vault", i => { i.properties.enablePurgeProtection = false; }),
    message: /Key Vault 'vault-vault' lacks properties.enablePurgeProtection: set properties.enablePurgeProtection: true/,
  },
  {
    rule: "minimum-tls", stack: "dev", breaks: "TLS 1.0 on the gateway",
    apply: edit("gateway-eastus2-service", i => { i.customProperties["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10"] = "True"; }),
    message: /'gateway-eastus2-service' enables a protocol older than TLS 1.2/,
  },
  {
    rule: "minimum-tls", stack: "prod", breaks: "a resource that allows TLS 1.0",
    apply: resources => [...resources, {
      urn: "urn:pulumi:prod::aoai-bcdr::azure-native:storage:StorageAccount::logs", type: "azure-native:storage:StorageAccount", name: "logs",
      custom: true, protect: false, dependsOn: [], inputs: { accountName: "logs", minimumTlsVersion: "TLS1_0", resourceGroupName: "rg" },
    }],
    message: /'logs' allows TLS1_0 \(minimumTlsVersion\): set it to TLS 1.2/,
  },
];

describe("the policy pack on the stacks' plans", () => {
  const plans = {} as Record<Stack, Plan>;
  beforeAll(async () => {
    plans.dev = await plan("dev");
    plans.prod = await plan("prod");
  });
  const broken = (stack: Stack) => clone(plans[stack].resources);

  test.each(["dev", "prod"] as const)("%s passes every rule, with its policy config and with mode inference", async stack => {
    expect(plans[stack].violations).toEqual([]);
    const inferred = await evaluatePack(plans[stack].resources, { "data-zone-consistency": { allowedDataZones: ["US"] } });
    expect(inferred.violations).toEqual([]);
    const otherMode = stack === "dev" ? ["private-account-access", "private-endpoints", "split-brain-dns"] : ["front-door-waf", "front-door-origins"];
    expect(inferred.notApplicable.filter(n => n.urn === undefined).map(n => n.policy).sort()).toEqual(otherMode.sort());
  });

  test("every rule has a case that breaks it", () => {
    expect(rules.map(r => r.name).filter(name => !BREAKAGES.some(b => b.rule === name))).toEqual([]);
  });

  test.each(BREAKAGES.map(b => [b.rule, b.breaks, b] as const))("%s catches %s", async (_rule, _breaks, b) => {
    const resources = b.apply(broken(b.stack));
    const { violations } = await evaluatePack(resources, b.config ?? stackPolicyConfig(b.stack));
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.filter(v => v.policy !== b.rule)).toEqual([]);
    expect(violations.map(v => v.message).join("\n")).toMatch(b.message);
    // Each violation names a resource of the stack.
    for (const v of violations) expect(resources.map(r => r.urn)).toContain(v.urn);
  });

  test("a regional Standard deployment is advisory: the plan still succeeds", async () => {
    const b = BREAKAGES.find(x => x.rule === "regional-standard-deployment")!;
    const { violations } = await evaluatePack(b.apply(broken("dev")), stackPolicyConfig("dev"));
    expect(new Set(violations.map(v => v.enforcementLevel))).toEqual(new Set(["advisory"]));
  });

  test("a first preview, with the names and ids of resources still to be created unknown, resolves references through dependencies", async () => {
    const resources = broken("prod");
    for (const r of resources) {
      const i = r.inputs as Record<string, any>;
      if (r.type.endsWith(":Account") || r.type.endsWith(":Deployment")) i.accountName = UNKNOWN;
      if (r.type.endsWith(":Account")) i.properties.customSubDomainName = UNKNOWN;
      if (r.type.endsWith(":Backend") && i.url) i.url = UNKNOWN;
      if (r.type.endsWith(":PrivateEndpoint")) i.privateLinkServiceConnections[0].privateLinkServiceId = UNKNOWN;
      if (r.type.endsWith(":VirtualNetworkLink")) i.virtualNetwork.id = UNKNOWN;
    }
    expect((await evaluatePack(resources, stackPolicyConfig("prod"))).violations).toEqual([]);
    // And still catches a broken topology.
    named(resources, "workload-fraud-account").inputs.location = "westus3";
    expect((await evaluatePack(resources, stackPolicyConfig("prod"))).violations.map(v => v.policy)).toEqual(["ptu-region-separation"]);
  });

  test("a value the rule cannot do without, unknown in a preview, is an advisory, as the policy server reports it", async () => {
    const resources = edit("gateway-pool-workload-claims", i => { i.pool.services[0].id = UNKNOWN; })(broken("prod"));
    const { violations } = await evaluatePack(resources, stackPolicyConfig("prod"));
    expect(violations).toEqual([{
      policy: "backend-pool-priorities", enforcementLevel: "advisory", urn: undefined,
      message: expect.stringMatching(/^can't run policy 'backend-pool-priorities' from policy pack 'aoai-bcdr-guardrails@v0.1.0' during preview: .* value at .* can't be known during preview$/),
    }]);
  });
});

describe("the policy pack on other topologies the program makes", () => {
  test("send-request failover with access keys in Key Vault passes; local auth is then not applicable", async () => {
    const run = await runStack("dev", { edit: v => { v.gateway.strategy = "send-request"; v.openai = { auth: "keys" }; } });
    const { violations, notApplicable } = await evaluatePack(run.resources, { ...stackPolicyConfig("dev"), "account-local-auth": { backendAuth: "auto" } });
    expect(violations).toEqual([]);
    expect(notApplicable).toContainEqual({ policy: "account-local-auth", urn: undefined, reason: "the gateway authenticates with access keys" });
  });
});

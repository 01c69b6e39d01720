/**
 * Every rule of the pack, through the real policy server: the dev and prod plans pass in every shape the
 * engine sends (inputs to resource rules; preview-projected and post-update outputs to stack rules), and a
 * plan broken one way fails that rule in every phase where it can decide, and is advisory "cannot decide"
 * in the others.
 */
import type { PlannedResource } from "../stacks/engine/runner";
import { resolvePolicyConfig } from "../stacks/cli/cli";
import { PolicyConfig, parsePolicyConfig } from "../stacks/policyServer/config";
import { Phase, Violation } from "../stacks/policyServer/evaluate";
import { UNKNOWN } from "../stacks/policyServer/projection";
import { ProgramRun } from "../stacks/engine/runner";
import { rules } from "../policies/pack";
import { Props, Stack, clone, copyOf, edit, named, policyServer, programRun, without } from "./policySupport";
import { TAG } from "../catalog/tags";
import { COMPONENT_PACKAGE, TYPES } from "../catalog/types";
import { inTopology } from "../policies/lib/scope";
import { runStack } from "./support";

const API_KEY = "0123456789abcdef0123456789abcdef";
const CANNOT_DECIDE =
  /^can't run policy '[\w-]+' from policy pack 'aoai-bcdr-guardrails@v[\d.]+' during preview: cannot decide until the update: /;

interface Breakage {
  readonly rule: string;
  readonly stack: Stack;
  readonly breaks: string;
  readonly apply: (resources: PlannedResource[]) => PlannedResource[];
  readonly message: RegExp;
  /** Where the rule decides this case; default: inputs for resource rules, preview and update for stack rules. */
  readonly decides?: readonly Phase[];
  /** Replaces the stack's policy config. */
  readonly config?: PolicyConfig;
}

const isResourceRule = (name: string) => rules.some(r => r.name === name && "validateResource" in r);
const addToInbound = (policy: string, xml: string) =>
  edit(policy, p => {
    p.value = p.value.replace("<inbound>\n<base/>", `<inbound>\n<base/>\n${xml}`);
  });
/** Points a resource's input at something else: its value and the dependency the engine records. */
const relink =
  (name: string, input: string, to: string[], change: (p: Props) => void) => (resources: PlannedResource[]) => {
    named(resources, name).propertyDependencies[input] = to;
    return edit(name, change)(resources);
  };
const renameDeployment = (name: string) => (p: Props) => {
  for (const k of ["deploymentName", "name"]) if (k in p) p[k] = name;
};
const urnOf = (resources: readonly PlannedResource[], name: string) => named(resources, name).urn;
/** Prod's standard accounts in the secondary region (its own and the overflow subscription's) moved to the primary. */
const inPrimary = (resources: PlannedResource[]) =>
  ["standard-secondary-account", "overflow-sub-b-centralus-account"].reduce(
    (rs, name) =>
      edit(name, p => {
        p.location = "eastus2";
      })(rs),
    resources,
  );

/** The watchdog's grant on the gateway's DNS record, moved to `scope`. */
const watchdogGrantAt = (scope: (recordId: string) => string) => (resources: PlannedResource[]) =>
  edit("gateway-watchdog-record-access", p => {
    p.scope = scope(String(p.scope));
  })(resources);

const BREAKAGES: readonly Breakage[] = [
  {
    rule: "topology-tags",
    stack: "prod",
    breaks: "an account's bcdr-role tag removed",
    apply: edit("standard-secondary-account", p => {
      delete p.tags[TAG.role];
    }),
    message: /OpenAI account 'standard-secondary-account' has no bcdr-role tag in a stack of the aoai-bcdr topology/,
  },
  {
    rule: "topology-tags",
    stack: "dev",
    breaks: "a deployment's bcdr-role tag removed (the SKU rules would skip it)",
    apply: edit("standard-primary-gpt-5.4-mini", p => {
      delete p.tags[TAG.role];
    }),
    message:
      /Model deployment 'standard-primary-gpt-5\.4-mini' has no bcdr-role tag but its account 'standard-primary-account' is 'standard'/,
  },
  {
    rule: "watchdog-scope",
    stack: "prod",
    breaks: "the watchdog's DNS grant at the resource group of the zone",
    apply: watchdogGrantAt(id => id.replace(/\/providers\/Microsoft\.Network\/privateDnsZones\/.*$/i, "")),
    message:
      /Role assignment 'gateway-watchdog-record-access' of the failover watchdog: scope \/subscriptions\/[^ ]+\/resourceGroups\/[^ ]+ is wider than one resource/,
  },
  {
    rule: "watchdog-scope",
    stack: "prod",
    breaks: "the watchdog's DNS grant on a VNet",
    apply: watchdogGrantAt(id =>
      id.replace(
        /\/providers\/Microsoft\.Network\/privateDnsZones\/.*$/i,
        "/providers/Microsoft.Network/virtualNetworks/vnet-x",
      ),
    ),
    message:
      /Private DNS Zone Contributor at .*virtualNetworks\/vnet-x: the watchdog may hold it on the gateway's zone or its record, nothing else/,
  },
  {
    rule: "watchdog-scope",
    stack: "prod",
    breaks: "the watchdog's identity untagged, its DNS grant at the resource group of the zone",
    apply: rs =>
      watchdogGrantAt(id => id.replace(/\/providers\/Microsoft\.Network\/privateDnsZones\/.*$/i, ""))(
        edit("gateway-watchdog-identity", p => {
          delete p.tags[TAG.role];
        })(rs),
      ),
    message:
      /Role assignment 'gateway-watchdog-record-access' of the failover watchdog: scope .* is wider than one resource/,
  },
  {
    rule: "watchdog-scope",
    stack: "prod",
    breaks: "Owner for the watchdog on its own storage account",
    apply: edit("gateway-watchdog-storage-access", p => {
      p.roleDefinitionId = String(p.roleDefinitionId).replace(/[^/]+$/, "8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
    }),
    message:
      /Role assignment 'gateway-watchdog-storage-access' of the failover watchdog: role .*8e3af657-a8ff-443c-a75c-2fe8c4bcb635 is none the watchdog needs/,
  },
  {
    rule: "watchdog-scope",
    stack: "prod",
    breaks: "the watchdog's telemetry grant moved to the topology's Application Insights",
    apply: rs => {
      const topology = named(rs, "observability-appinsights");
      return relink("gateway-watchdog-telemetry-access", "scope", [topology.urn], p => {
        p.scope = topology.outputs.id;
      })(rs);
    },
    message:
      /Role assignment 'gateway-watchdog-telemetry-access' of the failover watchdog: Monitoring Metrics Publisher at .*: the watchdog may hold it on its own Application Insights, nothing else/,
  },
  {
    rule: "paired-openai-accounts",
    stack: "prod",
    breaks: "every secondary-region standard account in the primary region (PTU accounts elsewhere)",
    apply: inPrimary,
    message: /standard-tier OpenAI accounts span 1 region\(s\) \(eastus2\); at least 2 are needed/,
  },
  {
    rule: "standard-model-parity",
    stack: "prod",
    breaks: "another model version in the secondary region",
    apply: edit("standard-secondary-gpt-5.1", p => {
      p.properties.model.version = "2024-08-06";
    }),
    message:
      /'standard-secondary-gpt-5.1' runs gpt-5.1 2024-08-06 DataZoneStandard but 'standard-primary-gpt-5.1' runs gpt-5.1 2025-11-13/,
  },
  {
    rule: "standard-model-parity",
    stack: "dev",
    breaks: "a secondary deployment removed",
    apply: resources => without(resources, "standard-secondary-gpt-5.1"),
    message: /Standard model gpt-5\.1 .* is missing in centralus: deploy it on account 'standard-secondary-account'/,
  },
  {
    rule: "standard-deployment-sku",
    stack: "dev",
    breaks: "a provisioned SKU on the standard tier",
    apply: resources =>
      ["standard-primary-gpt-5.4-mini", "standard-secondary-gpt-5.4-mini"].reduce(
        (rs, name) =>
          edit(name, p => {
            p.sku.name = "GlobalProvisionedManaged";
          })(rs),
        resources,
      ),
    message: /'standard-primary-gpt-5.4-mini' uses SKU GlobalProvisionedManaged/,
  },
  {
    rule: "regional-standard-deployment",
    stack: "dev",
    breaks: "regional Standard deployments",
    apply: resources =>
      ["standard-primary-gpt-5.4-mini", "standard-secondary-gpt-5.4-mini"].reduce(
        (rs, name) =>
          edit(name, p => {
            p.sku.name = "Standard";
          })(rs),
        resources,
      ),
    message: /'standard-secondary-gpt-5.4-mini' uses the regional Standard SKU/,
  },
  {
    rule: "data-zone-consistency",
    stack: "prod",
    breaks: "an account outside the allowed zones",
    apply: edit("enterprise-ptu-account", p => {
      p.location = "swedencentral";
    }),
    message: /'enterprise-ptu-account' is in swedencentral, in the EU data zone; this stack allows only US/,
  },
  {
    rule: "data-zone-consistency",
    stack: "dev",
    breaks: "data-zone deployments in two zones",
    apply: edit("standard-secondary-account", p => {
      p.location = "francecentral";
    }),
    config: new Map([...resolvePolicyConfig("dev").config].filter(([k]) => k !== "data-zone-consistency")),
    message:
      /'standard-secondary-account' has data-zone deployments in the EU zone \(francecentral\) but the stack's others are in the US zone/,
  },
  {
    rule: "one-deployment-per-model",
    stack: "dev",
    breaks: "a model deployment duplicated",
    apply: resources => [
      ...resources,
      copyOf(
        named(resources, "standard-primary-gpt-5.4-mini"),
        "standard-primary-gpt-5.4-mini-2",
        renameDeployment("gpt-5.4-mini-2"),
      ),
    ],
    message:
      /'standard-primary-account' deploys gpt-5.4-mini twice \('standard-primary-gpt-5.4-mini' and 'standard-primary-gpt-5.4-mini-2'\)/,
  },
  {
    rule: "ptu-region-separation",
    stack: "prod",
    breaks: "the enterprise pool in the primary region",
    apply: edit("enterprise-ptu-account", p => {
      p.location = "eastus2";
    }),
    message: /Enterprise PTU account 'enterprise-ptu-account' is in eastus2, the primary standard region/,
  },
  {
    rule: "ptu-region-separation",
    stack: "prod",
    breaks: "a workload pool in the enterprise pool's region",
    apply: edit("workload-fraud-account", p => {
      p.location = "westus3";
    }),
    message:
      /Workload PTU account 'workload-fraud-account' \(workload fraud\) is in westus3, the enterprise PTU pool's region/,
  },
  {
    rule: "gateway-multi-region",
    stack: "prod",
    breaks: "a single-region gateway",
    apply: edit("gateway-service", p => {
      p.additionalLocations = [];
    }),
    message: /runs in eastus2 only; at least 2 regions are needed: add additionalLocations to 'gateway-service'/,
  },
  {
    rule: "circuit-breaker-backends",
    stack: "dev",
    breaks: "a backend without circuit breaker",
    apply: edit("gateway-eastus2-backend-standard-secondary--gpt-5.4-mini", p => {
      p.circuitBreaker = { rules: [] };
    }),
    message:
      /Backend 'gateway-eastus2-backend-standard-secondary--gpt-5.4-mini' \(OpenAI account 'standard-secondary-account'\) has no circuit breaker/,
  },
  {
    // No breaker at all: a preview projects it as unknown (cannot decide); after the update it is missing.
    rule: "circuit-breaker-backends",
    stack: "prod",
    breaks: "a backend whose breaker is left out",
    decides: ["update"],
    apply: edit("gateway-backend-workload-fraud--gpt-5.1", p => {
      delete p.circuitBreaker;
    }),
    message:
      /Backend 'gateway-backend-workload-fraud--gpt-5.1' \(OpenAI account 'workload-fraud-account'\) has no circuit breaker/,
  },
  {
    rule: "circuit-breaker-backends",
    stack: "prod",
    breaks: "a breaker that ignores 429",
    apply: edit("gateway-backend-enterprise-ptu--gpt-5.1", p => {
      p.circuitBreaker.rules[0].failureCondition.statusCodeRanges = [{ min: 500, max: 599 }];
    }),
    message: /Backend 'gateway-backend-enterprise-ptu--gpt-5.1' .* no circuit breaker tripping on 408, 429 and 5xx/,
  },
  {
    rule: "circuit-breaker-backends",
    stack: "prod",
    breaks: "a breaker that ignores 408 (Azure OpenAI's own timeout)",
    apply: edit("gateway-backend-standard-primary--gpt-5.4", p => {
      p.circuitBreaker.rules[0].failureCondition.statusCodeRanges = [
        { min: 429, max: 429 },
        { min: 500, max: 599 },
      ];
    }),
    message: /Backend 'gateway-backend-standard-primary--gpt-5\.4' .* no circuit breaker tripping on 408, 429 and 5xx/,
  },
  {
    rule: "circuit-breaker-backends",
    stack: "dev",
    breaks: "an account no backend of one gateway calls",
    // One backend per deployment: every one of the account's backends in that gateway goes elsewhere.
    apply: resources =>
      ["gpt-5.4-mini", "gpt-5.1"].reduce(
        (rs, d) =>
          relink(`gateway-centralus-backend-standard-primary--${d}`, "url", [], p => {
            p.url = "https://elsewhere.example.com/openai";
          })(rs),
        resources,
      ),
    message: /Gateway 'gateway-centralus-service' has no backend for OpenAI account 'standard-primary-account'/,
  },
  {
    rule: "failover-step-order",
    stack: "prod",
    breaks: "a workload PTU walked after the enterprise PTU",
    decides: ["update"],
    apply: edit("gateway-api-policy", p => {
      p.value = p.value.replace(
        /value="(workload-claims--gpt-5\.1,[^;]+);(enterprise-ptu--gpt-5\.1,[^;]+);/,
        'value="$2;$1;',
      );
    }),
    message:
      /Policy 'gateway-api-policy' walks 'enterprise-ptu--gpt-5.1' \(enterprise-ptu\) before 'workload-claims--gpt-5.1' \(workload-ptu\) in chain 'workload-claims'/,
  },
  {
    rule: "failover-step-order",
    stack: "prod",
    breaks: "a standard step walked before a PTU (the shed list of a chain)",
    decides: ["update"],
    apply: edit("gateway-api-policy", p => {
      p.value = p.value.replace(
        /value="(enterprise-ptu--gpt-5\.1,[^;]+);(standard-primary--gpt-5\.1,[^;]+);/,
        'value="$2;$1;',
      );
    }),
    message:
      /Policy 'gateway-api-policy' walks 'standard-primary--gpt-5.1' \(standard\) before 'enterprise-ptu--gpt-5.1' \(enterprise-ptu\) in chain 'shared-gpt-5.1'/,
  },
  {
    rule: "failover-step-order",
    stack: "prod",
    breaks: "a step that is no backend",
    decides: ["update"],
    apply: edit("gateway-api-policy", p => {
      p.value = p.value.replace(/value="standard-primary--gpt-5\.4,/, 'value="retired,');
    }),
    message: /Policy 'gateway-api-policy' walks retired in chain 'shared-gpt-5\.4', which is no backend of its gateway/,
  },
  {
    rule: "api-policy-failover",
    stack: "dev",
    breaks: "a failover that never moves on 429 (throttling)",
    apply: edit("gateway-eastus2-api-policy", p => {
      p.value = p.value.replace(/ == 429\b/g, " == 404");
    }),
    message: /Gateway 'gateway-eastus2-service' has no policy that fails over on 408, 429 and 5xx/,
  },
  {
    rule: "api-policy-failover",
    stack: "dev",
    breaks: "a failover that stops at Azure OpenAI's own timeout (408)",
    apply: edit("gateway-centralus-api-policy", p => {
      p.value = p.value.replace(/ == 408\b/g, " == 404");
    }),
    message: /Gateway 'gateway-centralus-service' has no policy that fails over on 408, 429 and 5xx/,
  },
  {
    rule: "key-vault-named-values",
    stack: "dev",
    breaks: "a secret named value stored in API Management",
    apply: edit("gateway-eastus2-nv-front-door-id", p => {
      p.secret = true;
      p.value = "[secret]";
    }),
    message: /Secret named value 'front-door-id' is stored in API Management: set keyVault.secretIdentifier/,
  },
  {
    rule: "key-vault-named-values",
    stack: "dev",
    breaks: "a key in a plain named value",
    apply: edit("gateway-centralus-nv-front-door-id", p => {
      p.value = API_KEY;
    }),
    message: /Named value 'front-door-id' holds an API key in plain text/,
  },
  {
    rule: "no-secrets-in-policy-xml",
    stack: "dev",
    breaks: "a literal api-key header",
    apply: addToInbound(
      "gateway-eastus2-api-policy",
      `<set-header name="api-key" exists-action="override"><value>${API_KEY}</value></set-header>`,
    ),
    message:
      /Policy 'gateway-eastus2-api-policy': <set-header name="api-key"> sets a literal value; reference a secret named value/,
  },
  {
    rule: "private-account-access",
    stack: "prod",
    breaks: "a public account in private mode",
    apply: edit("standard-primary-account", p => {
      p.properties.publicNetworkAccess = "Enabled";
    }),
    message:
      /'standard-primary-account' allows public network access, but the gateways reach the accounts through private endpoints \(network mode private\)/,
  },
  {
    rule: "private-account-access",
    stack: "dev",
    breaks: "a public account in public mode with private backends",
    apply: edit("standard-secondary-account", p => {
      p.properties.publicNetworkAccess = "Enabled";
    }),
    message:
      /'standard-secondary-account' allows public network access, but the gateways reach the accounts through private endpoints \(network mode public-private-backends\)/,
  },
  {
    rule: "private-endpoints",
    stack: "dev",
    breaks: "an account without private endpoint in one gateway region, in public mode with private backends",
    apply: resources => without(resources, "network-centralus-private-link-pe-standard-primary"),
    message: /'standard-primary-account' has no private endpoint in gateway region centralus/,
  },
  {
    rule: "private-endpoints",
    stack: "prod",
    breaks: "an account without private endpoint in one gateway region",
    apply: resources => without(resources, "network-centralus-private-link-pe-enterprise-ptu"),
    message: /'enterprise-ptu-account' has no private endpoint in gateway region centralus/,
  },
  {
    rule: "split-brain-dns",
    stack: "prod",
    breaks: "a zone linked to another region's VNet",
    decides: ["update"],
    apply: resources =>
      [
        ...resources,
        copyOf(
          named(resources, "network-eastus2-private-link-openai-link"),
          "network-eastus2-private-link-openai-link-centralus",
          p => {
            p.virtualNetwork.id = p.virtualNetwork.id.replace(/eastus2/g, "centralus");
          },
        ),
      ].map(r =>
        r.name.endsWith("-link-centralus")
          ? {
              ...r,
              propertyDependencies: {
                ...r.propertyDependencies,
                virtualNetwork: [urnOf(resources, "network-centralus-vnet")],
              },
            }
          : r,
      ),
    message: /Private DNS zone 'network-eastus2-private-link-openai-zone' is linked to VNets in centralus, eastus2/,
  },
  {
    rule: "split-brain-dns",
    stack: "prod",
    breaks: "a gateway region without its own zone",
    decides: ["update"],
    // Its only link, to the region's spoke, goes (the hubs are never linked to privatelink zones).
    apply: resources => without(resources, "network-centralus-private-link-openai-link"),
    message: /Gateway region centralus has no privatelink.openai.azure.com zone of its own/,
  },
  {
    rule: "front-door-waf",
    stack: "dev",
    breaks: "the WAF switched to Detection",
    apply: edit("edge-waf", p => {
      p.policySettings.mode = "Detection";
    }),
    message: /WAF policy 'edge-waf' protecting Front Door endpoint 'edge-endpoint' does not block/,
  },
  {
    rule: "front-door-waf",
    stack: "dev",
    breaks: "an endpoint without WAF",
    apply: resources => without(resources, "edge-security-policy"),
    message: /Front Door endpoint 'edge-endpoint' has no WAF/,
  },
  {
    rule: "front-door-origins",
    stack: "dev",
    breaks: "a gateway region without origin",
    decides: ["update"],
    apply: resources => without(resources, "edge-route-origin-centralus"),
    message: /No enabled Front Door origin sends to the gateway in centralus/,
  },
  {
    rule: "front-door-origins",
    stack: "dev",
    breaks: "origins without health probes",
    apply: edit("edge-route-origin-group", p => {
      p.healthProbeSettings = { probeProtocol: "NotSet" };
    }),
    decides: ["update"],
    message: /origin group 'edge-route-origin-group' does not probe its gateways/,
  },
  {
    rule: "account-local-auth",
    stack: "dev",
    breaks: "key auth left on with managed identity",
    apply: edit("standard-secondary-account", p => {
      p.properties.disableLocalAuth = false;
    }),
    message: /'standard-secondary-account' allows key authentication although the gateway uses its managed identity/,
  },
  {
    rule: "key-vault-hardening",
    stack: "dev",
    breaks: "a vault without purge protection",
    apply: edit("vault-vault", p => {
      p.properties.enablePurgeProtection = false;
    }),
    message: /Key Vault 'vault-vault' lacks properties.enablePurgeProtection/,
  },
  {
    rule: "minimum-tls",
    // Premium: the v2 tiers (dev) take no protocol switches at all.
    stack: "prod",
    breaks: "TLS 1.0 on the gateway",
    apply: edit("gateway-service", p => {
      p.customProperties["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10"] = "True";
    }),
    message: /'gateway-service' enables a protocol older than TLS 1.2/,
  },
];

const server = policyServer();
const plans = {} as Record<Stack, ProgramRun>;
beforeAll(async () => {
  plans.dev = await programRun("dev");
  plans.prod = await programRun("prod");
}, 60000);

/** The rules that say they decide only after the update. */
const afterUpdateOnly = rules.filter(r => /Decides after update/.test(r.description)).map(r => r.name);

describe("the stacks' plans through the real policy server", () => {
  test.each(["dev", "prod"] as const)(
    "%s: no mandatory violation in any shape; preview advisories only say what cannot be decided yet",
    async stack => {
      const found = await server.current.evaluate(plans[stack], resolvePolicyConfig(stack).config);
      expect(found.filter(v => v.enforcementLevel !== "advisory")).toEqual([]);
      expect(found.filter(v => v.phase !== "preview")).toEqual([]);
      for (const v of found) {
        expect(v.message).toMatch(CANNOT_DECIDE);
        expect(afterUpdateOnly).toContain(v.policy);
      }
    },
  );

  test("every rule says in which phase it decides, and has a case that breaks it", () => {
    for (const r of rules)
      expect(r.description).toMatch(/Decides (in preview and after update|after update|on each resource's inputs)/);
    expect(rules.map(r => r.name).filter(name => !BREAKAGES.some(b => b.rule === name))).toEqual([]);
  });
});

/**
 * The resources of a broken plan that Analyze sees differently from the unbroken plan's: changed or added, or whose
 * provider changed. Analyze judges one resource on its own inputs, options and provider (a resource rule's
 * validateResource sees nothing else; stacks/policyServer/evaluate.ts describe), so under the stack's own config
 * every other resource answers what it answers in the unbroken plan, which is nothing at all (the first test
 * above). Analyzing only these then finds exactly what analyzing every resource finds, the other rules included.
 */
function changedBy(unbroken: readonly PlannedResource[], resources: readonly PlannedResource[]) {
  const before = new Map(unbroken.map(r => [r.urn, JSON.stringify(r)]));
  const changed = new Set(resources.filter(r => before.get(r.urn) !== JSON.stringify(r)).map(r => r.urn));
  return (r: PlannedResource) => changed.has(r.urn) || [...changed].some(urn => r.provider?.startsWith(`${urn}::`));
}

/**
 * Every breakage's diagnostics, computed together: one Configure per (stack, config), then every broken
 * plan's AnalyzeStack (or Analyze) calls in flight at once, so the client's work overlaps the server's. The
 * timeout leaves room for a machine shared with other work (some 45 broken plans, in two phases each).
 */
const results = new Map<Breakage, Promise<Violation[]>>();
beforeAll(async () => {
  const groups = new Map<string, Breakage[]>();
  for (const b of BREAKAGES) {
    const key = `${b.stack}\n${JSON.stringify([...(b.config ?? resolvePolicyConfig(b.stack).config)])}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  for (const group of groups.values()) {
    const [first] = group;
    await server.current.configure(plans[first.stack], first.config ?? resolvePolicyConfig(first.stack).config, true);
    const settled = group.map(b => {
      const broken = { ...plans[b.stack], resources: b.apply(clone(plans[b.stack].resources)) };
      const found = isResourceRule(b.rule)
        ? server.current.analyzeInputs(
            broken,
            // Under another config, the unbroken plan's verdict is not the first test's: analyze it all.
            b.config ? () => true : changedBy(plans[b.stack].resources, broken.resources),
          )
        : Promise.all([
            server.current.analyzeStack(broken, "preview"),
            server.current.analyzeStack(broken, "update"),
          ]).then(ds => ds.flat());
      results.set(b, found);
      return found;
    });
    await Promise.all(settled);
  }
}, 120000);

describe.each(BREAKAGES.map(b => [b.rule, b.breaks, b] as const))("%s catches %s", (_rule, _breaks, b) => {
  let found: Violation[];
  beforeAll(async () => {
    found = await results.get(b)!;
  });

  const decides = b.decides ?? (isResourceRule(b.rule) ? ["inputs"] : ["preview", "update"]);
  test.each(decides.map(p => [p]))("fails it in %s", phase => {
    const own = found.filter(v => v.phase === phase && v.policy === b.rule);
    expect(own.map(v => v.message).join("\n")).toMatch(b.message);
    const level = rules.find(r => r.name === b.rule)!.enforcementLevel;
    expect(own.every(v => v.enforcementLevel === level)).toBe(true);
    // No other rule fails on this change.
    expect(found.filter(v => v.phase === phase && v.policy !== b.rule && v.enforcementLevel === "mandatory")).toEqual(
      [],
    );
  });

  const undecided = (["preview", "update"] as const).filter(p => !isResourceRule(b.rule) && !decides.includes(p));
  if (undecided.length > 0) {
    test.each(undecided.map(p => [p]))(
      "says in %s that it cannot decide yet, never that something is missing",
      phase => {
        const own = found.filter(v => v.phase === phase && v.policy === b.rule);
        expect(own.map(v => [v.enforcementLevel, CANNOT_DECIDE.test(v.message)])).toEqual([["advisory", true]]);
      },
    );
  }
});

describe("what the pack judges in the topology's own stacks", () => {
  test.each(["dev", "prod"] as const)(
    "%s: every Azure resource the program declares is the topology's (tagged, or under an aoai-bcdr component)",
    stack => {
      const azure = plans[stack].resources.filter(r => r.type.startsWith("azure-native:"));
      expect(azure.filter(r => !inTopology({ urn: r.urn, props: r.inputs })).map(r => r.urn)).toEqual([]);
      const components = plans[stack].resources.filter(r => !r.custom).map(r => r.type);
      expect(components.filter(t => !t.startsWith(`${COMPONENT_PACKAGE}:`))).toEqual([]);
    },
  );

  test("a vault that lost its tags is still judged; another team's vault and TLS 1.0 storage in the stack are not", async () => {
    const resources = edit("vault-vault", p => {
      p.tags = {}; // judged through the component that declares it
      p.properties.enablePurgeProtection = false;
    })(clone(plans.dev.resources));
    const vault = named(resources, "vault-vault");
    const root = resources.map(r => r.parent).find(p => p?.includes("::pulumi:pulumi:Stack::"));
    const foreign = (type: string, name: string, props: Props) => ({
      ...clone(vault),
      urn: `urn:pulumi:dev::${plans.dev.project}::${type}::${name}`,
      type,
      name,
      parent: root,
      propertyDependencies: {},
      dependsOn: [],
      inputs: props,
      outputs: { ...props, name },
    });
    resources.push(
      foreign(TYPES.vault, "team-vault", { location: "eastus2", properties: { enablePurgeProtection: false } }),
      foreign("azure-native:storage:StorageAccount", "team-storage", {
        location: "eastus2",
        minimumTlsVersion: "TLS1_0",
      }),
    );
    const found = await server.current.evaluate({ ...plans.dev, resources }, resolvePolicyConfig("dev").config);
    expect(found.filter(v => v.enforcementLevel === "mandatory").map(v => v.message.split("\n")[1])).toEqual([
      expect.stringMatching(/^Key Vault 'vault-vault' lacks properties.enablePurgeProtection/),
    ]);
  });
  test("the topology's policy document that is not well-formed XML is refused as unreadable (another team's is read as text)", async () => {
    const broken = {
      ...plans.dev,
      resources: edit("gateway-eastus2-api-policy", p => {
        p.value = "<policies><inbound>";
      })(clone(plans.dev.resources)),
    };
    await server.current.configure(broken, resolvePolicyConfig("dev").config, true);
    const found = await server.current.analyzeInputs(broken, r => r.name === "gateway-eastus2-api-policy");
    expect(found.map(v => [v.policy, v.message.split("\n")[1]])).toEqual([
      [
        "no-secrets-in-policy-xml",
        expect.stringMatching(
          /^Policy 'gateway-eastus2-api-policy' is not well-formed XML .*cannot be checked for secrets/,
        ),
      ],
    ]);
  });
});

describe("stacks the pack meets org-wide", () => {
  test("a stack registering its endpoints in the organization's central zones needs no privatelink zone of its own, in every phase", async () => {
    const run = await runStack("prod", {
      edit: v => {
        v.network.centralDnsZones = Object.fromEntries(
          ["privatelink.openai.azure.com", "privatelink.vaultcore.azure.net"].map((z, i) => [
            i === 0 ? "openai" : "vault",
            `/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${z}`,
          ]),
        );
        for (const vnet of Object.values(v.network.vnets as Record<string, Record<string, unknown>>))
          vnet.dnsServers = ["10.0.0.4"];
      },
    });
    const found = await server.current.evaluate(run, resolvePolicyConfig("prod").config);
    expect(found.filter(v => v.policy === "split-brain-dns" && v.enforcementLevel !== "advisory")).toEqual([]);
  });

  test("a stack without Azure OpenAI is not applicable to the topology rules, in every phase", async () => {
    const other = {
      ...plans.dev,
      resources: plans.dev.resources.filter(r => r.type === TYPES.resourceGroup),
    };
    const found = await server.current.evaluate(other, resolvePolicyConfig("dev").config);
    expect(
      found.filter(v => ["paired-openai-accounts", "gateway-multi-region", "front-door-waf"].includes(v.policy)),
    ).toEqual([]);
  });

  test("an endpoint guarded by a WAF outside the stack is accepted; another endpoint without WAF is still caught", async () => {
    const resources = clone(plans.dev.resources).filter(r => r.name !== "edge-waf");
    const endpoint = resources.find(r => r.type === TYPES.frontDoorEndpoint)!;
    resources.push(
      copyOf(endpoint, "edge-endpoint-unguarded", p => {
        p.endpointName = "unguarded";
        if ("name" in p) p.name = "unguarded";
      }),
    );
    const found = (
      await server.current.evaluate({ ...plans.dev, resources }, resolvePolicyConfig("dev").config)
    ).filter(v => v.policy === "front-door-waf" && v.phase === "update");
    expect(found.map(v => v.message)).toEqual([
      expect.stringMatching(/Front Door endpoint 'edge-endpoint-unguarded' has no WAF/),
    ]);
  });
});

describe("links the preview cannot know", () => {
  test("a backend whose account link is unknown is 'cannot decide', not a missing backend", async () => {
    const broken = {
      ...plans.prod,
      resources: relink("gateway-backend-enterprise-ptu--gpt-5.1", "url", [], p => {
        p.url = UNKNOWN;
      })(clone(plans.prod.resources)),
    };
    await server.current.configure(broken, resolvePolicyConfig("prod").config, true);
    const found = (await server.current.analyzeStack(broken, "preview")).filter(
      v => v.policy === "circuit-breaker-backends",
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      enforcementLevel: "advisory",
      message: expect.stringMatching(
        /cannot decide until the update: the account backend 'gateway-backend-enterprise-ptu--gpt-5.1' calls is unknown/,
      ),
    });
  });

  test("the CLI's config forms: `all` as an object, unknown settings ignored", async () => {
    const config = parsePolicyConfig(
      JSON.stringify({ all: { enforcementLevel: "advisory" }, "paired-openai-accounts": { minRegions: 2, typo: 1 } }),
      "inline",
    );
    const broken = {
      ...plans.prod,
      resources: inPrimary(clone(plans.prod.resources)),
    };
    await server.current.configure(broken, config, false);
    const found = (await server.current.analyzeStack(broken, "update")).filter(
      v => v.policy === "paired-openai-accounts",
    );
    expect(found.map(v => v.enforcementLevel)).toEqual(["advisory"]);
  });
});

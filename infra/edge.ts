/**
 * Public mode's global entry: Azure Front Door (Standard/Premium) in front of every regional gateway,
 * probing each on API Management's status endpoint, behind a WAF policy in Prevention mode.
 *
 * Two components, because the gateway and Front Door need each other's outputs: `FrontDoorEdge` (the
 * profile, its endpoint and WAF) gives the Front Door id the gateway checks in `X-Azure-FDID`;
 * `FrontDoorRoute` (the origins and the route) takes the gateway's regional host names.
 *
 * Tier limits: the managed rule sets (Microsoft_DefaultRuleSet 2.1 and the bot manager) need Premium.
 * On Standard the WAF runs custom rules only (here the per-client rate limit): injection signatures are
 * not checked at the edge at all.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cdn from "@pulumi/azure-native/cdn";
import * as frontdoor from "@pulumi/azure-native/frontdoor";
import * as resources from "@pulumi/azure-native/resources";
import { EdgeConfig } from "./config";
import { ORIGIN_RESPONSE_TIMEOUT_SECONDS } from "./gateway/chains";
import { diagnosticSetting } from "./observability";
import { azureName } from "./naming";
import { resourceGroup } from "./resourceGroup";
import { Tags, roleTags } from "./tags";
import { TYPES } from "../catalog/types";

/** A regional gateway behind Front Door. */
export interface EdgeOrigin {
  readonly region: string;
  /**
   * The host name that reaches this region's gateway and no other, as its API Management tier exposes it
   * (infra/gateway/tiers.ts): `apim-x-eastus2-01.regional.azure-api.net` on classic tiers, the service's
   * own `apim-x-eastus2-abc123.azure-api.net` on v2 tiers, which have no regional gateway URL.
   */
  readonly hostName: pulumi.Input<string>;
  /** 1 to 5: Front Door sends traffic to the lowest priority that has healthy origins. */
  readonly priority: number;
  /** 1 to 1000: the origin's share among healthy origins of the same priority. */
  readonly weight: number;
}

export interface FrontDoorEdgeArgs {
  readonly stack: string;
  /** Where the resource group lives; Front Door itself is global. */
  readonly region: string;
  /** The tier and the rate limit. */
  readonly config: Pick<EdgeConfig, "frontDoorSku" | "wafRateLimitPerMinute">;
  readonly commonTags: Tags;
  /** Protect the resource group (nothing at the edge holds state). */
  readonly protect: boolean;
  /** Log Analytics workspace for the access, health probe and WAF logs (exclusions are tuned from the WAF log). */
  readonly workspaceId?: pulumi.Input<string>;
}

/** The only route: the Azure OpenAI inference API the gateway exposes. */
export const API_ROUTE_PATTERN = "/openai/*";
/** API Management's built-in health endpoint, served by every regional gateway. */
export const PROBE_PATH = "/status-0123456789abcdef";

/**
 * JSON body fields that carry prompt text in the OpenAI API: `messages` (chat), `prompt` (completions),
 * `input` (embeddings, responses). Prompts legitimately contain code, SQL and markup. A few rules read
 * the raw body before it is parsed (logged as `InitialBodyContents`); no exclusion reaches those, so
 * tune them from the WAF log with rule-level overrides if they fire.
 */
export const PROMPT_FIELDS = ["messages", "prompt", "input"] as const;
/** The Default Rule Set 2.1 groups whose signatures match code, SQL and markup: SQL injection, XSS, code injection. */
export const PROMPT_RULE_GROUPS = ["SQLI", "MS-ThreatIntel-SQLI", "XSS", "RCE", "PHP", "JAVA", "NODEJS"] as const;

/** Gateway origins in `regions` order: one priority for active/active, priority 1, 2, ... for active/passive. */
export function edgeOrigins(
  routing: EdgeConfig["routing"],
  regions: readonly string[],
  hostName: (region: string) => pulumi.Input<string>,
): EdgeOrigin[] {
  return regions.map((region, i) => ({
    region,
    hostName: hostName(region),
    priority: routing === "active-active" ? 1 : i + 1,
    weight: 50,
  }));
}

/** Premium's managed rule sets, with the prompt fields excluded from the prompt-sensitive groups only. */
function managedRuleSets(): frontdoor.PolicyArgs["managedRules"] {
  const promptExclusions = PROMPT_FIELDS.map(selector => ({
    matchVariable: "RequestBodyJsonArgNames",
    selectorMatchOperator: "Equals",
    selector,
  }));
  return {
    managedRuleSets: [
      {
        ruleSetType: "Microsoft_DefaultRuleSet",
        ruleSetVersion: "2.1",
        ruleSetAction: "Block",
        // Group-scoped exclusions with no `rules` list: every rule stays enabled, it just skips these fields.
        ruleGroupOverrides: PROMPT_RULE_GROUPS.map(ruleGroupName => ({ ruleGroupName, exclusions: promptExclusions })),
      },
      { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1" },
    ],
  };
}

/** The WAF policy: a rate limit per client IP, and on Premium the managed rule sets. */
function wafPolicy(
  name: string,
  args: FrontDoorEdgeArgs,
  resourceGroupName: pulumi.Input<string>,
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
) {
  const c = args.config;
  return new frontdoor.Policy(
    `${name}-waf`,
    {
      resourceGroupName,
      // Letters and digits only.
      policyName: azureName(TYPES.wafPolicy, ["waf", args.stack, "aoai"]),
      location: "Global",
      sku: { name: c.frontDoorSku },
      policySettings: { enabledState: "Enabled", mode: "Prevention", requestBodyCheck: "Enabled" },
      customRules: {
        rules: [
          {
            name: "RateLimitPerClientIp",
            priority: 100,
            enabledState: "Enabled",
            ruleType: "RateLimitRule",
            rateLimitDurationInMinutes: 1,
            rateLimitThreshold: c.wafRateLimitPerMinute,
            // The TCP peer, not X-Forwarded-For, which a client can forge. Each Front Door POP counts on its own.
            groupBy: [{ variableName: "SocketAddr" }],
            matchConditions: [{ matchVariable: "RemoteAddr", operator: "IPMatch", matchValue: ["0.0.0.0/0", "::/0"] }],
            action: "Block",
          },
        ],
      },
      managedRules: c.frontDoorSku === "Premium_AzureFrontDoor" ? managedRuleSets() : undefined,
      tags,
    },
    opts,
  );
}

/** A Front Door profile's resource group and name, which its endpoints, policies and origins are declared under. */
interface ProfileArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly profileName: pulumi.Input<string>;
}

/** The Front Door profile, global, waiting for long completions before it gives up on an origin. */
function profile(
  name: string,
  args: FrontDoorEdgeArgs,
  resourceGroupName: pulumi.Input<string>,
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
) {
  return new cdn.Profile(
    `${name}-profile`,
    {
      resourceGroupName,
      profileName: azureName(TYPES.frontDoorProfile, ["afd", "aoai", args.stack]),
      location: "global",
      sku: { name: args.config.frontDoorSku },
      originResponseTimeoutSeconds: ORIGIN_RESPONSE_TIMEOUT_SECONDS,
      tags,
    },
    opts,
  );
}

/** The endpoint clients call, on its azurefd.net host name. */
function endpoint(
  name: string,
  args: FrontDoorEdgeArgs,
  profileArgs: ProfileArgs,
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
) {
  return new cdn.AFDEndpoint(
    `${name}-endpoint`,
    {
      ...profileArgs,
      endpointName: azureName(TYPES.frontDoorEndpoint, ["afd", "aoai", args.stack]),
      location: "global",
      enabledState: "Enabled",
      // The same name gets the same hash in this tenant: a recreated endpoint keeps its host name.
      autoGeneratedDomainNameLabelScope: "TenantReuse",
      tags,
    },
    opts,
  );
}

/** Attaches the WAF policy to the endpoint, for every path. */
function securityPolicy(
  name: string,
  profileArgs: ProfileArgs,
  waf: frontdoor.Policy,
  endpoint: cdn.AFDEndpoint,
  opts: pulumi.CustomResourceOptions,
) {
  return new cdn.SecurityPolicy(
    `${name}-security-policy`,
    {
      ...profileArgs,
      securityPolicyName: "waf",
      parameters: {
        type: "WebApplicationFirewall",
        wafPolicy: { id: waf.id },
        associations: [{ domains: [{ id: endpoint.id }], patternsToMatch: ["/*"] }],
      },
    },
    opts,
  );
}

/** The Front Door profile, its endpoint, and the WAF policy attached to the endpoint. */
export class FrontDoorEdge extends pulumi.ComponentResource {
  public readonly resourceGroup: resources.ResourceGroup;
  public readonly profile: cdn.Profile;
  public readonly endpoint: cdn.AFDEndpoint;
  public readonly wafPolicy: frontdoor.Policy;
  /** The host name clients call: `<endpoint>-<hash>.z01.azurefd.net`. */
  public readonly endpointHostName: pulumi.Output<string>;
  /** The profile's id, which Front Door sends in `X-Azure-FDID`: the gateway refuses requests without it. */
  public readonly frontDoorId: pulumi.Output<string>;

  constructor(name: string, args: FrontDoorEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:edge:FrontDoorEdge", name, {}, opts);
    const tags = roleTags(args.commonTags, "edge");
    const child = { parent: this };
    const rg = resourceGroup(
      name,
      { stack: args.stack, purpose: "edge", region: args.region, tags },
      { parent: this, protect: args.protect },
    );
    this.resourceGroup = rg;
    this.profile = profile(name, args, rg.name, tags, child);
    const profileArgs = { resourceGroupName: rg.name, profileName: this.profile.name };
    this.endpoint = endpoint(name, args, profileArgs, tags, child);
    this.wafPolicy = wafPolicy(name, args, rg.name, tags, child);
    securityPolicy(name, profileArgs, this.wafPolicy, this.endpoint, child);

    if (args.workspaceId !== undefined)
      diagnosticSetting(`${name}-diagnostics`, this.profile.id, args.workspaceId, child);

    this.endpointHostName = this.endpoint.hostName;
    this.frontDoorId = this.profile.frontDoorId;
    this.registerOutputs({ endpointHostName: this.endpointHostName, frontDoorId: this.frontDoorId });
  }
}

export interface FrontDoorRouteArgs {
  readonly edge: FrontDoorEdge;
  /** The regional gateways: see `edgeOrigins`. */
  readonly origins: readonly EdgeOrigin[];
  /** How often each Front Door point of presence probes every gateway: the failover detection time. */
  readonly probeIntervalSeconds: number;
}

/** The gateways' origin group, health-probed on API Management's status endpoint. */
function originGroup(
  name: string,
  args: FrontDoorRouteArgs,
  profileArgs: ProfileArgs,
  opts: pulumi.CustomResourceOptions,
) {
  return new cdn.AFDOriginGroup(
    `${name}-origin-group`,
    {
      ...profileArgs,
      originGroupName: "gateways",
      healthProbeSettings: {
        probePath: PROBE_PATH,
        probeProtocol: "Https",
        probeRequestType: "GET",
        probeIntervalInSeconds: args.probeIntervalSeconds,
      },
      loadBalancingSettings: {
        sampleSize: 4,
        successfulSamplesRequired: 3,
        // Origins sharing a priority (active/active) in one latency bucket: their weights, not proximity, split the load.
        additionalLatencyInMilliseconds:
          new Set(args.origins.map(o => o.priority)).size < args.origins.length ? 1000 : 50,
      },
      sessionAffinityState: "Disabled",
    },
    opts,
  );
}

/** One regional gateway as an origin of the group. */
function origin(
  name: string,
  o: EdgeOrigin,
  profileArgs: ProfileArgs,
  group: cdn.AFDOriginGroup,
  opts: pulumi.CustomResourceOptions,
) {
  return new cdn.AFDOrigin(
    `${name}-origin-${o.region}`,
    {
      ...profileArgs,
      originGroupName: group.name,
      originName: `gateway-${o.region}`,
      hostName: o.hostName,
      // APIM routes by host name: send the gateway's own.
      originHostHeader: o.hostName,
      httpPort: 80,
      httpsPort: 443,
      priority: o.priority,
      weight: o.weight,
      enabledState: "Enabled",
      enforceCertificateNameCheck: true,
    },
    opts,
  );
}

/** The regional gateways as origins of one health-probed group, and the `/openai/*` route to them. */
export class FrontDoorRoute extends pulumi.ComponentResource {
  public readonly route: cdn.Route;

  constructor(name: string, args: FrontDoorRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:edge:FrontDoorRoute", name, {}, opts);
    const { edge } = args;
    const child = { parent: this };
    const profileArgs = { resourceGroupName: edge.resourceGroup.name, profileName: edge.profile.name };
    const group = originGroup(name, args, profileArgs, child);
    const origins = args.origins.map(o => origin(name, o, profileArgs, group, child));

    this.route = new cdn.Route(
      `${name}-openai`,
      {
        ...profileArgs,
        endpointName: edge.endpoint.name,
        routeName: "openai",
        originGroup: { id: group.id },
        patternsToMatch: [API_ROUTE_PATTERN],
        // Plain HTTP is accepted only to be redirected; the gateways are called over HTTPS alone.
        supportedProtocols: ["Http", "Https"],
        httpsRedirect: "Enabled",
        forwardingProtocol: "HttpsOnly",
        linkToDefaultDomain: "Enabled",
        enabledState: "Enabled",
        // No cacheConfiguration: completions are per request and must never be served from cache.
      },
      { parent: this, dependsOn: origins },
    );
    this.registerOutputs({ routeId: this.route.id });
  }
}

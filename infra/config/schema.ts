/**
 * The stack configuration's shape: one structured key per concern in `Pulumi.<stack>.yaml`, with the rules a
 * single value can be checked by (types, ranges, formats, known regions and models) and the defaults. The
 * rules that compare values live in rules/. Pure: no Pulumi import.
 */
import { z } from "zod";
import { hasHostBits, networkAddress } from "../cidr";
import { DATA_ZONES, DataZone, findRegion, knownRegions } from "../../catalog/regions";
import { DeploymentSku, PROVISIONED_SKU, STANDARD_SKUS, StandardSku } from "../../catalog/models";

/** API Management tiers the gateway can use (Consumption lacks the token policies and managed identity to backends). */
export const APIM_SKUS = ["Developer", "Basic", "Standard", "Premium", "BasicV2", "StandardV2"] as const;
/** The subscription the stack's default `azure-native` provider points at. */
export const PRIMARY_SUBSCRIPTION = "primary";

const NAME_RULE = "lowercase letters, digits and hyphens, 2 to 24 characters, starting with a letter";
const name = z.string().regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, { error: `must be ${NAME_RULE}` });

const region = z.string({ error: "must be an Azure region name such as eastus2" }).refine(r => findRegion(r), {
  error: iss => `unknown region '${String(iss.input)}'; allowed: ${knownRegions().join(", ")}`,
});

/**
 * A model name's form only: whether the catalog knows it, or the stack declares its offer
 * (`standard.models[].offer`), is a rule of its own (rules/models.ts), since the answer spans keys.
 */
const modelName = z
  .string({ error: "must be a model name such as gpt-5.1" })
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: "must be a model name such as gpt-5.1 (lowercase, digits, . _ -)" });

/**
 * An offer the catalog lacks, declared by the stack: the regions that offer this model version on the stack's
 * standard SKU (`standard.deploymentType`), and where Microsoft says so. Planned with a warning naming the
 * source; checked against Azure's models API under `quota.source: live`.
 */
const declaredOffer = z.strictObject({
  regions: z.array(region).min(1, { error: "must list at least one region that offers the model version" }),
  source: z
    .string({ error: "must be the https URL of the page or table that states the offer" })
    .regex(/^https:\/\/\S+$/, { error: "must be the https URL of the page or table that states the offer" }),
});

/** YAML reads `version: 1` as a number; Azure wants a string. */
const modelVersion = z
  .union([z.string().min(1), z.number()], { error: 'must be a model version string such as "2024-11-20"' })
  .transform(String);

const wholeAbove0 = (message: string) =>
  z.number({ error: message }).int({ error: message }).positive({ error: message });

/**
 * Standard capacity (deployments and declared quota) is in units of 1,000 tokens per minute. Azure documents
 * no per-deployment maximum for it (https://learn.microsoft.com/azure/ai-foundry/openai/quotas-limits lists
 * quota per subscription, region and model); the bound is that its tokens per minute must fit the 32-bit
 * integers it reaches (APIM's token-limit attributes, ARM's `sku.capacity`). README checklist: confirm.
 */
const MAX_STANDARD_CAPACITY = Math.floor(2_147_483_647 / 1000);
const atMostCapacity = {
  error: `must be at most ${MAX_STANDARD_CAPACITY} (thousands of tokens per minute: the most a 32-bit integer holds)`,
};

/** "Maximum number of Provisioned throughput units per deployment: 100,000" (https://learn.microsoft.com/azure/ai-foundry/openai/quotas-limits). */
const MAX_PTU_PER_DEPLOYMENT = 100_000;

const CAPACITY_RULE =
  'must be "full" (the whole declared quota) or a whole number above 0 (thousands of tokens per minute)';
const capacity = z.union([z.literal("full"), wholeAbove0(CAPACITY_RULE).max(MAX_STANDARD_CAPACITY, atMostCapacity)], {
  error: CAPACITY_RULE,
});

const standardModel = z.strictObject({
  name: modelName,
  version: modelVersion,
  capacity: capacity.default("full"),
  offer: declaredOffer.optional(),
});

const quotaEntry = z.strictObject({
  subscription: name.default(PRIMARY_SUBSCRIPTION),
  region,
  sku: z.enum([...STANDARD_SKUS, ...Object.values(PROVISIONED_SKU)] as [DeploymentSku, ...DeploymentSku[]]),
  model: modelName,
  /** Thousands of tokens per minute (standard SKUs) or PTUs (provisioned SKUs, far below the same bound). */
  capacity: z
    .number({ error: "must be a whole number, 0 or more" })
    .int({ error: "must be a whole number, 0 or more" })
    .nonnegative({ error: "must be a whole number, 0 or more" })
    .max(MAX_STANDARD_CAPACITY, atMostCapacity),
});

const ptuPool = {
  region,
  model: modelName,
  /** Defaults to the version of the same model's standard deployments. */
  version: modelVersion.optional(),
  ptu: wholeAbove0("must be a whole number above 0 (provisioned throughput units)").max(MAX_PTU_PER_DEPLOYMENT, {
    error: `must be at most ${MAX_PTU_PER_DEPLOYMENT} (Azure's maximum of provisioned throughput units per deployment)`,
  }),
};

/**
 * forward-request: values above 240 s may not be honoured (network infrastructure drops idle connections):
 * https://learn.microsoft.com/azure/api-management/forward-request-policy#attributes
 */
const tierTimeout = wholeAbove0("must be a whole number of seconds above 0").max(240, {
  error: "must be at most 240 seconds (APIM's forward-request limit)",
});

/** A suspect step is skipped for at most an hour: longer, a recovered backend would stay unused. */
const SUSPECT_MAX_SECONDS = 3600;

const STRATEGY_REMOVED =
  "was removed: the gateway walks each chain's steps itself (docs/gateway.md, how a request fails over). " +
  "The send-request strategy buffered every answer (no streaming), returned it past the outbound section " +
  "(so PTU budgets and token metrics never saw it) and replayed timed-out requests that may still be billed: " +
  "delete the key";

const CIDR_RULE = "must be an IPv4 range in CIDR notation, such as 10.40.0.0/22";
const cidr = z.cidrv4({ error: CIDR_RULE }).refine(c => !hasHostBits(c), {
  error: iss =>
    `'${String(iss.input)}' has host bits set, which Azure refuses; use its network address ${networkAddress(String(iss.input))}`,
});

const vnet = z.strictObject({
  /** The VNet's address space: both subnets lie inside it, and it overlaps no other region's VNet. */
  addressSpace: cidr,
  /**
   * API Management's subnet: private mode injects the gateway there (internal VNet mode); public mode integrates
   * the Standard v2 gateway with it for its outbound calls (delegated to Microsoft.Web/serverFarms, /27 or larger).
   */
  apimSubnet: cidr,
  /** The subnet of the private endpoints (OpenAI accounts, Key Vault). */
  privateEndpointSubnet: cidr,
  /**
   * The hub VNet (ARM id) clients reach the gateway through: peered both ways with this VNet and linked to the
   * gateway's DNS zone (never to privatelink zones: the hub keeps the organization's). Private mode requires it;
   * public mode peers with it if set.
   */
  hubVnetId: z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i,
      {
        error:
          "must be a VNet's ARM id: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>",
      },
    )
    .optional(),
  /**
   * Whether the spoke reaches on-premises through the hub's VPN or ExpressRoute gateway (gateway transit): the
   * spoke's peering sets useRemoteGateways and the hub's side allows gateway transit, so the gateway advertises
   * the spoke's prefixes. The hub must have a gateway, or Azure refuses the peering (RemoteVnetHasNoGateways).
   * https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit
   */
  useHubGateway: z.boolean().optional(),
  /**
   * With network.centralDnsZones only: the DNS servers of this VNet, the hub's resolver (a DNS Private Resolver
   * inbound endpoint or the firewall's DNS proxy), which resolves through the organization's central zones.
   */
  dnsServers: z
    .array(z.ipv4({ error: "must be an IPv4 address, such as 10.0.0.4" }))
    .min(1)
    .optional(),
});

/** A private DNS zone's ARM id; the zone's name is the last segment. */
const privateDnsZoneId = z
  .string()
  .regex(
    /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+$/i,
    {
      error:
        "must be a private DNS zone's ARM id: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone name>",
    },
  );

/**
 * Private mode's failover watchdog (docs/networking.md, "The failover watchdog"): a function in network.dnsRegion
 * that probes every regional gateway and points the gateway's DNS record at a healthy one.
 */
const seconds = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number of seconds from ${min} to ${max}` })
    .int({ error: `must be a whole number of seconds from ${min} to ${max}` })
    .min(min, { error: `must be a whole number of seconds from ${min} to ${max}` })
    .max(max, { error: `must be a whole number of seconds from ${min} to ${max}` });

const watchdog = z.strictObject({
  /** false: no watchdog; the record follows network.activeGatewayRegion at every `pulumi up` again. */
  enabled: z.boolean().default(true),
  /** Maintenance: the watchdog keeps probing and reporting but never writes the record. */
  paused: z.boolean().default(false),
  /** Seconds between two rounds of probes (the timer's seconds field). */
  probeIntervalSeconds: seconds(5, 60).default(10),
  /** Seconds a probe may take before it counts as failed; less than probeIntervalSeconds. */
  probeTimeoutSeconds: seconds(1, 30).default(5),
  /** Consecutive failed probes of the active region before the record moves. */
  failureThreshold: z
    .number({ error: "must be a whole number from 1 to 10" })
    .int({ error: "must be a whole number from 1 to 10" })
    .min(1, { error: "must be a whole number from 1 to 10" })
    .max(10, { error: "must be a whole number from 1 to 10" })
    .default(3),
  /** After a move, no automatic move for this long: a flapping region raises the alarm instead. */
  cooldownSeconds: seconds(0, 86400).default(600),
  /** `manual` (default): the record stays where the watchdog moved it; or back once the preferred region has answered this long. */
  failBack: z
    .union([z.literal("manual"), z.strictObject({ afterHealthySeconds: seconds(60, 86400) })], {
      error: 'must be "manual" or { afterHealthySeconds: <60 to 86400> }',
    })
    .default("manual"),
  /** Who is told each time it moves the record or cannot: e-mail addresses of an action group the stack creates... */
  alertEmails: z.array(z.email({ error: "must be an e-mail address" })).default([]),
  /** ...or an existing action group (ARM id), such as the on-call team's. */
  actionGroupId: z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/actionGroups\/[^/]+$/i,
      {
        error:
          "must be an action group's ARM id: /subscriptions/<id>/resourceGroups/<group>/providers/microsoft.insights/actionGroups/<name>",
      },
    )
    .optional(),
  /** The watchdog's VNet in network.dnsRegion, peered with every gateway VNet: overlaps none of them; a /28 or larger. */
  addressSpace: cidr,
});

const MAX_INT32 = 2_147_483_647;
const PUBLISHER_MAX = 100;

export const schema = z.strictObject({
  regions: z.strictObject({
    primary: region,
    secondary: region,
    /** Optional: pins the data zone (an EU-only stack for GDPR); otherwise derived from the regions. */
    dataZone: z.enum(DATA_ZONES as [DataZone, ...DataZone[]]).optional(),
  }),
  standard: z.strictObject({
    deploymentType: z.enum(STANDARD_SKUS as [StandardSku, ...StandardSku[]]).default("DataZoneStandard"),
    /** Regional `Standard` deployments give up the data-zone capacity pool: only with this explicit opt-out. */
    allowRegionalStandard: z.boolean().default(false),
    /** How the gateway spreads standard traffic: both regions weighted, or primary before secondary. */
    routing: z.enum(["active-active", "active-passive"]).default("active-passive"),
    models: z.array(standardModel).min(1, { error: "must list at least one model" }),
    /**
     * What Azure does with every deployment when its model version retires. `OnceCurrentVersionExpired`
     * (default) keeps the pinned version until it retires, then upgrades it to the default version, so both
     * regions keep answering; `NoAutoUpgrade` lets the deployments fail together at retirement;
     * `OnceNewDefaultVersionAvailable` upgrades early, region by region, so the pair may briefly differ.
     * https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-versions
     */
    versionUpgradeOption: z
      .enum(["OnceCurrentVersionExpired", "OnceNewDefaultVersionAvailable", "NoAutoUpgrade"])
      .default("OnceCurrentVersionExpired"),
  }),
  quota: z
    .strictObject({
      /** `declared`: the table below; `live`: Azure's usages API at deploy time. */
      source: z.enum(["declared", "live"]).default("declared"),
      declared: z.array(quotaEntry).default([]),
    })
    .prefault({}),
  enterprisePtu: z.strictObject(ptuPool).optional(),
  workloadPtus: z.array(z.strictObject({ name, ...ptuPool })).default([]),
  applications: z
    .array(
      z.strictObject({
        name,
        /** 1 is the most critical: lower-priority applications leave the PTU pools first. */
        priority: z.number().int().min(1).max(3, { error: "must be 1 (most critical), 2 or 3" }).default(2),
        workload: name.optional(),
        /** An APIM token-limit policy attribute: a 32-bit integer (README checklist: confirm on a dev instance). */
        tokensPerMinute: wholeAbove0("must be a whole number above 0 (tokens per minute)")
          .max(MAX_INT32, { error: `must be at most ${MAX_INT32} (APIM's token-limit policy takes a 32-bit integer)` })
          .optional(),
        /** Entra mode: the client applications (app ids) this application calls from; the gateway accepts only these. */
        clientApplicationIds: z
          .array(z.uuid({ error: "must be an Entra application (client) id, a GUID" }))
          .default([]),
      }),
    )
    .default([]),
  overflowSubscriptions: z
    .array(
      z.strictObject({
        name,
        subscriptionId: z.uuid({ error: "must be a subscription id (a GUID)" }),
        regions: z.array(region).min(1, { error: "must list at least one region" }),
        /** Accept an overflow whose every region is the primary: losing the primary then takes it too (rules/overflow.ts). */
        allowPrimaryRegionOnly: z.boolean().default(false),
      }),
    )
    .default([]),
  gateway: z.strictObject({
    /** `multi-region`: one Premium service with additionalLocations; `per-region`: one service per region. */
    mode: z.enum(["multi-region", "per-region"]).default("multi-region"),
    /** Gateway regions; the first hosts the multi-region service. Must cover every standard region. */
    regions: z
      .array(region)
      .min(2, { error: "must list at least two regions: a gateway in one region is a single point of failure" }),
    sku: z.enum(APIM_SKUS).default("Premium"),
    /** Scale units per region. */
    capacity: wholeAbove0("must be a whole number above 0 (scale units per region)").default(1),
    /** Spread each region's units across availability zones (Premium only). */
    zoneRedundant: z.boolean().default(false),
    /** ARM's ApiManagementServiceProperties: publisherName and publisherEmail are at most 100 characters (README checklist). */
    publisherName: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(PUBLISHER_MAX, { error: `must be at most ${PUBLISHER_MAX} characters (API Management's limit)` })
      .default("Platform team"),
    publisherEmail: z
      .email({ error: "must be an e-mail address (APIM sends operational notices there)" })
      .max(PUBLISHER_MAX, { error: `must be at most ${PUBLISHER_MAX} characters (API Management's limit)` }),
    /** Removed: a stack that still sets it is told why (docs/gateway.md). */
    strategy: z.never({ error: STRATEGY_REMOVED }).optional(),
    /** How applications authenticate: Entra ID app roles, or APIM subscription keys (one product per application). */
    callerAuth: z.enum(["entra", "subscription-key"]).default("entra"),
    retryAfterSeconds: wholeAbove0("must be a whole number of seconds above 0").default(10),
    /** The TLS certificate (PFX with its private key) for network.gatewayDomain, a secret in a Key Vault the stack does not own. */
    certificate: z
      .strictObject({
        keyVaultId: z
          .string()
          .regex(
            /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.KeyVault\/vaults\/[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
            {
              error:
                "must be a Key Vault's ARM id: /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>",
            },
          ),
        secretName: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, {
          error: "must be a Key Vault secret name: 1 to 127 letters, digits and hyphens",
        }),
        /**
         * How API Management reaches the vault when the service is created. Only `public-network` works in one
         * pass: the read is made then, as the user-assigned identity (the system-assigned one does not exist
         * yet), and a firewalled vault admits only the system-assigned identity
         * (https://learn.microsoft.com/azure/api-management/configure-custom-domain, Key Vault firewall requirements);
         * a vault with a private endpoint anywhere resolves through privatelink.vaultcore.azure.net, which the
         * spoke's own zone answers without it. See docs/dev-instance-checklist.md.
         */
        reachedBy: z.literal("public-network", {
          error:
            "must be 'public-network' (the vault accepts public traffic and has no private endpoint): the certificate is read when the service is created, " +
            "as its user-assigned identity, which a firewalled vault refuses; a vault behind a firewall or a private endpoint cannot serve it (docs/gateway.md)",
        }),
      })
      .optional(),
    /**
     * Seconds each tier may take to send its response headers before the request moves to the next
     * tier. Streamed answers send headers at the first token; a non-streamed answer only when complete.
     */
    tierTimeoutSeconds: z
      .strictObject({
        workloadPtu: tierTimeout.default(60),
        enterprisePtu: tierTimeout.default(60),
        standard: tierTimeout.default(120),
      })
      .prefault({}),
    /**
     * The most a request waits across all its attempts (the chain's deadline): every attempt's timeout is
     * capped by what is left of it. At most 240 s, forward-request's documented limit.
     */
    chainTimeoutSeconds: tierTimeout.default(180),
    /**
     * A streamed request's (`"stream": true`) timeout per attempt: forward-request waits for the response
     * headers, which a streamed answer sends with its first token.
     */
    streamFirstByteSeconds: tierTimeout.default(10),
    /** How long a step that timed out or refused the connection is skipped by the next requests. */
    suspectSeconds: wholeAbove0("must be a whole number of seconds above 0")
      .max(SUSPECT_MAX_SECONDS, { error: `must be at most ${SUSPECT_MAX_SECONDS} seconds` })
      .default(30),
    /**
     * Tokens per minute, per PTU, that priority-2 and priority-3 applications may use of a PTU deployment
     * before they are sent to the standard tier. Size from the model's input TPM per PTU:
     * https://learn.microsoft.com/azure/foundry-classic/openai/how-to/provisioned-throughput-sizing
     */
    ptuBudget: z
      .strictObject({
        priority2: wholeAbove0("must be a whole number above 0 (tokens per minute per PTU)").default(1500),
        priority3: wholeAbove0("must be a whole number above 0 (tokens per minute per PTU)").default(750),
      })
      .prefault({}),
    /** Whether responses carry `X-Served-By` with the internal name of the account that answered. */
    exposeBackendNames: z.boolean().default(false),
    /** Private mode: the failover watchdog that moves the gateway's DNS record by itself. */
    watchdog: watchdog.optional(),
  }),
  network: z
    .strictObject({
      mode: z.enum(["public", "private"]).default("public"),
      /**
       * One VNet per gateway region, keyed by region. Private mode requires them. In public mode they are optional
       * and close the accounts: the Standard v2 gateways integrate with them for their outbound calls and reach
       * every account through a private endpoint there, and the accounts turn public network access off.
       */
      vnets: z.record(z.string(), vnet).default({}),
      /** Private mode: the region whose gateway the private DNS name points at. Change it and run `pulumi up` to fail over. */
      activeGatewayRegion: region.optional(),
      /**
       * Private mode: the region of the resource group holding the gateway's DNS zone, which a failover
       * changes. It must be none of the gateway regions: a region's outage makes its resource groups'
       * metadata read-only, so the failover would need the failed region.
       */
      dnsRegion: region.optional(),
      /** Private mode: the host name clients call; defaults to the gateway's own `<service>.azure-api.net`. */
      gatewayDomain: z
        .string()
        .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
          error: "must be a lowercase DNS name such as aoai.contoso.internal",
        })
        .optional(),
      /**
       * With VNets, in a landing zone whose platform team owns the `privatelink.*` zones: their ARM ids. The
       * stack then creates no privatelink zones and registers its endpoints there (docs/networking.md).
       */
      centralDnsZones: z.strictObject({ openai: privateDnsZoneId, vault: privateDnsZoneId }).optional(),
    })
    .prefault({}),
  /** Public mode: Azure Front Door with its WAF in front of every regional gateway. */
  edge: z
    .strictObject({
      /** Premium carries the managed WAF rule sets (Microsoft_DefaultRuleSet, bot manager); Standard has custom rules only. */
      frontDoorSku: z.enum(["Premium_AzureFrontDoor", "Standard_AzureFrontDoor"]).default("Premium_AzureFrontDoor"),
      /** `active-active`: every gateway region serves, same priority and weight; `active-passive`: gateway.regions in order. */
      routing: z.enum(["active-active", "active-passive"]).default("active-passive"),
      /** Requests one client IP may send per minute before the WAF blocks it. */
      wafRateLimitPerMinute: wholeAbove0("must be a whole number above 0 (requests per client IP per minute)").default(
        1000,
      ),
      /** How often each Front Door point of presence probes every gateway: the failover detection time. */
      probeIntervalSeconds: z
        .number()
        .int()
        .min(5, { error: "must be 5 to 255 seconds" })
        .max(255, { error: "must be 5 to 255 seconds" })
        .default(30),
    })
    .prefault({}),
  openai: z
    .strictObject({
      /** Managed identity from the gateway is the default; keys (kept in Key Vault) are the fallback. */
      auth: z.enum(["managedIdentity", "keys"]).default("managedIdentity"),
    })
    .prefault({}),
  observability: z
    .strictObject({
      retentionInDays: z
        .number()
        .int()
        .min(30, { error: "must be 30 to 730 days" })
        .max(730, { error: "must be 30 to 730 days" })
        .default(30),
    })
    .prefault({}),
  tags: z.record(z.string(), z.string({ error: "tag values must be strings" })).default({}),
  /** Protect stateful resources (accounts, resource groups, vaults, DNS zones) from deletion. */
  protect: z.boolean().default(true),
});

/** The top-level keys a stack may set (without the `aoai-bcdr:` namespace). */
export const CONFIG_KEYS = Object.keys(schema.shape) as readonly (keyof typeof schema.shape)[];

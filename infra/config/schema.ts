/**
 * The stack configuration: one structured key per concern in `Pulumi.<stack>.yaml`, parsed once and
 * validated before any resource is declared. Every refusal names the config key and says what is
 * allowed. Pure: no Pulumi import (index.ts reads the raw values and turns a ConfigError into a RunError).
 */
import { z } from "zod";
import { contains, hasHostBits, networkAddress, overlaps, parseCidr } from "./cidr";
import { DATA_ZONES, DataZone, findRegion, knownRegions, regionsInZone } from "../catalog/regions";
import { MODEL_MATRIX, matrixCitation, offeringRegions } from "../catalog/modelMatrix";
import { RETIREMENTS_SOURCE, currentReplacement, isRetired, retirementDate } from "../catalog/retirements";
import { planDate } from "./retirement";
import {
  DeploymentSku,
  PROVISIONED_SKU,
  ProvisionedSku,
  STANDARD_SKUS,
  StandardSku,
  findModel,
  isDataZoneSku,
  knownModels,
  ptuIncrement,
} from "../catalog/models";
import { tagProblems } from "./tags";

export const PROJECT = "aoai-bcdr";

/** API Management tiers the gateway can use (Consumption lacks the token policies and managed identity to backends). */
export const APIM_SKUS = ["Developer", "Basic", "Standard", "Premium", "BasicV2", "StandardV2"] as const;
/** The subscription the stack's default `azure-native` provider points at. */
export const PRIMARY_SUBSCRIPTION = "primary";

export interface ConfigIssue {
  /** Full config key with the path inside it, e.g. `aoai-bcdr:standard.models[0].capacity`. */
  readonly key: string;
  readonly message: string;
}

/** A user's mistake in the stack config: reported without a stack trace. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid stack configuration:\n${issues.map(i => `  - ${i.key}: ${i.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  let key = `${PROJECT}:${String(head ?? "")}`;
  for (const p of rest) key += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
  return key;
}

// ---------------------------------------------------------------------------------------------
// Schema: shapes, types and single-value rules

const NAME_RULE = "lowercase letters, digits and hyphens, 2 to 24 characters, starting with a letter";
const name = z.string().regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, { error: `must be ${NAME_RULE}` });

const region = z.string({ error: "must be an Azure region name such as eastus2" }).refine(r => findRegion(r), {
  error: iss => `unknown region '${String(iss.input)}'; allowed: ${knownRegions().join(", ")}`,
});

const modelName = z.string({ error: "must be a model name such as gpt-5.1" }).refine(m => findModel(m), {
  error: iss => `unknown model '${String(iss.input)}'; known models: ${knownModels().join(", ")}`,
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

const CIDR_RULE = "must be an IPv4 range in CIDR notation, such as 10.40.0.0/22";
const cidr = z.cidrv4({ error: CIDR_RULE }).refine(c => !hasHostBits(c), {
  error: iss =>
    `'${String(iss.input)}' has host bits set, which Azure refuses; use its network address ${networkAddress(String(iss.input))}`,
});

const vnet = z.strictObject({
  /** The VNet's address space: both subnets lie inside it, and it overlaps no other region's VNet. */
  addressSpace: cidr,
  /** API Management's subnet (internal VNet mode). */
  apimSubnet: cidr,
  /** The subnet of the private endpoints (OpenAI accounts, Key Vault). */
  privateEndpointSubnet: cidr,
  /**
   * The hub VNet (ARM id) clients reach the gateway through: peered both ways with this VNet, linked to the
   * gateway's DNS zone and this region's privatelink zones. Private mode requires it (no other way in).
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
});

const MAX_INT32 = 2_147_483_647;
const PUBLISHER_MAX = 100;

const schema = z.strictObject({
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
    .default({ source: "declared", declared: [] }),
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
    /** `backend-pool`: pools with circuit breakers and retry; `send-request`: the synchronous failover of the seed design. */
    strategy: z.enum(["backend-pool", "send-request"]).default("backend-pool"),
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
      .default({ workloadPtu: 60, enterprisePtu: 60, standard: 120 }),
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
      .default({ priority2: 1500, priority3: 750 }),
    /** Whether responses carry `X-Served-By` with the internal name of the account that answered. */
    exposeBackendNames: z.boolean().default(false),
  }),
  network: z
    .strictObject({
      mode: z.enum(["public", "private"]).default("public"),
      /** Private mode: one VNet per gateway region, keyed by region. */
      vnets: z.record(z.string(), vnet).default({}),
      /** Private mode: the region whose gateway the private DNS name points at. Change it and run `pulumi up` to fail over. */
      activeGatewayRegion: region.optional(),
      /** Private mode: the host name clients call; defaults to the gateway's own `<service>.azure-api.net`. */
      /**
       * Private mode: the region of the resource group holding the gateway's DNS zone, which a failover
       * changes. It must be none of the gateway regions: a region's outage makes its resource groups'
       * metadata read-only, so the failover would need the failed region.
       */
      dnsRegion: region.optional(),
      gatewayDomain: z
        .string()
        .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
          error: "must be a lowercase DNS name such as aoai.contoso.internal",
        })
        .optional(),
    })
    .default({ mode: "public", vnets: {} }),
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
    .default({
      frontDoorSku: "Premium_AzureFrontDoor",
      routing: "active-passive",
      wafRateLimitPerMinute: 1000,
      probeIntervalSeconds: 30,
    }),
  openai: z
    .strictObject({
      /** Managed identity from the gateway is the default; keys (kept in Key Vault) are the fallback. */
      auth: z.enum(["managedIdentity", "keys"]).default("managedIdentity"),
    })
    .default({ auth: "managedIdentity" }),
  observability: z
    .strictObject({
      retentionInDays: z
        .number()
        .int()
        .min(30, { error: "must be 30 to 730 days" })
        .max(730, { error: "must be 30 to 730 days" })
        .default(30),
    })
    .default({ retentionInDays: 30 }),
  tags: z.record(z.string(), z.string({ error: "tag values must be strings" })).default({}),
  /** Protect stateful resources (accounts, resource groups, vaults, DNS zones) from deletion. */
  protect: z.boolean().default(true),
});

type Parsed = z.output<typeof schema>;
export type Application = Parsed["applications"][number];
export type GatewayConfig = Parsed["gateway"];
export type NetworkConfig = Parsed["network"];
export type VnetConfig = NetworkConfig["vnets"][string];
export type EdgeConfig = Parsed["edge"];

export interface PtuPoolConfig {
  readonly region: string;
  readonly model: string;
  readonly version: string;
  readonly ptu: number;
  readonly sku: ProvisionedSku;
}
export interface WorkloadPtuConfig extends PtuPoolConfig {
  readonly name: string;
}

/** The validated configuration: defaults applied, derived values filled in. */
export interface BcdrConfig extends Omit<Parsed, "enterprisePtu" | "workloadPtus"> {
  /** The data zone every region sits in; undefined only for Global/regional stacks outside any zone. */
  readonly dataZone?: DataZone;
  readonly enterprisePtu?: PtuPoolConfig;
  readonly workloadPtus: readonly WorkloadPtuConfig[];
}

/** The top-level keys a stack may set (without the `aoai-bcdr:` namespace). */
export const CONFIG_KEYS = Object.keys(schema.shape) as readonly (keyof Parsed)[];

// ---------------------------------------------------------------------------------------------
// Cross-field rules: the BCDR region separation, quotas and references

class Issues {
  readonly list: ConfigIssue[] = [];
  add(path: readonly PropertyKey[], message: string): void {
    this.list.push({ key: configKey(path), message });
  }
}

function checkUnique<T>(
  issues: Issues,
  items: readonly T[],
  keyOf: (t: T) => string,
  path: (i: number) => PropertyKey[],
  what: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = keyOf(item);
    if (seen.has(k)) issues.add(path(i), `duplicate ${what} '${k}'; each ${what} may appear once`);
    seen.add(k);
  });
}

function checkRegions(c: Parsed, issues: Issues): DataZone | undefined {
  const { primary, secondary, dataZone: pinned } = c.regions;
  if (primary === secondary) {
    issues.add(
      ["regions", "secondary"],
      `must differ from regions.primary ('${primary}'): a regional outage would take both`,
    );
  }
  const needsZone = isDataZoneSku(c.standard.deploymentType);
  // A data-zone SKU binds every region to the primary's zone; a global or regional one binds them only to a
  // pinned zone, so which region is primary never changes what is accepted. Unpinned, a global or regional
  // stack only reports the zone its regions happen to share: nothing is checked against it.
  if (!pinned && !needsZone) return commonZone(c);
  const zone = pinned ?? findRegion(primary)?.dataZone;
  if (needsZone && !zone) {
    issues.add(
      ["regions", "primary"],
      `'${primary}' is in no data zone, which ${c.standard.deploymentType} needs; allowed: ${regionsInZone("US").concat(regionsInZone("EU")).join(", ")}`,
    );
    return undefined;
  }
  if (!zone) return undefined;
  const inZone = (r: string, path: PropertyKey[]) => {
    if (findRegion(r) && findRegion(r)?.dataZone !== zone) {
      issues.add(
        path,
        `'${r}' is outside the ${zone} data zone of this stack; allowed: ${regionsInZone(zone).join(", ")}`,
      );
    }
  };
  inZone(primary, ["regions", "primary"]);
  inZone(secondary, ["regions", "secondary"]);
  if (c.enterprisePtu) inZone(c.enterprisePtu.region, ["enterprisePtu", "region"]);
  c.workloadPtus.forEach((w, i) => inZone(w.region, ["workloadPtus", i, "region"]));
  c.overflowSubscriptions.forEach((s, i) =>
    s.regions.forEach((r, j) => inZone(r, ["overflowSubscriptions", i, "regions", j])),
  );
  c.quota.declared.forEach((q, i) => inZone(q.region, ["quota", "declared", i, "region"]));
  c.gateway.regions.forEach((r, i) => inZone(r, ["gateway", "regions", i]));
  return zone;
}

/** Every region a stack uses. */
function stackRegions(c: Parsed): string[] {
  return [
    c.regions.primary,
    c.regions.secondary,
    ...(c.enterprisePtu ? [c.enterprisePtu.region] : []),
    ...c.workloadPtus.map(w => w.region),
    ...c.overflowSubscriptions.flatMap(s => s.regions),
    ...c.gateway.regions,
  ];
}

/** The zone all of a stack's regions share, if they share one. */
function commonZone(c: Parsed): DataZone | undefined {
  const zones = new Set(stackRegions(c).map(r => findRegion(r)?.dataZone));
  const [only] = zones;
  return zones.size === 1 ? only : undefined;
}

/** A PTU pool checked against a provisioned quota the stack declares for it (a row of 0 is named as such). */
function checkPtuQuota(
  c: Parsed,
  pool: { region: string; model: string; ptu: number },
  sku: ProvisionedSku,
  path: PropertyKey[],
  issues: Issues,
): void {
  const i = c.quota.declared.findIndex(
    q => q.subscription === PRIMARY_SUBSCRIPTION && q.region === pool.region && q.sku === sku && q.model === pool.model,
  );
  if (i < 0) return;
  const declared = c.quota.declared[i].capacity;
  // Pools in the same region draw on the same quota.
  const sharing = [...(c.enterprisePtu ? [c.enterprisePtu] : []), ...c.workloadPtus].filter(
    p => p.region === pool.region && p.model === pool.model,
  );
  const total = sharing.reduce((sum, p) => sum + p.ptu, 0);
  if (declared === 0) {
    issues.add(
      [...path, "ptu"],
      `the declared quota (quota.declared[${i}]) of ${pool.model} ${sku} in ${pool.region} is 0: request PTU quota for it first`,
    );
  } else if (total > declared) {
    const what =
      sharing.length > 1 ? `${total} PTU (the ${sharing.length} pools in ${pool.region} together)` : `${pool.ptu} PTU`;
    issues.add(
      [...path, "ptu"],
      `${what} exceeds the declared quota of ${declared} (quota.declared[${i}]) for ${pool.model} ${sku} in ${pool.region}; at most ${declared}`,
    );
  }
}

function resolvePtuPool(
  c: Parsed,
  pool: z.output<z.ZodObject<typeof ptuPool>>,
  path: PropertyKey[],
  issues: Issues,
): PtuPoolConfig | undefined {
  const sku = PROVISIONED_SKU[c.standard.deploymentType];
  const standard = c.standard.models.find(m => m.name === pool.model);
  if (!standard) {
    issues.add(
      [...path, "model"],
      `model '${pool.model}' is not among standard.models (${c.standard.models.map(m => m.name).join(", ")}); a PTU pool fails over to the standard deployment of the same model, so add it there`,
    );
    return undefined;
  }
  const version = pool.version ?? standard.version;
  if (version !== standard.version) {
    issues.add(
      [...path, "version"],
      `must equal the standard deployment's version of ${pool.model} ('${standard.version}') so a failed-over request gets the same model`,
    );
  }
  const model = findModel(pool.model)!;
  const inc = ptuIncrement(model, sku);
  if (!inc) {
    issues.add([...path, "model"], `${pool.model} has no provisioned (PTU) offer`);
  } else if (pool.ptu < inc.minimum || pool.ptu % inc.step !== 0) {
    issues.add(
      [...path, "ptu"],
      `${pool.ptu} PTU is refused by Azure for ${pool.model} on ${sku}: at least ${inc.minimum}, in steps of ${inc.step}`,
    );
  }
  checkPtuQuota(c, pool, sku, path, issues);
  return { region: pool.region, model: pool.model, version, ptu: pool.ptu, sku };
}

function checkModels(c: Parsed, issues: Issues): void {
  checkUnique(
    issues,
    c.standard.models,
    m => m.name,
    i => ["standard", "models", i, "name"],
    "model",
  );
  c.standard.models.forEach((m, i) => {
    const info = findModel(m.name);
    if (info && !info.versions.includes(m.version)) {
      issues.add(
        ["standard", "models", i, "version"],
        `unknown version '${m.version}' of ${m.name}; known: ${info.versions.join(", ")}`,
      );
    }
  });
  if (c.standard.deploymentType === "Standard" && !c.standard.allowRegionalStandard) {
    issues.add(
      ["standard", "deploymentType"],
      "regional Standard gives up the data-zone capacity pool; use DataZoneStandard (default) or GlobalStandard, or set standard.allowRegionalStandard: true to opt out explicitly",
    );
  }
}

/** One model version a stack deploys on one SKU in one region, and the config key that put it there. */
export interface RequiredOffer {
  readonly sku: DeploymentSku;
  readonly model: string;
  readonly version: string;
  readonly region: string;
  /** The subscription (`primary` or an overflow name) that deploys it. */
  readonly subscription: string;
  /** The config path to name when the offer is missing. */
  readonly path: readonly PropertyKey[];
  /** The config path that chose the version (a pool's version defaults to its standard deployment's). */
  readonly versionPath: readonly PropertyKey[];
  /** What deploys it, for the message. */
  readonly where: string;
}

type OfferSources = Pick<Parsed, "regions" | "standard" | "overflowSubscriptions"> & {
  readonly enterprisePtu?: PtuPoolConfig;
  readonly workloadPtus: readonly WorkloadPtuConfig[];
};

/** Every model version x SKU x region the stack deploys. */
export function requiredOffers(c: OfferSources): RequiredOffer[] {
  const standardRegions: [string, string, PropertyKey[]][] = [
    [c.regions.primary, PRIMARY_SUBSCRIPTION, ["regions", "primary"]],
    [c.regions.secondary, PRIMARY_SUBSCRIPTION, ["regions", "secondary"]],
    ...c.overflowSubscriptions.flatMap((s, i) =>
      s.regions.map((r, j): [string, string, PropertyKey[]] => [r, s.name, ["overflowSubscriptions", i, "regions", j]]),
    ),
  ];
  const pool = (p: PtuPoolConfig, poolPath: PropertyKey[], where: string): RequiredOffer => ({
    sku: p.sku,
    model: p.model,
    version: p.version,
    region: p.region,
    subscription: PRIMARY_SUBSCRIPTION,
    path: [...poolPath, "region"],
    versionPath: [...poolPath, "version"],
    where,
  });
  return [
    ...c.standard.models.flatMap((m, i) =>
      standardRegions.map(([region, subscription, regionPath]): RequiredOffer => ({
        sku: c.standard.deploymentType,
        model: m.name,
        version: m.version,
        region,
        subscription,
        path: ["standard", "models", i],
        versionPath: ["standard", "models", i, "version"],
        where: configKey(regionPath),
      })),
    ),
    ...(c.enterprisePtu ? [pool(c.enterprisePtu, ["enterprisePtu"], "enterprise PTU pool")] : []),
    ...c.workloadPtus.map((w, i) => pool(w, ["workloadPtus", i], `workload PTU pool '${w.name}'`)),
  ];
}

/** The refusal of an offer Azure does not make, with the regions that do make it. */
export function unavailableOffer(o: RequiredOffer, source: string, regions?: readonly string[]): ConfigIssue {
  const zone = findRegion(o.region)?.dataZone;
  const alternatives =
    regions && (isDataZoneSku(o.sku) && zone ? regions.filter(r => findRegion(r)?.dataZone === zone) : regions);
  return {
    key: configKey(o.path),
    message:
      `${o.model} ${o.version} is not offered as ${o.sku} in ${o.region} (${o.where})` +
      `${alternatives ? `; regions offering it: ${alternatives.join(", ") || "none"}` : ""}. Source: ${source}`,
  };
}

/** Refuses a model version that Microsoft's model matrix does not offer on the deployment's SKU in its region. */
function checkAvailability(c: OfferSources, issues: Issues): void {
  for (const o of requiredOffers(c)) {
    const regions = offeringRegions(o.sku, o.model, o.version);
    if (findModel(o.model)?.versions.includes(o.version) && !regions.includes(o.region)) {
      issues.list.push(unavailableOffer(o, matrixCitation(o.sku), regions));
    }
  }
}

/** The model versions offered as `sku` in every one of `regions` and not retired by `today`: what to move to. */
function currentOffers(sku: DeploymentSku, regions: readonly string[], today: string): string[] {
  return Object.entries(MODEL_MATRIX[sku])
    .filter(
      ([key, offered]) =>
        regions.every(r => offered.includes(r)) && !isRetired(...(key.split("@") as [string, string]), sku, today),
    )
    .map(([key]) => key.replace("@", " "));
}

/**
 * Refuses a model version whose published retirement date is on or before `today`: Azure refuses new
 * deployments of a retired version (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements),
 * so the first `pulumi up` would fail. One issue per config key, naming the regions it deploys to.
 */
function checkRetirements(c: OfferSources, today: string, issues: Issues): void {
  const byKey = new Map<string, RequiredOffer[]>();
  for (const o of requiredOffers(c).filter(o => isRetired(o.model, o.version, o.sku, today))) {
    const key = configKey(o.versionPath);
    byKey.set(key, [...(byKey.get(key) ?? []), o]);
  }
  for (const [key, offers] of byKey) {
    const { model, version, sku } = offers[0];
    const regions = [...new Set(offers.map(o => o.region))];
    const replacement = currentReplacement(model, version, sku, today);
    issues.list.push({
      key,
      message:
        `${model} ${version} (${sku}) retired on ${retirementDate(model, version, sku)} (as of ${today}): Azure refuses new deployments of it. ` +
        `${replacement ? `Suggested replacement (Microsoft's, followed past retired ones): ${replacement}. ` : ""}Current versions offered as ${sku} in ${regions.join(", ")}: ${currentOffers(sku, regions, today).join(", ") || "none"}. ` +
        `Sources: ${RETIREMENTS_SOURCE}; ${matrixCitation(sku)}`,
    });
  }
}

function checkPtuPools(
  c: Parsed,
  issues: Issues,
): { enterprisePtu: PtuPoolConfig | undefined; workloadPtus: WorkloadPtuConfig[] } {
  const enterprisePtu = c.enterprisePtu ? resolvePtuPool(c, c.enterprisePtu, ["enterprisePtu"], issues) : undefined;
  if (c.enterprisePtu && c.enterprisePtu.region === c.regions.primary) {
    issues.add(
      ["enterprisePtu", "region"],
      `must differ from the primary standard region '${c.regions.primary}' so one regional outage never takes both`,
    );
  }
  checkUnique(
    issues,
    c.workloadPtus,
    w => w.name,
    i => ["workloadPtus", i, "name"],
    "workload name",
  );
  const workloadPtus: WorkloadPtuConfig[] = [];
  c.workloadPtus.forEach((w, i) => {
    if (c.enterprisePtu && w.region === c.enterprisePtu.region) {
      issues.add(
        ["workloadPtus", i, "region"],
        `must differ from enterprisePtu.region '${c.enterprisePtu.region}': a workload pool and the enterprise pool are never in the same region`,
      );
    }
    const pool = resolvePtuPool(c, w, ["workloadPtus", i], issues);
    if (pool) workloadPtus.push({ ...pool, name: w.name });
  });
  return { enterprisePtu, workloadPtus };
}

function checkGateway(c: Parsed, issues: Issues): void {
  const g = c.gateway;
  checkUnique(
    issues,
    g.regions,
    r => r,
    i => ["gateway", "regions", i],
    "gateway region",
  );
  for (const [role, r] of [
    ["primary", c.regions.primary],
    ["secondary", c.regions.secondary],
  ] as const) {
    if (!g.regions.includes(r)) {
      issues.add(
        ["gateway", "regions"],
        `must include the ${role} standard region '${r}' so its gateway survives the other region's outage`,
      );
    }
  }
  if (g.mode === "multi-region" && g.sku !== "Premium") {
    issues.add(
      ["gateway", "sku"],
      `${g.sku} cannot span regions; mode multi-region needs Premium, or set gateway.mode: per-region`,
    );
  }
  if (g.zoneRedundant && g.sku !== "Premium") {
    issues.add(["gateway", "zoneRedundant"], `availability zones need the Premium tier, not ${g.sku}`);
  } else if (g.zoneRedundant && g.capacity < 2) {
    issues.add(["gateway", "capacity"], "zone redundancy spreads units across zones: at least 2 units per region");
  }
  if (c.network.mode === "private" && !["Developer", "Premium"].includes(g.sku)) {
    issues.add(
      ["gateway", "sku"],
      `private mode injects the gateway into a VNet (internal mode), which only Developer and Premium support, not ${g.sku}`,
    );
  }
  // A host name API Management has no certificate for gets every client a TLS name mismatch.
  if (c.network.mode === "private" && c.network.gatewayDomain && !g.certificate) {
    issues.add(
      ["gateway", "certificate"],
      `network.gatewayDomain '${c.network.gatewayDomain}' needs the TLS certificate the gateway serves for it: ` +
        "set gateway.certificate to { keyVaultId: <ARM id of the vault>, secretName: <secret holding the PFX> }",
    );
  } else if (g.certificate && c.network.mode === "public") {
    issues.add(
      ["gateway", "certificate"],
      "is the certificate for network.gatewayDomain, which private mode uses only (public mode's entry is Front Door's host): remove it",
    );
  } else if (g.certificate && !c.network.gatewayDomain) {
    issues.add(
      ["gateway", "certificate"],
      "is the certificate for network.gatewayDomain: set network.gatewayDomain, or remove it",
    );
  }
  if (g.ptuBudget.priority3 > g.ptuBudget.priority2) {
    issues.add(
      ["gateway", "ptuBudget", "priority3"],
      `must be at most ptuBudget.priority2 (${g.ptuBudget.priority2}): lower-priority applications leave the PTU pools first`,
    );
  }
  if (g.callerAuth === "entra") {
    // validate-azure-ad-token requires at least one client application id:
    // https://learn.microsoft.com/azure/api-management/validate-azure-ad-token-policy#elements
    c.applications.forEach((a, i) => {
      if (a.clientApplicationIds.length === 0) {
        issues.add(
          ["applications", i, "clientApplicationIds"],
          "must list at least one Entra client application id in callerAuth: entra (the gateway accepts tokens only from listed client applications)",
        );
      }
    });
  }
}

function checkReferences(c: Parsed, issues: Issues): void {
  checkUnique(
    issues,
    c.applications,
    a => a.name,
    i => ["applications", i, "name"],
    "application name",
  );
  const workloads = [...new Set(c.workloadPtus.map(w => w.name))];
  c.applications.forEach((a, i) => {
    if (a.workload && !workloads.includes(a.workload)) {
      issues.add(
        ["applications", i, "workload"],
        `unknown workload '${a.workload}'; defined in workloadPtus: ${workloads.join(", ") || "(none)"}`,
      );
    }
  });
  checkUnique(
    issues,
    c.overflowSubscriptions,
    s => s.name,
    i => ["overflowSubscriptions", i, "name"],
    "subscription name",
  );
  checkUnique(
    issues,
    c.overflowSubscriptions,
    s => s.subscriptionId,
    i => ["overflowSubscriptions", i, "subscriptionId"],
    "subscription id",
  );
  c.overflowSubscriptions.forEach((s, i) => {
    if (s.name === PRIMARY_SUBSCRIPTION)
      issues.add(
        ["overflowSubscriptions", i, "name"],
        `'${PRIMARY_SUBSCRIPTION}' names the stack's own subscription; choose another name`,
      );
    checkUnique(
      issues,
      s.regions,
      r => r,
      j => ["overflowSubscriptions", i, "regions", j],
      "region",
    );
  });
  const subscriptions = [PRIMARY_SUBSCRIPTION, ...c.overflowSubscriptions.map(s => s.name)];
  c.quota.declared.forEach((q, i) => {
    if (!subscriptions.includes(q.subscription)) {
      issues.add(
        ["quota", "declared", i, "subscription"],
        `unknown subscription '${q.subscription}'; allowed: ${subscriptions.join(", ")}`,
      );
    }
  });
  checkUnique(
    issues,
    c.quota.declared,
    q => `${q.subscription}/${q.region}/${q.sku}/${q.model}`,
    i => ["quota", "declared", i],
    "quota entry (subscription/region/sku/model)",
  );
}

/**
 * The network's cross-field rules. Private mode: a VNet per gateway region whose ranges fit together,
 * and the region the gateway's DNS name points at. Public mode: no private-mode settings.
 */
function checkNetwork(c: Parsed, issues: Issues): void {
  const n = c.network;
  const gatewayRegions = c.gateway.regions;
  if (n.mode === "public") {
    const privateOnly = {
      vnets: Object.keys(n.vnets).length > 0,
      activeGatewayRegion: n.activeGatewayRegion,
      gatewayDomain: n.gatewayDomain,
      dnsRegion: n.dnsRegion,
    };
    for (const [key, value] of Object.entries(privateOnly)) {
      if (value) issues.add(["network", key], "is used in private mode only; set network.mode: private, or remove it");
    }
    return;
  }
  const missing = gatewayRegions.filter(r => !n.vnets[r]);
  if (missing.length > 0) {
    issues.add(
      ["network", "vnets"],
      `private mode needs a VNet for every gateway region; missing: ${missing.join(", ")} (gateway.regions: ${gatewayRegions.join(", ")})`,
    );
  }
  if (!n.activeGatewayRegion) {
    issues.add(
      ["network", "activeGatewayRegion"],
      `private mode needs the region whose gateway the private DNS name points at; one of ${gatewayRegions.join(", ")}`,
    );
  } else if (!gatewayRegions.includes(n.activeGatewayRegion)) {
    issues.add(
      ["network", "activeGatewayRegion"],
      `'${n.activeGatewayRegion}' is not a gateway region; one of ${gatewayRegions.join(", ")}`,
    );
  }
  if (!n.dnsRegion) {
    issues.add(
      ["network", "dnsRegion"],
      `private mode needs a region for the gateway's DNS zone outside the gateway regions (${gatewayRegions.join(", ")}), so a failover never writes to the failed region`,
    );
  } else if (gatewayRegions.includes(n.dnsRegion)) {
    issues.add(
      ["network", "dnsRegion"],
      `'${n.dnsRegion}' is a gateway region: when it fails, its resource groups turn read-only and the failover cannot change the DNS record; choose a region outside ${gatewayRegions.join(", ")}`,
    );
  }
  if (c.gateway.mode === "per-region" && !n.gatewayDomain) {
    issues.add(
      ["network", "gatewayDomain"],
      "gateway.mode per-region runs one service per region, each under its own azure-api.net name: private mode needs one domain for all of them (a custom domain on every gateway), such as aoai.contoso.internal",
    );
  }
  const vnets = Object.entries(n.vnets);
  vnets.forEach(([r, v], i) => {
    const path = ["network", "vnets", r];
    if (!gatewayRegions.includes(r)) {
      issues.add(
        path,
        `'${r}' is not a gateway region; VNets are declared per gateway region (gateway.regions: ${gatewayRegions.join(", ")})`,
      );
    }
    for (const subnet of ["apimSubnet", "privateEndpointSubnet"] as const) {
      if (!contains(v.addressSpace, v[subnet])) {
        issues.add([...path, subnet], `${v[subnet]} lies outside the VNet's addressSpace ${v.addressSpace}`);
      }
    }
    if (overlaps(v.apimSubnet, v.privateEndpointSubnet)) {
      issues.add(
        [...path, "privateEndpointSubnet"],
        `${v.privateEndpointSubnet} overlaps apimSubnet ${v.apimSubnet}; the two subnets need separate ranges`,
      );
    }
    if (!v.hubVnetId) {
      issues.add(
        [...path, "hubVnetId"],
        "private mode needs a way in: the hub VNet (ARM id) whose clients call the gateway; it is peered both ways and linked to the gateway's DNS zone (on-premises clients forward DNS to the hub's resolver, see the README)",
      );
    }
    if (parseCidr(v.apimSubnet).prefixLength > 29) {
      issues.add(
        [...path, "apimSubnet"],
        `${v.apimSubnet} is too small for API Management: /29 or larger (a /27 leaves room to scale out)`,
      );
    }
    for (const [other, w] of vnets.slice(0, i)) {
      if (overlaps(v.addressSpace, w.addressSpace)) {
        issues.add(
          [...path, "addressSpace"],
          `${v.addressSpace} overlaps network.vnets.${other}.addressSpace (${w.addressSpace}); peered and hub-connected VNets need distinct ranges`,
        );
      }
    }
  });
}

/** Namespaces of the providers the program configures; any other namespace close to the project's is a typo. */
const KNOWN_NAMESPACES = ["azure-native", "azuread", "random", "pulumi", "azure"];

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * Keys whose namespace looks like a misspelling of the project's (`aoai-bdcr:workloadPtus`): Pulumi hands them
 * to the program under their own namespace, so they would be dropped without a word.
 */
export function namespaceIssues(allKeys: readonly string[]): ConfigIssue[] {
  return allKeys.flatMap(key => {
    const [ns, ...rest] = key.split(":");
    if (rest.length === 0 || ns === PROJECT || KNOWN_NAMESPACES.includes(ns)) return [];
    const looksLikeOurs =
      editDistance(ns.toLowerCase(), PROJECT) <= 3 ||
      [...ns.toLowerCase()].sort().join("") === [...PROJECT].sort().join("");
    return looksLikeOurs
      ? [
          {
            key,
            message: `unknown namespace '${ns}'; did you mean ${PROJECT}:${rest.join(":")}? (the program reads only ${PROJECT}:<key>)`,
          },
        ]
      : [];
  });
}

function checkTags(c: Parsed, issues: Issues): void {
  for (const p of tagProblems(c.tags)) issues.add(p.name === undefined ? ["tags"] : ["tags", p.name], p.message);
}

/** Settings the chosen mode would ignore are refused rather than silently dropped. */
function checkModeSettings(raw: Record<string, unknown>, c: Parsed, issues: Issues): void {
  if (raw.edge !== undefined && c.network.mode === "private") {
    issues.add(
      ["edge"],
      "is used in public mode only (Front Door in front of the gateways); private mode has no edge: remove it, or set network.mode: public",
    );
  }
  if (c.standard.allowRegionalStandard && c.standard.deploymentType !== "Standard") {
    issues.add(
      ["standard", "allowRegionalStandard"],
      `applies only to deploymentType: Standard, not ${c.standard.deploymentType}; remove it`,
    );
  }
  if (c.quota.source === "live" && c.quota.declared.length > 0) {
    issues.add(
      ["quota", "declared"],
      "is read only with quota.source: declared; with live the quota comes from Azure's usages API: remove the table, or set quota.source: declared",
    );
  }
}

export interface ParseOptions {
  /** The ISO date retirements are judged on (defaults to planDate(): AOAI_BCDR_TODAY, else today in UTC). */
  readonly today?: string;
}

/**
 * Validates raw config values (keyed without the namespace, already parsed from JSON) and returns the
 * typed configuration, or throws a ConfigError listing every problem found. `allKeys`: every config key of
 * the stack, namespaced, to catch a misspelt namespace.
 */
export function parseConfig(
  raw: Record<string, unknown>,
  allKeys: readonly string[] = [],
  options: ParseOptions = {},
): BcdrConfig {
  const misspelt = namespaceIssues(allKeys);
  if (misspelt.length > 0) throw new ConfigError(misspelt);
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(i => ({
        key:
          i.code === "unrecognized_keys" && i.path.length === 0 ? `${PROJECT}:${i.keys.join(", ")}` : configKey(i.path),
        message:
          i.code === "unrecognized_keys" && i.path.length === 0
            ? `unknown config key; allowed keys: ${CONFIG_KEYS.join(", ")}`
            : i.message,
      })),
    );
  }
  const c = result.data;
  const issues = new Issues();
  const dataZone = checkRegions(c, issues);
  checkModels(c, issues);
  const pools = checkPtuPools(c, issues);
  checkAvailability({ ...c, ...pools }, issues);
  checkRetirements({ ...c, ...pools }, options.today ?? planDate(), issues);
  checkGateway(c, issues);
  checkNetwork(c, issues);
  checkReferences(c, issues);
  checkTags(c, issues);
  checkModeSettings(raw, c, issues);
  if (issues.list.length > 0) throw new ConfigError(issues.list);
  return { ...c, ...pools, dataZone };
}

/**
 * The stack configuration: one structured key per concern in `Pulumi.<stack>.yaml`, parsed and validated in
 * one pass before any resource is declared. Every problem is reported at once, in one ConfigError: misspelt
 * namespaces, each key's schema problems, the cross-field rules of every key that parsed (rules/), then the
 * quota (with `quota.source: live`, what Azure offers and grants) and the failover timing. Every refusal
 * names the config key and says what is allowed. Pure: no Pulumi import (infra/index.ts reads the raw
 * values, hands over Azure's clients, and turns a ConfigError into a RunError).
 */
import { ModelsClient, liveOffers } from "../availability";
import { QuotaLookup, UsagesClient, declaredQuota, liveQuota } from "../quota";
import { planDate } from "../retirement";
import type { CapacityTable } from "../topology";
import { dataZoneOf, resolvedPools } from "./derive";
import { Issues, PROJECT } from "./issues";
import { OFFER_SECTIONS, availabilityRules, checkLiveAvailability } from "./rules/availability";
import { azureLimitRules, gatewayLimitRules } from "./rules/azureLimits";
import { failoverRules } from "./rules/failoverFitsEntry";
import { gatewayRules } from "./rules/gateway";
import { modelRules } from "./rules/models";
import { modeSettingRules } from "./rules/modeSettings";
import { networkRules } from "./rules/network";
import { overflowRules } from "./rules/overflow";
import { CapacitySections, resolveCapacities } from "./rules/quota";
import { referenceRules } from "./rules/references";
import { regionRules } from "./rules/regions";
import { retirementRules } from "./rules/retirements";
import { sizingRules } from "./rules/sizing";
import { ParsedSections, RuleContext, hasParsed, runRules } from "./rules/rule";
import { tagRules } from "./rules/tags";
import { watchdogRules } from "./rules/watchdog";
import { CONFIG_KEYS, PRIMARY_SUBSCRIPTION, schema } from "./schema";
import { namespaceIssues } from "./suggestions";
import { BcdrConfig, Parsed, Section } from "./types";

export { ConfigError, PROJECT } from "./issues";
export { declaredOfferWarnings, requiredOffers } from "./offers";
export type { RequiredOffer } from "./offers";
export { namespaceIssues } from "./suggestions";
export type * from "./types";

/** The cross-field rules, in the order their problems are listed. */
const CROSS_FIELD_RULES = [
  ...regionRules,
  ...modelRules,
  ...availabilityRules,
  ...retirementRules,
  ...gatewayRules,
  ...networkRules,
  ...watchdogRules,
  ...sizingRules,
  ...referenceRules,
  ...overflowRules,
  ...tagRules,
  ...modeSettingRules,
  ...azureLimitRules,
];

export interface ParseOptions {
  /** The ISO date retirements are judged on (defaults to planDate(): AOAI_BCDR_TODAY, else today in UTC). */
  readonly today?: string;
}

/** What Azure answers about the stack's subscriptions (`quota.source: live`). */
export interface LiveAzure {
  /** The subscription the stack's default provider deploys to (`primary`). */
  readonly subscriptionId: string;
  readonly models: ModelsClient;
  readonly usages: UsagesClient;
}

export interface StackOptions extends ParseOptions {
  /** Asks Azure, with `quota.source: live` only. */
  readonly live?: () => Promise<LiveAzure>;
}

/** A stack accepted whole: its configuration and every standard deployment's capacity. */
export interface ValidStack {
  readonly config: BcdrConfig;
  readonly capacities: CapacityTable;
}

/** Each top-level key parsed on its own, so a mistake in one leaves the others' rules to run. */
function parseSections(raw: Record<string, unknown>, issues: Issues): ParsedSections {
  const values: Record<string, unknown> = {};
  const ok = new Set<Section>();
  for (const key of CONFIG_KEYS) {
    const result = schema.shape[key].safeParse(raw[key]);
    if (!result.success) {
      for (const i of result.error.issues) issues.add([key, ...i.path], i.message);
      continue;
    }
    ok.add(key);
    if (result.data !== undefined || key in raw) values[key] = result.data;
  }
  const unknown = Object.keys(raw).filter(k => !(CONFIG_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    issues.push({
      key: `${PROJECT}:${unknown.join(", ")}`,
      message: `unknown config key; allowed keys: ${CONFIG_KEYS.join(", ")}`,
    });
  }
  return { values: values as Partial<Parsed>, ok };
}

/** Namespaces, schema and cross-field rules: everything that needs neither quota nor Azure. */
function check(raw: Record<string, unknown>, allKeys: readonly string[], context: RuleContext, issues: Issues) {
  issues.push(...namespaceIssues(allKeys));
  const sections = parseSections(raw, issues);
  runRules(CROSS_FIELD_RULES, sections, issues, context);
  return sections;
}

/** The configuration with its derived values; throws the ConfigError when anything was refused. */
function accepted({ values }: ParsedSections, issues: Issues): BcdrConfig {
  issues.throwIfAny();
  // No issue: every key parsed.
  const c = values as Parsed;
  return { ...c, ...resolvedPools(c), dataZone: dataZoneOf(c) };
}

/** Live mode: `primary` and each overflow name mapped to its subscription id. */
function subscriptionIds(c: Pick<Parsed, "overflowSubscriptions">, primaryId: string): Record<string, string> {
  return Object.fromEntries([
    [PRIMARY_SUBSCRIPTION, primaryId],
    ...c.overflowSubscriptions.map(s => [s.name, s.subscriptionId]),
  ]);
}

/** Where the quota comes from: the declared table, or Azure, once asked which offers each subscription gets. */
async function quotaLookup(
  p: ParsedSections & { values: CapacitySections & Pick<Parsed, "quota"> },
  options: StackOptions,
  issues: Issues,
): Promise<QuotaLookup> {
  const c = p.values;
  if (c.quota.source === "declared") return declaredQuota(c);
  if (!options.live) throw new Error("quota.source live needs Azure's answers: StackOptions.live");
  const azure = await options.live();
  const ids = subscriptionIds(c, azure.subscriptionId);
  if (hasParsed(p, OFFER_SECTIONS)) {
    await checkLiveAvailability({ ...p.values, ...resolvedPools(p.values) }, ids, liveOffers(azure.models), issues);
  }
  return liveQuota(ids, azure.usages);
}

/** Standard capacities against the quota (undefined when a key they are resolved from was refused). */
async function checkQuota(p: ParsedSections, options: StackOptions, issues: Issues) {
  if (!hasParsed(p, ["quota", "regions", "standard", "overflowSubscriptions"])) return undefined;
  return resolveCapacities(p.values, await quotaLookup(p, options, issues), issues);
}

/**
 * Validates raw config values (keyed without the namespace, already parsed from JSON) and returns the
 * typed configuration, or throws a ConfigError listing every problem found. `allKeys`: every config key of
 * the stack, namespaced, to catch a misspelt namespace. Neither quota nor failover timing: see validateStack.
 */
export function parseConfig(
  raw: Record<string, unknown>,
  allKeys: readonly string[] = [],
  options: ParseOptions = {},
): BcdrConfig {
  const issues = new Issues();
  const sections = check(raw, allKeys, { raw, today: options.today ?? planDate() }, issues);
  return accepted(sections, issues);
}

/** A stack check in progress: its input, and what the phases so far found. */
interface StackCheck {
  readonly raw: Record<string, unknown>;
  readonly allKeys: readonly string[];
  readonly options: StackOptions;
  readonly context: RuleContext;
  readonly issues: Issues;
  sections: ParsedSections;
  capacities?: CapacityTable;
}

/**
 * The phases of a stack check, in the order their problems are listed; each reads what the earlier ones found.
 */
const STACK_PHASES: readonly ((s: StackCheck) => void | Promise<void>)[] = [
  s => {
    s.sections = check(s.raw, s.allKeys, s.context, s.issues);
  },
  async s => {
    s.capacities = await checkQuota(s.sections, s.options, s.issues);
  },
  s => {
    runRules(failoverRules, s.sections, s.issues, s.context);
    // The gateway's footprint is computed from the whole topology: measured once every other check passed.
    if (s.issues.list.length === 0)
      runRules(gatewayLimitRules, s.sections, s.issues, { ...s.context, capacities: s.capacities });
  },
];

/**
 * The one check a stack passes before anything is declared: parseConfig's, then the standard capacities
 * against the quota and the failover timing, every problem in one ConfigError.
 */
export async function validateStack(
  raw: Record<string, unknown>,
  allKeys: readonly string[] = [],
  options: StackOptions = {},
): Promise<ValidStack> {
  const context = { raw, today: options.today ?? planDate() };
  const nothingParsed = { values: {}, ok: new Set<Section>() };
  const s: StackCheck = { raw, allKeys, options, context, issues: new Issues(), sections: nothingParsed };
  for (const phase of STACK_PHASES) await phase(s);
  const config = accepted(s.sections, s.issues);
  // Every key parsed, so the quota phase ran.
  return { config, capacities: s.capacities! };
}

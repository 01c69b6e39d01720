/**
 * Azure's limits on what the program declares for the gateway and the edge, as data with their sources: the
 * config check refuses a stack that would cross one, naming the key (infra/config/rules/azureLimits.ts), and
 * the mock engine refuses the resource Azure would refuse (stacks/engine/refusals/limits.ts). Pure data.
 */

/** API Management tiers (ARM `sku.name`) the limits are tabled for. */
export type ApimTierName = "Developer" | "Basic" | "Standard" | "Premium" | "BasicV2" | "StandardV2";

/**
 * "Azure API Management limits", 2026 update (service-limits page, ms.date 02/17/2026; rollout from March 15,
 * 2026 for Developer and Basic tiers, April 15 for Standard, May 15 for Premium; "Instances in the v2 tiers are
 * already subject to the new limits"). Per service instance. Classic and v2 tiers of a name share one column.
 * https://learn.microsoft.com/azure/api-management/service-limits
 */
export const APIM_LIMITS_SOURCE = "https://learn.microsoft.com/azure/api-management/service-limits";
export const APIM_PRODUCTS: Readonly<Record<ApimTierName, number>> = {
  Developer: 100,
  Basic: 200,
  BasicV2: 200,
  Standard: 500,
  StandardV2: 500,
  Premium: 2000,
};
export const APIM_NAMED_VALUES: Readonly<Record<ApimTierName, number>> = {
  Developer: 5000,
  Basic: 5000,
  BasicV2: 5000,
  Standard: 10000,
  StandardV2: 10000,
  Premium: 18000,
};

/**
 * The largest policy document API Management accepts, in bytes of the XML as sent (`ApiPolicy.value`).
 * Classic tiers: "Maximum policy document size | 256 KiB" (includes/api-management-service-limits.md, ms.date
 * 06/27/2023, footnote: "applies to the Basic, Standard, and Premium tiers"; the 2026 table no longer lists it).
 * v2 tiers: "Currently the policy document size limit in the v2 tiers is 16 KiB."
 * (https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview, ms.date 10/02/2023). No later
 * page lifts it that this project found: the smaller bound holds until a dev instance settles it
 * (docs/dev-instance-checklist.md).
 */
export const POLICY_SIZE_SOURCES = {
  classic:
    "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#api-management-limits",
  v2: "https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview",
} as const;
const KIB = 1024;
export const APIM_POLICY_DOCUMENT_MAX_BYTES: Readonly<Record<ApimTierName, number>> = {
  Developer: 256 * KIB,
  Basic: 256 * KIB,
  Standard: 256 * KIB,
  Premium: 256 * KIB,
  BasicV2: 16 * KIB,
  StandardV2: 16 * KIB,
};
export const policySizeSource = (tier: ApimTierName): string =>
  tier.endsWith("V2") ? POLICY_SIZE_SOURCES.v2 : POLICY_SIZE_SOURCES.classic;

/**
 * Front Door (Standard/Premium) origin priority: "Must be between 1 and 5" (AFDOrigin.priority,
 * https://learn.microsoft.com/javascript/api/@azure/arm-cdn/afdorigin).
 */
export const FRONT_DOOR_ORIGIN_PRIORITY = { min: 1, max: 5 } as const;
export const FRONT_DOOR_ORIGIN_PRIORITY_SOURCE = "https://learn.microsoft.com/javascript/api/@azure/arm-cdn/afdorigin";

/**
 * Front Door's origin response timeout: "a value between 16 and 240 seconds"
 * (https://learn.microsoft.com/azure/frontdoor/troubleshoot-issues).
 */
export const FRONT_DOOR_ORIGIN_TIMEOUT_SECONDS = { min: 16, max: 240 } as const;
export const FRONT_DOOR_ORIGIN_TIMEOUT_SOURCE = "https://learn.microsoft.com/azure/frontdoor/troubleshoot-issues";

/**
 * The tags the program sets on every taggable resource, the values of its role tags, and Azure's tag limits:
 * the program writes these tags (infra/tags.ts), the pack reads them to tell what each resource is for, and
 * cost reports split by them. Pure data.
 */

/** Tag names the program sets. */
export const TAG = {
  managedBy: "managed-by",
  stack: "bcdr-stack",
  role: "bcdr-role",
  regionRole: "bcdr-region-role",
  workload: "bcdr-workload",
} as const;

/** The tags the program sets itself: a user's tag must never relabel a resource's role. */
export const RESERVED_TAG_PREFIX = "bcdr-";
export const PROGRAM_TAGS = [TAG.managedBy, TAG.stack, TAG.role, TAG.regionRole, TAG.workload] as const;

/** `bcdr-role` of an OpenAI account (and its deployments): which tier of a failover chain it serves. */
export const ACCOUNT_ROLES = ["standard", "enterprise-ptu", "workload-ptu"] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** `bcdr-role` of every other resource: the concern it belongs to. */
export const SHARED_ROLES = [
  "gateway",
  "edge",
  "network",
  "dns",
  "vault",
  "observability",
  "identity",
  "watchdog",
] as const;
export type BcdrRole = AccountRole | (typeof SHARED_ROLES)[number];

/** `bcdr-region-role` of a standard account. */
export const REGION_ROLES = ["primary", "secondary", "overflow"] as const;
export type RegionRole = (typeof REGION_ROLES)[number];

/**
 * Azure's tag rules (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations):
 * at most 50 tags per resource; names up to 512 characters, values up to 256; names without `< > % & \ ? /`.
 * Azure DNS zones (the program tags private DNS zones) take no spaces in a name and no name starting with a digit.
 */
export const TAG_LIMITS = { maxTags: 50, nameLength: 512, valueLength: 256 } as const;
export const FORBIDDEN_IN_TAG_NAME = /[<>%&\\?/]/;

/**
 * Tags every taggable resource carries: the stack's common tags plus `bcdr-role` (and its qualifiers),
 * so operators, cost reports and the policy pack can tell what each resource is for. Pure.
 */
import { AccountRole, RegionRole } from "./topology";

export type BcdrRole = AccountRole | "gateway" | "edge" | "network" | "dns" | "vault" | "observability" | "identity";

export type Tags = Readonly<Record<string, string>>;

export interface RoleQualifiers {
  readonly regionRole?: RegionRole;
  readonly workload?: string;
}

/** The tags the program sets itself: a user's tag must never relabel a resource's role. */
export const RESERVED_TAG_PREFIX = "bcdr-";
export const PROGRAM_TAGS = ["managed-by", "bcdr-stack", "bcdr-role", "bcdr-region-role", "bcdr-workload"] as const;

/**
 * Azure's tag rules (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations):
 * at most 50 tags per resource; names up to 512 characters, values up to 256; names without `< > % & \ ? /`.
 * Azure DNS zones (the program tags private DNS zones) take no spaces in a name and no name starting with a digit.
 */
export const TAG_LIMITS = { maxTags: 50, nameLength: 512, valueLength: 256 } as const;
const FORBIDDEN_IN_NAME = /[<>%&\\?/]/;

/** Why each user tag would be refused (by Azure, or because the program owns it), keyed by tag name. */
export function tagProblems(userTags: Tags): { name?: string; message: string }[] {
  const problems: { name?: string; message: string }[] = [];
  const room = TAG_LIMITS.maxTags - PROGRAM_TAGS.length;
  if (Object.keys(userTags).length > room) {
    problems.push({
      message: `${Object.keys(userTags).length} tags; Azure allows ${TAG_LIMITS.maxTags} per resource and the program sets up to ${PROGRAM_TAGS.length} (${PROGRAM_TAGS.join(", ")}), so at most ${room}`,
    });
  }
  for (const [name, value] of Object.entries(userTags)) {
    const lower = name.toLowerCase(); // Azure compares tag names case-insensitively
    if (lower.startsWith(RESERVED_TAG_PREFIX) || (PROGRAM_TAGS as readonly string[]).includes(lower)) {
      problems.push({
        name,
        message: `is set by the program (${PROGRAM_TAGS.join(", ")}; every ${RESERVED_TAG_PREFIX}* name is reserved) so that no resource can be relabelled; choose another name`,
      });
    } else if (name.length === 0 || name.length > TAG_LIMITS.nameLength) {
      problems.push({ name, message: `tag names are 1 to ${TAG_LIMITS.nameLength} characters` });
    } else if (FORBIDDEN_IN_NAME.test(name)) {
      problems.push({ name, message: "tag names may not contain < > % & \\ ? /" });
    } else if (/[\s()]|[^\x20-\x7e]/.test(name) || /^\d/.test(name)) {
      // https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations (Azure DNS zones)
      problems.push({
        name,
        message: "private DNS zones refuse tag names with spaces, parentheses, non-ASCII characters or a leading digit",
      });
    }
    if (value.length > TAG_LIMITS.valueLength)
      problems.push({
        name,
        message: `the value has ${value.length} characters; Azure allows at most ${TAG_LIMITS.valueLength}`,
      });
  }
  return problems;
}

export function commonTags(userTags: Tags, project: string, stack: string): Tags {
  return { ...userTags, "managed-by": "pulumi", "bcdr-stack": `${project}/${stack}` };
}

export function roleTags(common: Tags, role: BcdrRole, q: RoleQualifiers = {}): Tags {
  return {
    ...common,
    "bcdr-role": role,
    ...(q.regionRole ? { "bcdr-region-role": q.regionRole } : {}),
    ...(q.workload ? { "bcdr-workload": q.workload } : {}),
  };
}

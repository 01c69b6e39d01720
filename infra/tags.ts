/**
 * Tags every taggable resource carries: the stack's common tags plus `bcdr-role` (and its qualifiers),
 * so operators, cost reports and the policy pack can tell what each resource is for. Pure.
 */
import {
  BcdrRole,
  FORBIDDEN_IN_TAG_NAME,
  PROGRAM_TAGS,
  RESERVED_TAG_PREFIX,
  RegionRole,
  TAG,
  TAG_LIMITS,
} from "../catalog/tags";

export type Tags = Readonly<Record<string, string>>;

export interface RoleQualifiers {
  readonly regionRole?: RegionRole;
  readonly workload?: string;
}

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
    } else if (FORBIDDEN_IN_TAG_NAME.test(name)) {
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
  return { ...userTags, [TAG.managedBy]: "pulumi", [TAG.stack]: `${project}/${stack}` };
}

export function roleTags(common: Tags, role: BcdrRole, q: RoleQualifiers = {}): Tags {
  return {
    ...common,
    [TAG.role]: role,
    ...(q.regionRole ? { [TAG.regionRole]: q.regionRole } : {}),
    ...(q.workload ? { [TAG.workload]: q.workload } : {}),
  };
}

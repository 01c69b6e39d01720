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

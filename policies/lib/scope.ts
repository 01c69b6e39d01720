/**
 * What the pack judges. The pack may be enabled for stacks of every team (the default policy group applies to
 * every stack not in another group), so its topology rules judge only the aoai-bcdr topology's own resources:
 *   - a resource that carries one of the topology's tags with a value the program writes: its role
 *     (`bcdr-role`, one of the program's roles) or its stack (`bcdr-stack`, `<project>/<stack>`), both set by the
 *     program on every taggable resource (catalog/tags.ts, infra/tags.ts) and refused in a user's tags; another
 *     organization's own `bcdr-role` tag with other values (`tier-1`) does not pull its stacks in, or
 *   - a resource one of the program's components declares (`aoai-bcdr:*` in its URN's type chain): the
 *     children Azure does not tag (API Management backends, policies, named values) and a resource whose
 *     tag was removed, which stays judged rather than quietly leaving the guardrails.
 * A stack is an aoai-bcdr stack when it has one such resource; any other stack is not applicable to them.
 * The few rules meant for every stack (their description says "Every stack") do not call these.
 */
import type { PolicyResource, ResourceValidationArgs, StackValidation, StackValidationArgs } from "@pulumi/policy";
import { ACCOUNT_ROLES, SHARED_ROLES, TAG } from "../../catalog/tags";
import { COMPONENT_PACKAGE } from "../../catalog/types";
import { Verdict, decide } from "./links";
import { known } from "./resources";

/** The tags that mark a resource as the topology's, and the values the program writes in them. */
const MARKS = [TAG.role, TAG.stack];
const ROLES: readonly string[] = [...ACCOUNT_ROLES, ...SHARED_ROLES];
const IS_MARK: Readonly<Record<string, (value: string) => boolean>> = {
  [TAG.role]: value => ROLES.includes(value),
  // infra/tags.ts: `${project}/${stack}`.
  [TAG.stack]: value => /^[^/\s]+\/[^/\s]+$/.test(value),
};

const NOT_THE_TOPOLOGY = `not a resource of the aoai-bcdr topology (no ${MARKS.join(" or ")} tag, not declared by its components)`;

/** The types of a URN's chain, its ancestors' then its own: `urn:pulumi:<stack>::<project>::<parent>$<type>::<name>`. */
function typeChain(urn: string): string[] {
  return (urn.split("::")[2] ?? "").split("$");
}

/** Whether one of the program's components declares the resource (or it is one). */
function declaredByProgram(urn: string): boolean {
  return typeChain(urn).some(type => type.startsWith(`${COMPONENT_PACKAGE}:`));
}

/** Whether the resource is the topology's. A tag a preview does not know yet (computed) does not make it so. */
export function inTopology(resource: Pick<PolicyResource, "urn" | "props">): boolean {
  const marked = MARKS.some(tag => {
    const value = known(() => (resource.props.tags as Record<string, unknown> | undefined)?.[tag]);
    return typeof value === "string" && IS_MARK[tag](value);
  });
  return marked || declaredByProgram(resource.urn);
}

/** A topology rule on one resource calls this first: any other resource is not applicable. */
export function requireTopology(args: Pick<ResourceValidationArgs, "urn" | "props" | "notApplicable">): void {
  if (!inTopology(args)) args.notApplicable(NOT_THE_TOPOLOGY);
}

/**
 * A topology rule on the whole stack: it sees the topology's resources only, and a stack without any is not
 * applicable. Links to a resource outside the topology (another team's, in the same stack) are not followed.
 */
export function onTopology(check: (args: StackValidationArgs, verdict: Verdict) => void): StackValidation {
  return decide((args, verdict) => {
    const resources = args.resources.filter(inTopology);
    if (resources.length === 0)
      args.notApplicable(
        `the stack has no resource of the aoai-bcdr topology (none carries the ${MARKS.join(" or ")} tag)`,
      );
    check({ ...args, resources }, verdict);
  });
}

/**
 * The tags the other rules go by. The tier rules place an OpenAI account and its deployments by their
 * `bcdr-role` tag, and a resource without any of the topology's marks is not judged at all (lib/scope.ts), so
 * a removed tag must not quietly switch the guardrails off:
 *   - in a stack of the topology, every OpenAI account carries an account role (standard, enterprise-ptu,
 *     workload-ptu) and every deployment of one carries its account's: a partially tagged topology is
 *     refused, as is another OpenAI account in the same stack (it would be neither judged nor told apart);
 *   - with `required` (set in the aoai-bcdr stacks' policy configs), a stack with no
 *     resource of the topology at all fails instead of passing unjudged.
 * Decides in every phase: tags are inputs; a tag computed from an unknown value waits for the update.
 */
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ACCOUNT_ROLES, TAG } from "../../catalog/tags";
import { configOf } from "../lib/config";
import { Verdict, decide } from "../lib/links";
import { modelDeployments, openAiAccounts } from "../lib/openai";
import { Maybe, UNKNOWN, known } from "../lib/resources";
import { inTopology } from "../lib/scope";

const configSchema: PolicyConfigSchema = {
  properties: {
    required: {
      type: "boolean",
      default: false,
      description:
        "The stack is an aoai-bcdr topology: a stack none of whose resources carries its tags (or is declared by the program) fails.",
    },
  },
};

const ROLES = ACCOUNT_ROLES.join(", ");

/** A resource's role tag (undefined if it has none); UNKNOWN, noted as undecided, if the preview does not know it. */
function roleOf(r: PolicyResource, verdict: Verdict): Maybe<string | undefined> {
  const role = known(() => (r.props.tags as Record<string, string> | undefined)?.[TAG.role]);
  if (role === UNKNOWN) verdict.cannotDecide(`the ${TAG.role} tag of '${r.name}' is unknown`);
  return role;
}

const describe = (role: string | undefined) => (role === undefined ? `no ${TAG.role} tag` : `${TAG.role} '${role}'`);

export const topologyTags: StackValidationPolicy = {
  name: "topology-tags",
  description:
    "In a stack of the topology, every OpenAI account and model deployment carries its bcdr-role tag; with `required`, a stack without the topology's resources fails. " +
    "Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: decide((args, verdict) => {
    const { required } = configOf<{ required: boolean }>(args, configSchema);
    if (!args.resources.some(inTopology)) {
      if (!required) args.notApplicable(`no resource of the stack is the topology's`);
      verdict.violation(
        `No resource of this stack carries the ${TAG.role} or ${TAG.stack} tag or is declared by the aoai-bcdr program, so the guardrails judge nothing, ` +
          `but its policy config says it is an aoai-bcdr topology (topology-tags.required): restore the program's tags, or take the stack out of the aoai-bcdr policy group.`,
      );
      return;
    }
    const accounts = openAiAccounts(args.resources);
    for (const account of accounts) {
      const role = roleOf(account, verdict);
      if (role === UNKNOWN || (ACCOUNT_ROLES as readonly (string | undefined)[]).includes(role)) continue;
      verdict.violation(
        `OpenAI account '${account.name}' has ${describe(role)} in a stack of the aoai-bcdr topology, ` +
          `so the tier rules cannot place it: tag it with one of ${ROLES} (the program does, infra/tags.ts), or move an account that is not part of the topology to its own stack.`,
        account.urn,
      );
    }
    for (const d of modelDeployments(args.resources, verdict)) {
      const own = roleOf(d.resource, verdict);
      const expected = roleOf(d.account, verdict);
      if (own === UNKNOWN || expected === UNKNOWN || expected === undefined || own === expected) continue;
      verdict.violation(
        `Model deployment '${d.resource.name}' has ${describe(own)} but its account '${d.account.name}' is '${expected}': ` +
          `tag it '${expected}', as the program does, so the SKU rules judge it with its tier.`,
        d.resource.urn,
      );
    }
  }),
};

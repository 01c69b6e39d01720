/**
 * BCDR rule 4, failover order: every chain the gateway's policy walks serves a workload's own PTU first,
 * then the enterprise PTU, then the standard deployments, and names only backends of its own gateway.
 *
 * The policy names each chain's steps in a literal `steps` variable (`backendId,region,timeoutSeconds,kind`
 * per step, `;` between steps), read here with the pack's policy reader. Each backend id is matched against
 * the backends' output `name`, unknown until they exist: decides after update (advisory in a first preview).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { Backend, gatewayServices, isPool, policyDocuments, serviceOf, backendAccount } from "../lib/gateway";
import { onTopology } from "../lib/scope";
import { openAiAccounts } from "../lib/openai";
import { PolicyElement, ancestors, descendants, parsePolicyDocument } from "../lib/policyXml";
import { AccountRole, TAG } from "../../catalog/tags";
import { TYPES } from "../../catalog/types";
import { ofType, sameName, tagOf } from "../lib/resources";
import { BackendOutputs } from "../lib/shapes";

/** Who a chain serves first: a workload's own PTU, then the shared PTU, then pay-as-you-go. */
const TIER_ORDER: readonly AccountRole[] = ["workload-ptu", "enterprise-ptu", "standard"];

/** Each literal `steps` list of a policy document (an expression is the per-request reordering, not a chain). */
function stepLists(root: PolicyElement): { readonly chain: string; readonly backendIds: string[] }[] {
  return descendants(root)
    .filter(e => e.name === "set-variable" && e.attributes.name === "steps" && !e.attributes.value?.startsWith("@"))
    .map(e => {
      const route = ancestors(e).find(a => a.name === "when" && a.children.some(c => c.attributes.name === "chain"));
      const chain = route?.children.find(c => c.attributes.name === "chain")?.attributes.value ?? "?";
      return { chain, backendIds: e.attributes.value.split(";").map(s => s.split(",")[0]) };
    });
}

export const failoverStepOrder: StackValidationPolicy = {
  name: "failover-step-order",
  description:
    "Every chain of each gateway's policy walks workload PTU before enterprise PTU before standard backends, naming only its gateway's backends. Decides after update (backend names are outputs).",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const services = gatewayServices(args.resources);
    if (services.length === 0) args.notApplicable("the stack has no API Management gateway");
    const backends = ofType<BackendOutputs>(args.resources, TYPES.backend).filter(b => !isPool(b));
    const accounts = openAiAccounts(args.resources);
    const tierOf = (backend: Backend) => {
      const [account] = verdict.resolve(backendAccount(backend, accounts)) ?? [];
      return account && TIER_ORDER.indexOf(tagOf(account, TAG.role) as AccountRole);
    };
    for (const document of policyDocuments(args.resources)) {
      const service = serviceOf(document, services, verdict);
      const value = verdict.read(`the policy document '${document.name}'`, () => document.props.value);
      const parsed = value === undefined ? undefined : parsePolicyDocument(value, document.props.format);
      if (!service || !parsed || !("root" in parsed)) continue;
      const own = backends.filter(b => serviceOf(b, services, verdict) === service);
      const names = verdict.read(`the backend names of gateway '${service.name}'`, () => own.map(b => b.props.name));
      if (!names) continue;
      for (const { chain, backendIds } of stepLists(parsed.root)) {
        const steps = backendIds.map(id => ({ id, backend: own[names.findIndex(n => sameName(n, id))] }));
        for (const missing of steps.filter(s => !s.backend)) {
          verdict.violation(
            `Policy '${document.name}' walks ${missing.id} in chain '${chain}', which is no backend of its gateway in this stack: point the step at one of the gateway's OpenAI backends.`,
            document.urn,
          );
        }
        const tiered = steps.flatMap(s => {
          const tier = s.backend && tierOf(s.backend);
          return tier === undefined || tier < 0 ? [] : [{ ...s, tier }];
        });
        const inversion = tiered.findIndex((s, i) => i > 0 && tiered[i - 1].tier > s.tier);
        if (inversion > 0) {
          const [early, late] = [tiered[inversion - 1], tiered[inversion]];
          verdict.violation(
            `Policy '${document.name}' walks '${early.id}' (${TIER_ORDER[early.tier]}) before '${late.id}' (${TIER_ORDER[late.tier]}) in chain '${chain}': ` +
              "the order must be workload PTU, then enterprise PTU, then standard.",
            document.urn,
          );
        }
      }
    }
  }),
};

/**
 * BCDR rule 5, failover: each gateway service's policy moves a request on when the backend answers 408
 * (Azure OpenAI's own timeout), 429 (over its quota or utilisation) or 5xx: a `<retry>` around
 * `forward-request` whose condition admits them (each attempt names its step's backend). send-request is
 * no failover: its answers are buffered and skip the outbound section (docs/gateway.md).
 * A policy belongs to the service its `serviceName` was computed from. Decides in every phase where the
 * document is known (it is an input; a document computed from unknown values waits for the update).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { gatewayServices, policyDocuments, serviceOf } from "../lib/gateway";
import { onTopology } from "../lib/scope";
import { PolicyElement, descendants, parsePolicyDocument } from "../lib/policyXml";
import { admitsStatus } from "../lib/statusCondition";

const FAILOVER_STATUSES = [408, 429, 500];
const failsOver = (condition: string | undefined) =>
  condition !== undefined && FAILOVER_STATUSES.every(s => admitsStatus(condition, s));

/** A retry whose condition covers 408, 429 and 5xx, around a forward-request. */
function hasFailover(root: PolicyElement): boolean {
  return descendants(root).some(
    e =>
      e.name === "retry" && failsOver(e.attributes.condition) && descendants(e).some(f => f.name === "forward-request"),
  );
}

export const apiPolicyFailover: StackValidationPolicy = {
  name: "api-policy-failover",
  description:
    "Each gateway service's policy retries forward-request on 408, 429 and 5xx. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const services = gatewayServices(args.resources);
    if (services.length === 0) args.notApplicable("the stack has no API Management gateway");
    const documents = policyDocuments(args.resources);
    for (const service of services) {
      const own = documents.filter(d => serviceOf(d, services, verdict) === service);
      const parsed = own.flatMap(d => {
        const value = verdict.read(`the policy document '${d.name}'`, () => [d.props.value, d.props.format] as const);
        return value ? [{ document: d, result: parsePolicyDocument(value[0] ?? "", value[1]) }] : [];
      });
      if (parsed.length < own.length) continue;
      if (parsed.some(p => "root" in p.result && hasFailover(p.result.root))) continue;
      for (const { document, result } of parsed) {
        if ("error" in result)
          verdict.violation(
            `Policy '${document.name}' is not well-formed XML (${result.error}), so its failover cannot be verified: fix the document.`,
            document.urn,
          );
      }
      verdict.violation(
        `Gateway '${service.name}' has no policy that fails over on 408, 429 and 5xx: wrap forward-request in ` +
          `<retry condition="@(context.Response.StatusCode == 408 || context.Response.StatusCode == 429 || context.Response.StatusCode >= 500 ...)"> ` +
          `whose attempts name the chain's next backend.`,
        (own[0] ?? service).urn,
      );
    }
  }),
};

/**
 * BCDR rule 5, failover: each gateway service's policy moves a request on when the backend answers 429
 * (over its quota or utilisation) or 5xx: a `<retry>` around `forward-request` that walks the backend
 * pool, or (the synchronous strategy) a `send-request` to the next backend under the same condition.
 * A policy belongs to the service its `serviceName` was computed from. Decides in every phase where the
 * document is known (it is an input; a document computed from unknown values waits for the update).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { gatewayServices, policyDocuments, serviceOf } from "../lib/gateway";
import { decide } from "../lib/links";
import { PolicyElement, ancestors, descendants, parsePolicyDocument } from "../lib/policyXml";
import { admitsStatus } from "../lib/statusCondition";

const failsOver = (condition: string | undefined) =>
  condition !== undefined && admitsStatus(condition, 429) && admitsStatus(condition, 500);

/** A retry, or a send-request under a `when`, whose condition covers 429 and 5xx. */
function hasFailover(root: PolicyElement): boolean {
  return descendants(root).some(
    e =>
      (e.name === "retry" && failsOver(e.attributes.condition)) ||
      (e.name === "send-request" && ancestors(e).some(a => a.name === "when" && failsOver(a.attributes.condition))),
  );
}

export const apiPolicyFailover: StackValidationPolicy = {
  name: "api-policy-failover",
  description:
    "Each gateway service's policy retries on 429 and on 5xx (a retry over the backend pool, or send-request failover). Decides in preview and after update.",
  enforcementLevel: "mandatory",
  validateStack: decide((args, verdict) => {
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
        `Gateway '${service.name}' has no policy that fails over on 429 and 5xx: wrap forward-request in ` +
          `<retry condition="@(context.Response.StatusCode == 429 || context.Response.StatusCode >= 500)"> over the backend pool ` +
          `(or send-request to the next backend under that condition).`,
        (own[0] ?? service).urn,
      );
    }
  }),
};

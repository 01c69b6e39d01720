/**
 * BCDR rule 5, backends: each gateway service has a backend for every OpenAI account, with a circuit
 * breaker that trips on 429 and on 5xx. The pool skips a tripped backend, which is how a request spills
 * over to the next tier instead of retrying a throttled or failing account.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { Backend, backendAccount, gatewayServices, isPool, serviceOf } from "../lib/gateway";
import { openAiAccounts } from "../lib/openai";
import { TYPES, ofType } from "../lib/resources";
import { BackendInputs } from "../lib/shapes";

/** Whether some rule of the breaker counts `status` as a failure. */
function tripsOn(backend: Backend, status: number): boolean {
  return (backend.props.circuitBreaker?.rules ?? []).some(rule => (rule.failureCondition?.statusCodeRanges ?? [])
    .some(range => (range.min ?? 0) <= status && status <= (range.max ?? range.min ?? 0)));
}

export const circuitBreakerBackends: StackValidationPolicy = {
  name: "circuit-breaker-backends",
  description: "Every gateway service has a backend for every OpenAI account, with a circuit breaker that trips on 429 and 5xx.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const services = gatewayServices(args.resources);
    if (services.length === 0) args.notApplicable("the stack has no API Management gateway");
    const accounts = openAiAccounts(args.resources);
    const backends = ofType<BackendInputs>(args.resources, TYPES.backend).filter(b => !isPool(b));
    for (const service of services) {
      const own = backends.filter(b => serviceOf(b, services) === service);
      for (const account of accounts) {
        // One backend per deployment of the account: each must have its breaker.
        const accountBackends = own.filter(b => backendAccount(b, accounts) === account);
        if (accountBackends.length === 0) {
          report(`Gateway '${service.name}' has no backend for OpenAI account '${account.name}': add an API Management backend whose url is the account's endpoint, ` +
            `with a circuit breaker that trips on 429 and 5xx.`, service.urn);
        }
        for (const backend of accountBackends.filter(b => !tripsOn(b, 429) || !tripsOn(b, 500))) {
          report(`Backend '${backend.name}' (OpenAI account '${account.name}') has no circuit breaker tripping on both 429 and 5xx: ` +
            `add circuitBreaker.rules with statusCodeRanges 429-429 and 500-599 (acceptRetryAfter: true) so its pool skips the account while it is throttled or failing.`, backend.urn);
        }
      }
    }
  },
};

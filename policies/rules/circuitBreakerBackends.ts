/**
 * BCDR rule 5, backends: every OpenAI account (and, where backends are per deployment, every deployment)
 * is reachable from each gateway service through a backend whose circuit breaker trips on 408, 429 and 5xx.
 * A tripped backend answers 503 at once, so the policy's walk moves to the next step without waiting on a
 * throttled, timing-out or failing account.
 *
 * ARM semantics only: a backend belongs to the service its `serviceName` was computed from, and calls the
 * account its `url` was computed from (or whose host it names). Decides in every phase for per-account
 * backends; a backend URL that names a deployment (`.../deployments/<name>`) is matched with deployment
 * names, which are outputs only after the update.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { Backend, backendAccount, backendDeployment, gatewayServices, isPool, serviceOf } from "../lib/gateway";
import { onTopology } from "../lib/scope";
import { Account, modelDeployments, openAiAccounts } from "../lib/openai";
import { TYPES } from "../../catalog/types";
import { ofType, sameName } from "../lib/resources";
import { BackendOutputs } from "../lib/shapes";

/** Whether some rule of the breaker counts `status` as a failure. */
function tripsOn(backend: Backend, status: number): boolean {
  return (backend.props.circuitBreaker?.rules ?? []).some(rule =>
    (rule.failureCondition?.statusCodeRanges ?? []).some(
      range => (range.min ?? 0) <= status && status <= (range.max ?? range.min ?? 0),
    ),
  );
}

/** Azure OpenAI's own timeout (408), throttling (429), failures (5xx). */
const TRIP_STATUSES = [408, 429, 500];

interface Target {
  readonly backend: Backend;
  readonly account: Account;
  readonly deployment?: string;
}

export const circuitBreakerBackends: StackValidationPolicy = {
  name: "circuit-breaker-backends",
  description:
    "Each gateway service reaches every OpenAI account (and deployment, with per-deployment backends) through a backend whose circuit breaker trips on 408, 429 and 5xx. " +
    "Decides in preview and after update; deployment-named backends after update.",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const services = gatewayServices(args.resources);
    if (services.length === 0) args.notApplicable("the stack has no API Management gateway");
    const accounts = openAiAccounts(args.resources);
    const backends = ofType<BackendOutputs>(args.resources, TYPES.backend).filter(b => !isPool(b));
    const linked = backends.map(backend => ({
      backend,
      accounts: verdict.resolve(backendAccount(backend, accounts)),
      service: serviceOf(backend, services, verdict),
    }));
    const targets = linked.flatMap(({ backend, accounts, service }) =>
      (accounts ?? []).map(account => ({ backend, account, service, deployment: backendDeployment(backend) })),
    );
    // A breaker left out is unknown in a preview (an output not given as input): undecided there, not a crash.
    const untripped = targets.filter(
      t =>
        verdict.read(`the circuit breaker of backend '${t.backend.name}'`, () =>
          TRIP_STATUSES.every(s => tripsOn(t.backend, s)),
        ) === false,
    );
    for (const t of untripped) {
      verdict.violation(
        `Backend '${t.backend.name}' (OpenAI account '${t.account.name}') has no circuit breaker tripping on 408, 429 and 5xx: ` +
          `add circuitBreaker.rules with statusCodeRanges 408-408, 429-429 and 500-599 (acceptRetryAfter: true) so the walk skips the account while it is throttled or failing.`,
        t.backend.urn,
      );
    }
    // A backend the preview cannot place leaves "missing" undecided, never reported.
    if (linked.some(l => l.accounts === undefined || l.service === undefined)) return;
    const deployments = modelDeployments(args.resources, verdict);
    for (const service of services) {
      const own: Target[] = targets.filter(t => t.service === service);
      for (const account of accounts) {
        const reaching = own.filter(t => t.account === account);
        if (reaching.length === 0) {
          verdict.violation(
            `Gateway '${service.name}' has no backend for OpenAI account '${account.name}': add an API Management backend whose url is the account's endpoint, ` +
              `with a circuit breaker that trips on 408, 429 and 5xx.`,
            service.urn,
          );
          continue;
        }
        if (reaching.some(t => t.deployment === undefined)) continue;
        // Per-deployment backends: each of the account's deployments needs its own.
        for (const d of deployments.filter(d => d.account === account)) {
          const name = verdict.read(`the name of deployment '${d.resource.name}'`, () => d.resource.props.name);
          if (name !== undefined && !reaching.some(t => sameName(t.deployment, name))) {
            verdict.violation(
              `Gateway '${service.name}' has no backend for deployment '${name}' of OpenAI account '${account.name}': ` +
                `add a backend whose url is the account's endpoint for that deployment, with a circuit breaker that trips on 408, 429 and 5xx.`,
              service.urn,
            );
          }
        }
      }
    }
  }),
};

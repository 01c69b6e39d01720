/**
 * Backends: one per (OpenAI account, deployment), each with its own circuit breaker. No pools: the policy
 * names each attempt's backend itself (./policy/failover.ts), so every hand-over is its own decision.
 *
 * Why per deployment: Azure OpenAI quota and rate limits are set per deployment
 * (https://learn.microsoft.com/azure/ai-services/openai/quotas-limits), so a 429 says one deployment is
 * full, not that the account is. A breaker trips for the backend it belongs to; with one backend per
 * account a gpt-5-mini 429 would take gpt-5.1 and gpt-5 of that account out of every pool.
 *
 * API Management facts relied on (https://learn.microsoft.com/azure/api-management/backends):
 * - a circuit breaker rule trips the backend on `count` failures matching `statusCodeRanges` within
 *   `interval`, for `tripDuration`; with `acceptRetryAfter` it stays open for the backend's Retry-After;
 * - while the breaker is open, API Management "returns a 503 Service Unavailable response to the client"
 *   without calling the backend: the policy's walk treats it as any 503 and moves to the next step;
 * - "Currently, you can configure only one rule for a backend circuit breaker."
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { Topology } from "../topology";
import { API_PATH, backendId, keyNamedValue } from "./ids";
import { ServiceRef } from "./namedValues";

export interface BackendsArgs {
  readonly service: ServiceRef;
  readonly topology: Topology;
  /** Account key -> its endpoint, `https://<subdomain>.openai.azure.com/`. */
  readonly endpoints: ReadonlyMap<string, pulumi.Input<string>>;
  /** Key mode: account key -> the Key Vault-backed named value holding its key. */
  readonly keyNamedValues: ReadonlyMap<string, apimanagement.NamedValue>;
}

/**
 * The transport failures that trip a breaker too: a timeout and a connection that could not be made or
 * was dropped. ARM's backend schema has `failureCondition.errorReasons`, "the error reasons which are
 * considered as failure" (https://learn.microsoft.com/azure/templates/microsoft.apimanagement/service/backends),
 * without listing its values; these are the `context.LastError.Reason` values APIM documents for them
 * (https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies). That the
 * breaker matches them is on the README's dev-instance checklist.
 */
export const BREAKER_ERROR_REASONS = ["BackendConnectionFailure", "Timeout"];

/**
 * Trips on the first 408, 429, 5xx, timeout or connection failure, and stays open as long as the deployment's
 * Retry-After says. 408 is Azure OpenAI's own timeout; Azure-Samples/Apim-Samples (samples/inference-failover)
 * trips its breakers on 408 too.
 */
export const CIRCUIT_BREAKER: apimanagement.BackendArgs["circuitBreaker"] = {
  rules: [
    {
      name: "spill-over",
      failureCondition: {
        count: 1,
        interval: "PT10S",
        statusCodeRanges: [
          { min: 408, max: 408 },
          { min: 429, max: 429 },
          { min: 500, max: 599 },
        ],
        errorReasons: BREAKER_ERROR_REASONS,
      },
      tripDuration: "PT10S",
      acceptRetryAfter: true,
    },
  ],
};

function deploymentBackend(
  name: string,
  args: BackendsArgs,
  account: string,
  deployment: string,
  region: string,
  parent: pulumi.Resource,
): apimanagement.Backend {
  const id = backendId(account, deployment);
  const key = args.keyNamedValues.get(account);
  return new apimanagement.Backend(
    `${name}-backend-${id}`,
    {
      ...args.service,
      backendId: id,
      title: `${deployment} on ${account} (${region})`,
      protocol: "http",
      url: pulumi.interpolate`${args.endpoints.get(account)!}${API_PATH}`,
      tls: { validateCertificateChain: true, validateCertificateName: true },
      credentials: key ? { header: { "api-key": [`{{${keyNamedValue(account)}}}`] } } : undefined,
      circuitBreaker: CIRCUIT_BREAKER,
    },
    { parent, dependsOn: key ? [key] : [] },
  );
}

/** Declares every backend; returns them (the policy names them, so it must wait for them). */
export function declareBackends(name: string, args: BackendsArgs, parent: pulumi.Resource): apimanagement.Backend[] {
  return args.topology.accounts.flatMap(a =>
    a.deployments.map(d => deploymentBackend(name, args, a.key, d.name, a.region, parent)),
  );
}

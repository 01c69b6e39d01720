/**
 * The API Management gateway: its services and regions, the backends that front the OpenAI accounts, and
 * the policy documents. Children (backends, policies) belong to
 * the service whose output `name` their `serviceName` input was computed from.
 */
import type { PolicyResource } from "@pulumi/policy";
import { Link, Verdict, link } from "./links";
import { Account } from "./openai";
import { TYPES } from "../../catalog/types";
import { Typed, UNKNOWN, known, ofType, regionName, sameName } from "./resources";
import { ApimServiceOutputs, BackendOutputs, PolicyDocumentOutputs } from "./shapes";

export type ApimService = Typed<ApimServiceOutputs>;
export type Backend = Typed<BackendOutputs>;
export type PolicyDocument = Typed<PolicyDocumentOutputs>;

export function gatewayServices(resources: readonly PolicyResource[]): ApimService[] {
  return ofType<ApimServiceOutputs>(resources, TYPES.apimService);
}

/**
 * The regions a service runs its gateway in: its home location and every additional location. A service
 * declared without additional locations has them unknown in a preview (not an input): `complete` is false.
 */
export function serviceRegions(service: ApimService): { readonly regions: string[]; readonly complete: boolean } {
  const additional = known(() => (service.props.additionalLocations ?? []).map(l => l.location));
  const regions = [service.props.location, ...(additional === UNKNOWN ? [] : additional)].flatMap(
    l => regionName(l) ?? [],
  );
  return { regions, complete: additional !== UNKNOWN };
}

/** The gateway's regions, known so far; `complete` is false while some service's additional locations are unknown. */
export function gatewayRegions(resources: readonly PolicyResource[]): {
  readonly regions: string[];
  readonly complete: boolean;
} {
  const each = gatewayServices(resources).map(serviceRegions);
  return { regions: [...new Set(each.flatMap(e => e.regions))].sort(), complete: each.every(e => e.complete) };
}

/** The service a backend or policy belongs to (undefined, noted as undecided, if it is not linked). */
export function serviceOf(
  child: PolicyResource,
  services: readonly ApimService[],
  verdict: Verdict,
): ApimService | undefined {
  return verdict.resolve(link(child, "serviceName", services, { what: `the gateway service of '${child.name}'` }))?.[0];
}

export function isPool(backend: Backend): boolean {
  return known(() => sameName(backend.props.type, "Pool")) === true;
}

const hostOf = (url: string | undefined) =>
  url !== undefined && URL.canParse(url) ? new URL(url).hostname.toLowerCase() : undefined;

/** An account's host: its endpoint once known, else `<customSubDomainName>.openai.azure.com`. */
function accountHost(account: Account): string | undefined {
  const endpoint = known(() => account.props.properties?.endpoint);
  if (endpoint !== UNKNOWN && endpoint !== undefined) return hostOf(endpoint);
  const subdomain = account.props.properties?.customSubDomainName;
  return subdomain === undefined ? undefined : `${subdomain}.openai.azure.com`.toLowerCase();
}

/** The OpenAI account a (single) backend calls: the account its `url` was computed from, else the one whose host it names. */
export function backendAccount(backend: Backend, accounts: readonly Account[]): Link<Account> {
  return link(backend, "url", accounts, {
    what: `the account backend '${backend.name}' calls`,
    matches: a => {
      const host = hostOf(backend.props.url);
      return host !== undefined && host === accountHost(a);
    },
  });
}

/** The deployment a per-deployment backend's URL names (`.../openai/deployments/<name>`), if it names one. */
export function backendDeployment(backend: Backend): string | undefined {
  const url = known(() => backend.props.url);
  return url === UNKNOWN ? undefined : /\/deployments\/([^/?#]+)/i.exec(url ?? "")?.[1];
}

/** API Management types whose `value` is a policy document (API, service, product, operation, workspace, fragment). */
export function isPolicyDocumentType(type: string): boolean {
  return /^azure-native:apimanagement:\w*Policy(Fragment)?$/.test(type);
}

export function policyDocuments(resources: readonly PolicyResource[]): PolicyDocument[] {
  return resources.filter(r => isPolicyDocumentType(r.type)) as unknown as PolicyDocument[];
}

/**
 * The API Management gateway: its services and regions, the backends that front the OpenAI accounts, the
 * backend pools of the failover chains, and the policy documents.
 */
import type { PolicyResource } from "@pulumi/policy";
import { parseArmId } from "./armId";
import { Account } from "./openai";
import { TYPES, Typed, ofType, referenced, regionName, sameName } from "./resources";
import { ApimServiceInputs, BackendInputs, PolicyDocumentInputs } from "./shapes";

export type ApimService = Typed<ApimServiceInputs>;
export type Backend = Typed<BackendInputs>;
export type PolicyDocument = Typed<PolicyDocumentInputs>;

export function gatewayServices(resources: readonly PolicyResource[]): ApimService[] {
  return ofType<ApimServiceInputs>(resources, TYPES.apimService);
}

/** The regions a service runs its gateway in: its home location and every additional location. */
export function serviceRegions(service: ApimService): string[] {
  const { location, additionalLocations = [] } = service.props;
  return [location, ...additionalLocations.map(l => l.location)].flatMap(l => regionName(l) ?? []);
}

export function gatewayRegions(resources: readonly PolicyResource[]): string[] {
  return [...new Set(gatewayServices(resources).flatMap(serviceRegions))].sort();
}

/** The service a backend, named value or policy belongs to: named by `serviceName` and `resourceGroupName`. */
export function serviceOf(child: Typed<{ readonly serviceName?: string; readonly resourceGroupName?: string }>, services: readonly ApimService[]): ApimService | undefined {
  return referenced(child, services, s =>
    sameName(s.props.serviceName, child.props.serviceName) && sameName(s.props.resourceGroupName, child.props.resourceGroupName));
}

export function isPool(backend: Backend): boolean {
  return sameName(backend.props.type, "Pool");
}

const hostOf = (url: string | undefined) => (url !== undefined && URL.canParse(url) ? new URL(url).hostname : undefined);

/** The OpenAI account a (single) backend calls: its URL is the account's endpoint, `https://<subdomain>.openai.azure.com/...`. */
export function backendAccount(backend: Backend, accounts: readonly Account[]): Account | undefined {
  return referenced(backend, accounts, a =>
    sameName(hostOf(backend.props.url), `${a.props.properties?.customSubDomainName ?? a.props.accountName}.openai.azure.com`));
}

export interface PoolMember {
  readonly id: string;
  readonly priority: number;
  /** The backend the id names, among the pool's service's backends; undefined if none does. */
  readonly backend?: Backend;
}

/** A pool's members: each references a backend by its ARM id, `.../service/<service>/backends/<backendId>`. */
export function poolMembers(pool: Backend, siblings: readonly Backend[]): PoolMember[] {
  return (pool.props.pool?.services ?? []).map(item => {
    const id = parseArmId(item.id);
    const named = id && sameName(id.type, "Microsoft.ApiManagement/service/backends")
      ? siblings.find(b => sameName(b.props.backendId, id.names[1]))
      : undefined;
    // APIM's default priority is 0, the highest.
    return { id: item.id, priority: item.priority ?? 0, backend: named };
  });
}

/** API Management types whose `value` is a policy document (API, service, product, operation, workspace, fragment). */
export function isPolicyDocumentType(type: string): boolean {
  return /^azure-native:apimanagement:\w*Policy(Fragment)?$/.test(type);
}

export function policyDocuments(resources: readonly PolicyResource[]): PolicyDocument[] {
  return resources.filter(r => isPolicyDocumentType(r.type)) as unknown as PolicyDocument[];
}

/**
 * Typed, preview-safe access to the resources a policy sees.
 *
 * During `pulumi preview` the inputs that come from other resources' outputs (names with a random suffix,
 * ARM ids, endpoints) are not known yet, and reading one throws. The engine still records which
 * resources each one depends on, so references fall back to that record.
 */
import type { PolicyResource } from "@pulumi/policy";
import { UnknownValueError } from "./sdk";

export const TYPES = {
  account: "azure-native:cognitiveservices:Account",
  deployment: "azure-native:cognitiveservices:Deployment",
  apimService: "azure-native:apimanagement:ApiManagementService",
  backend: "azure-native:apimanagement:Backend",
  apiPolicy: "azure-native:apimanagement:ApiPolicy",
  servicePolicy: "azure-native:apimanagement:Policy",
  namedValue: "azure-native:apimanagement:NamedValue",
  vault: "azure-native:keyvault:Vault",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  virtualNetwork: "azure-native:network:VirtualNetwork",
  privateZone: "azure-native:privatedns:PrivateZone",
  virtualNetworkLink: "azure-native:privatedns:VirtualNetworkLink",
  frontDoorProfile: "azure-native:cdn:Profile",
  frontDoorEndpoint: "azure-native:cdn:AFDEndpoint",
  originGroup: "azure-native:cdn:AFDOriginGroup",
  origin: "azure-native:cdn:AFDOrigin",
  securityPolicy: "azure-native:cdn:SecurityPolicy",
  /** The Front Door (Standard/Premium) WAF policy: Microsoft.Network/frontDoorWebApplicationFirewallPolicies. */
  wafPolicy: "azure-native:frontdoor:Policy",
} as const;

/** A resource whose inputs are read through one of the shapes in ./shapes. */
export type Typed<T> = Omit<PolicyResource, "props"> & { readonly props: T };

export function ofType<T>(resources: readonly PolicyResource[], type: string): Typed<T>[] {
  return resources.filter(r => r.type === type) as unknown as Typed<T>[];
}

/** What `read` returns, or undefined when it reads a value the preview does not know yet. */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

/**
 * Whether `from` refers to `to`: as its inputs name it when they are known, else as the engine's
 * dependency record says.
 */
export function references(from: Pick<PolicyResource, "dependencies">, to: Pick<PolicyResource, "urn">, names: () => boolean): boolean {
  return known(names) ?? from.dependencies.some(d => d.urn === to.urn);
}

/** The first of `candidates` that `from` refers to. */
export function referenced<T extends Pick<PolicyResource, "urn">>(
  from: Pick<PolicyResource, "dependencies">, candidates: readonly T[], names: (candidate: T) => boolean,
): T | undefined {
  return candidates.find(c => references(from, c, () => names(c)));
}

/** ARM location names: `East US 2` and `eastus2` are the same region. */
export function regionName(location: string | undefined): string | undefined {
  return location?.toLowerCase().replace(/\s+/g, "");
}

export const TAG = { role: "bcdr-role", regionRole: "bcdr-region-role", workload: "bcdr-workload" } as const;

export function tagOf(r: Typed<{ readonly tags?: Readonly<Record<string, string>> }>, key: string): string | undefined {
  return r.props.tags?.[key];
}

/** Case-insensitive equality of ARM names and enum values; false when either side is missing. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

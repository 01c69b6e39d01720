/**
 * The inputs the rules read, as the engine receives them for azure-native v3 resources: the subset of
 * each `<Resource>Args` the pack depends on. test/policyShapes.ts checks at build time that azure-native's
 * own (unwrapped) argument types still fit these, so an SDK upgrade that renames a field fails the build.
 */

export type Tags = Readonly<Record<string, string>>;

interface Named {
  readonly resourceGroupName?: string;
  readonly tags?: Tags;
}

export interface AccountInputs extends Named {
  readonly accountName?: string;
  readonly kind?: string;
  readonly location?: string;
  readonly properties?: {
    readonly customSubDomainName?: string;
    readonly disableLocalAuth?: boolean;
    readonly publicNetworkAccess?: string;
  };
}

export interface DeploymentInputs extends Named {
  readonly accountName?: string;
  readonly deploymentName?: string;
  readonly sku?: { readonly name?: string; readonly capacity?: number };
  readonly properties?: { readonly model?: { readonly name?: string; readonly version?: string } };
}

export interface ApimServiceInputs extends Named {
  readonly serviceName?: string;
  readonly location?: string;
  readonly additionalLocations?: readonly { readonly location: string }[];
  readonly customProperties?: Readonly<Record<string, string>>;
}

/** Children of an API Management service. */
interface ApimChild {
  readonly serviceName?: string;
  readonly resourceGroupName?: string;
}

export interface CircuitBreakerRule {
  readonly name?: string;
  readonly failureCondition?: { readonly statusCodeRanges?: readonly { readonly min?: number; readonly max?: number }[] };
}

export interface BackendInputs extends ApimChild {
  readonly backendId?: string;
  readonly type?: string;
  readonly url?: string;
  readonly circuitBreaker?: { readonly rules?: readonly CircuitBreakerRule[] };
  readonly credentials?: { readonly header?: Readonly<Record<string, readonly string[]>> };
  readonly pool?: { readonly services?: readonly { readonly id: string; readonly priority?: number; readonly weight?: number }[] };
}

/** ApiPolicy, Policy and the other policy documents: `value` is the XML, `format` says how it is escaped. */
export interface PolicyDocumentInputs extends ApimChild {
  readonly format?: string;
  readonly value?: string;
}

export interface NamedValueInputs extends ApimChild {
  readonly displayName?: string;
  readonly namedValueId?: string;
  readonly secret?: boolean;
  readonly value?: string;
  readonly keyVault?: { readonly secretIdentifier?: string };
}

export interface VaultInputs extends Named {
  readonly vaultName?: string;
  readonly properties?: { readonly enablePurgeProtection?: boolean; readonly enableRbacAuthorization?: boolean };
}

interface ServiceConnection {
  readonly privateLinkServiceId?: string;
  readonly groupIds?: readonly string[];
}

export interface PrivateEndpointInputs extends Named {
  readonly location?: string;
  readonly privateLinkServiceConnections?: readonly ServiceConnection[];
  readonly manualPrivateLinkServiceConnections?: readonly ServiceConnection[];
}

export interface PrivateZoneInputs extends Named {
  readonly privateZoneName?: string;
}

export interface VirtualNetworkLinkInputs extends Named {
  readonly privateZoneName?: string;
  readonly virtualNetwork?: { readonly id?: string };
}

export interface VirtualNetworkInputs extends Named {
  readonly virtualNetworkName?: string;
  readonly location?: string;
}

export interface FrontDoorProfileInputs extends Named {
  readonly profileName?: string;
  readonly sku?: { readonly name?: string };
}

interface ProfileChild {
  readonly profileName?: string;
  readonly resourceGroupName?: string;
}

export interface EndpointInputs extends ProfileChild {
  readonly endpointName?: string;
}

export interface OriginGroupInputs extends ProfileChild {
  readonly originGroupName?: string;
  readonly healthProbeSettings?: { readonly probePath?: string; readonly probeProtocol?: string; readonly probeIntervalInSeconds?: number };
}

export interface OriginInputs extends ProfileChild {
  readonly originGroupName?: string;
  readonly hostName?: string;
  readonly enabledState?: string;
}

export interface SecurityPolicyInputs extends ProfileChild {
  readonly parameters?: {
    readonly type?: string;
    readonly wafPolicy?: { readonly id?: string };
    readonly associations?: readonly { readonly domains?: readonly { readonly id?: string }[] }[];
  };
}

export interface WafPolicyInputs extends Named {
  readonly policyName?: string;
  readonly policySettings?: { readonly enabledState?: string; readonly mode?: string };
}

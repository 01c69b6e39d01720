/**
 * The properties the rules read, as the engine sends them for azure-native v3 resources. Resource rules
 * read inputs (`*Inputs`: a subset of each `<Resource>Args`); stack rules read outputs (`*Outputs`: a subset
 * of each resource class's output properties). test/policyShapes.ts checks at build time that azure-native's
 * own types still fit these, so an SDK upgrade that renames or retypes a field fails the build.
 */

export type Tags = Readonly<Record<string, string>>;

interface Tagged {
  readonly tags?: Tags;
}

/** Every azure-native resource's output `name`: its ARM name (unknown in a preview unless it is an input). */
interface Named extends Tagged {
  readonly name?: string;
}

// Inputs, for resource policies.

export interface DeploymentInputs extends Tagged {
  readonly sku?: { readonly name?: string; readonly capacity?: number };
}

export interface ApimServiceInputs {
  readonly customProperties?: Readonly<Record<string, string>>;
}

/** ApiPolicy, Policy and the other policy documents: `value` is the XML, `format` says how it is escaped. */
export interface PolicyDocumentInputs {
  readonly format?: string;
  readonly value?: string;
}

export interface NamedValueInputs {
  readonly namedValueId?: string;
  readonly secret?: boolean;
  readonly value?: string;
  readonly keyVault?: { readonly secretIdentifier?: string };
}

export interface VaultInputs {
  readonly properties?: { readonly enablePurgeProtection?: boolean; readonly enableRbacAuthorization?: boolean };
}

// Outputs, for stack policies.

export interface AccountOutputs extends Named {
  readonly kind?: string;
  readonly location?: string;
  readonly properties?: {
    readonly customSubDomainName?: string;
    readonly disableLocalAuth?: boolean;
    readonly endpoint?: string;
    readonly publicNetworkAccess?: string;
  };
}

export interface DeploymentOutputs extends Named {
  readonly sku?: { readonly name: string; readonly capacity?: number };
  readonly properties: { readonly model?: { readonly name?: string; readonly version?: string } };
}

export interface ApimServiceOutputs extends Named {
  readonly location: string;
  readonly additionalLocations?: readonly { readonly location: string }[];
  /** `https://<service>.azure-api.net`: an output only, unknown until the service exists. */
  readonly gatewayUrl?: string;
}

export interface CircuitBreakerRule {
  readonly name?: string;
  readonly failureCondition?: {
    readonly statusCodeRanges?: readonly { readonly min?: number; readonly max?: number }[];
  };
}

export interface BackendOutputs extends Named {
  readonly type?: string;
  readonly url?: string;
  readonly circuitBreaker?: { readonly rules?: readonly CircuitBreakerRule[] };
  readonly credentials?: { readonly header?: Readonly<Record<string, readonly string[]>> };
  readonly pool?: {
    readonly services?: readonly { readonly id: string; readonly priority?: number; readonly weight?: number }[];
  };
}

export interface PolicyDocumentOutputs extends Named {
  readonly format?: string;
  readonly value: string;
}

interface ServiceConnection {
  readonly privateLinkServiceId?: string;
  readonly groupIds?: readonly string[];
}

export interface PrivateEndpointOutputs extends Named {
  readonly location?: string;
  readonly privateLinkServiceConnections?: readonly ServiceConnection[];
  readonly manualPrivateLinkServiceConnections?: readonly ServiceConnection[];
}

export type PrivateZoneOutputs = Named;

export type UserAssignedIdentityOutputs = Named;

export interface RoleAssignmentOutputs extends Named {
  readonly scope?: string;
  readonly roleDefinitionId?: string;
}

export interface VirtualNetworkLinkOutputs extends Named {
  readonly virtualNetwork?: { readonly id?: string };
}

export interface VirtualNetworkOutputs extends Named {
  readonly location?: string;
}

export interface FrontDoorProfileOutputs extends Named {
  readonly sku: { readonly name?: string };
}

export type EndpointOutputs = Named;

export interface OriginGroupOutputs extends Named {
  readonly healthProbeSettings?: {
    readonly probePath?: string;
    readonly probeProtocol?: string;
    readonly probeIntervalInSeconds?: number;
  };
}

export interface OriginOutputs extends Named {
  readonly hostName?: string;
  readonly enabledState?: string;
}

export interface SecurityPolicyOutputs extends Named {
  readonly parameters?: {
    readonly type: string;
    readonly wafPolicy?: { readonly id?: string };
    readonly associations?: readonly { readonly domains?: readonly { readonly id?: string }[] }[];
  };
}

export interface WafPolicyOutputs extends Named {
  readonly policySettings?: { readonly enabledState?: string; readonly mode?: string };
}

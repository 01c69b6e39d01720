/**
 * A build-time check (`npm run build`): azure-native's own types still fit the shapes the policy pack reads
 * (policies/lib/shapes.ts). Resource rules read inputs: each `<Resource>Args`, unwrapped as the engine sends
 * it. Stack rules read outputs: each resource class's `pulumi.Output<T>` members. A field an SDK upgrade
 * renames or retypes fails the type-check here instead of silently reading as undefined in a rule.
 */
import type { RoleAssignment } from "@pulumi/azure-native/authorization/roleAssignment";
import type { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity/userAssignedIdentity";
import type { Output, Unwrap } from "@pulumi/pulumi";
import type {
  ApiManagementService,
  ApiManagementServiceArgs,
} from "@pulumi/azure-native/apimanagement/apiManagementService";
import type { ApiPolicy, ApiPolicyArgs } from "@pulumi/azure-native/apimanagement/apiPolicy";
import type { Backend } from "@pulumi/azure-native/apimanagement/backend";
import type { NamedValueArgs } from "@pulumi/azure-native/apimanagement/namedValue";
import type { AFDEndpoint } from "@pulumi/azure-native/cdn/afdendpoint";
import type { AFDOrigin } from "@pulumi/azure-native/cdn/afdorigin";
import type { AFDOriginGroup } from "@pulumi/azure-native/cdn/afdoriginGroup";
import type { Profile } from "@pulumi/azure-native/cdn/profile";
import type { SecurityPolicy } from "@pulumi/azure-native/cdn/securityPolicy";
import type { Account } from "@pulumi/azure-native/cognitiveservices/account";
import type { Deployment, DeploymentArgs } from "@pulumi/azure-native/cognitiveservices/deployment";
import type { Policy } from "@pulumi/azure-native/frontdoor/policy";
import type { VaultArgs } from "@pulumi/azure-native/keyvault/vault";
import type { PrivateEndpoint } from "@pulumi/azure-native/network/privateEndpoint";
import type { VirtualNetwork } from "@pulumi/azure-native/network/virtualNetwork";
import type { PrivateZone } from "@pulumi/azure-native/privatedns/privateZone";
import type { VirtualNetworkLink } from "@pulumi/azure-native/privatedns/virtualNetworkLink";
import type * as shapes from "../policies/lib/shapes";

/** Compiles only if what the engine sends for `Args` is assignable to `Shape`. */
type Fits<Args, Shape> = Unwrap<Args> extends Shape ? true : never;

/** A resource class's outputs, as plain values. */
type OutputsOf<R> = {
  [K in keyof R as R[K] extends Output<unknown> ? K : never]: R[K] extends Output<infer T> ? T : never;
};
type OutputsFit<R, Shape> = OutputsOf<R> extends Shape ? true : never;

export const inputShapesFitAzureNative: [
  Fits<DeploymentArgs, shapes.DeploymentInputs>,
  Fits<ApiManagementServiceArgs, shapes.ApimServiceInputs>,
  Fits<ApiPolicyArgs, shapes.PolicyDocumentInputs>,
  Fits<NamedValueArgs, shapes.NamedValueInputs>,
  Fits<VaultArgs, shapes.VaultInputs>,
] = [true, true, true, true, true];

export const outputShapesFitAzureNative: [
  OutputsFit<Account, shapes.AccountOutputs>,
  OutputsFit<Deployment, shapes.DeploymentOutputs>,
  OutputsFit<ApiManagementService, shapes.ApimServiceOutputs>,
  OutputsFit<Backend, shapes.BackendOutputs>,
  OutputsFit<ApiPolicy, shapes.PolicyDocumentOutputs>,
  OutputsFit<PrivateEndpoint, shapes.PrivateEndpointOutputs>,
  OutputsFit<PrivateZone, shapes.PrivateZoneOutputs>,
  OutputsFit<VirtualNetworkLink, shapes.VirtualNetworkLinkOutputs>,
  OutputsFit<VirtualNetwork, shapes.VirtualNetworkOutputs>,
  OutputsFit<Profile, shapes.FrontDoorProfileOutputs>,
  OutputsFit<AFDEndpoint, shapes.EndpointOutputs>,
  OutputsFit<AFDOriginGroup, shapes.OriginGroupOutputs>,
  OutputsFit<AFDOrigin, shapes.OriginOutputs>,
  OutputsFit<SecurityPolicy, shapes.SecurityPolicyOutputs>,
  OutputsFit<Policy, shapes.WafPolicyOutputs>,
  OutputsFit<RoleAssignment, shapes.RoleAssignmentOutputs>,
  OutputsFit<UserAssignedIdentity, shapes.UserAssignedIdentityOutputs>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

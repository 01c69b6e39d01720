/**
 * A build-time check (`npm run build`): azure-native's own argument types, unwrapped as the engine sends
 * them, still fit the input shapes the policy pack reads (policies/lib/shapes.ts). A field an SDK upgrade
 * renames or retypes fails the type-check here instead of silently reading as undefined in a rule.
 */
import type { Unwrap } from "@pulumi/pulumi";
import type { ApiManagementServiceArgs } from "@pulumi/azure-native/apimanagement/apiManagementService";
import type { ApiPolicyArgs } from "@pulumi/azure-native/apimanagement/apiPolicy";
import type { BackendArgs } from "@pulumi/azure-native/apimanagement/backend";
import type { NamedValueArgs } from "@pulumi/azure-native/apimanagement/namedValue";
import type { AFDEndpointArgs } from "@pulumi/azure-native/cdn/afdendpoint";
import type { AFDOriginArgs } from "@pulumi/azure-native/cdn/afdorigin";
import type { AFDOriginGroupArgs } from "@pulumi/azure-native/cdn/afdoriginGroup";
import type { ProfileArgs } from "@pulumi/azure-native/cdn/profile";
import type { SecurityPolicyArgs } from "@pulumi/azure-native/cdn/securityPolicy";
import type { AccountArgs } from "@pulumi/azure-native/cognitiveservices/account";
import type { DeploymentArgs } from "@pulumi/azure-native/cognitiveservices/deployment";
import type { PolicyArgs } from "@pulumi/azure-native/frontdoor/policy";
import type { VaultArgs } from "@pulumi/azure-native/keyvault/vault";
import type { PrivateEndpointArgs } from "@pulumi/azure-native/network/privateEndpoint";
import type { VirtualNetworkArgs } from "@pulumi/azure-native/network/virtualNetwork";
import type { PrivateZoneArgs } from "@pulumi/azure-native/privatedns/privateZone";
import type { VirtualNetworkLinkArgs } from "@pulumi/azure-native/privatedns/virtualNetworkLink";
import type * as shapes from "../policies/lib/shapes";

/** Compiles only if what the engine sends for `Args` is assignable to `Shape`. */
type Fits<Args, Shape> = Unwrap<Args> extends Shape ? true : never;

export const shapesFitAzureNative: [
  Fits<AccountArgs, shapes.AccountInputs>,
  Fits<DeploymentArgs, shapes.DeploymentInputs>,
  Fits<ApiManagementServiceArgs, shapes.ApimServiceInputs>,
  Fits<BackendArgs, shapes.BackendInputs>,
  Fits<ApiPolicyArgs, shapes.PolicyDocumentInputs>,
  Fits<NamedValueArgs, shapes.NamedValueInputs>,
  Fits<VaultArgs, shapes.VaultInputs>,
  Fits<PrivateEndpointArgs, shapes.PrivateEndpointInputs>,
  Fits<PrivateZoneArgs, shapes.PrivateZoneInputs>,
  Fits<VirtualNetworkLinkArgs, shapes.VirtualNetworkLinkInputs>,
  Fits<VirtualNetworkArgs, shapes.VirtualNetworkInputs>,
  Fits<ProfileArgs, shapes.FrontDoorProfileInputs>,
  Fits<AFDEndpointArgs, shapes.EndpointInputs>,
  Fits<AFDOriginGroupArgs, shapes.OriginGroupInputs>,
  Fits<AFDOriginArgs, shapes.OriginInputs>,
  Fits<SecurityPolicyArgs, shapes.SecurityPolicyInputs>,
  Fits<PolicyArgs, shapes.WafPolicyInputs>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

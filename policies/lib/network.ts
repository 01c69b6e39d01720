/**
 * The stack's network mode. Public: clients reach the regional gateways through Front Door. Private: the
 * accounts are reached through private endpoints in each gateway region's VNet, resolved by that region's
 * own `privatelink.*` zones (split-brain DNS). The mode comes from each network rule's `networkMode`
 * config; `auto` infers it from the stack: private networking is there or it is not.
 */
import type { PolicyConfigSchema, PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { configOf } from "./config";
import { TYPES, Typed, known, ofType } from "./resources";
import { PrivateZoneInputs } from "./shapes";

export type NetworkMode = "public" | "private";

export const NETWORK_MODE_SCHEMA: PolicyConfigSchema = {
  properties: {
    networkMode: {
      type: "string",
      enum: ["auto", "public", "private"],
      default: "auto",
      description: "The stack's network mode; auto: private when the stack has VNets or privatelink DNS zones.",
    },
  },
};

export const PRIVATE_LINK_ZONE_PREFIX = "privatelink.";
export const OPENAI_PRIVATE_LINK_ZONE = "privatelink.openai.azure.com";

/** The `privatelink.*` zones (other zones, such as the gateway's own name, may not be known in a preview). */
export function privateLinkZones(resources: readonly PolicyResource[]): Typed<PrivateZoneInputs>[] {
  return ofType<PrivateZoneInputs>(resources, TYPES.privateZone)
    .filter(z => known(() => z.props.privateZoneName)?.toLowerCase().startsWith(PRIVATE_LINK_ZONE_PREFIX));
}

export function networkMode(args: StackValidationArgs): NetworkMode {
  const { networkMode } = configOf<{ networkMode: "auto" | NetworkMode }>(args, NETWORK_MODE_SCHEMA);
  if (networkMode !== "auto") return networkMode;
  const privateNetworking = privateLinkZones(args.resources).length > 0 || args.resources.some(r => r.type === TYPES.virtualNetwork);
  return privateNetworking ? "private" : "public";
}

/** A rule for one network mode calls this first: in the other mode it does not apply. */
export function requireNetworkMode(args: StackValidationArgs, mode: NetworkMode): void {
  const actual = networkMode(args);
  if (actual !== mode) args.notApplicable(`the stack's network mode is ${actual}; this rule applies in ${mode} mode`);
}

/**
 * The stack's network mode. Public: clients reach the regional gateways through Front Door. Private: the
 * accounts are reached through private endpoints in each gateway region's VNet, resolved by that region's
 * own `privatelink.*` zones (split-brain DNS). The mode comes from each network rule's `networkMode`
 * config; `auto` infers it from the stack: private networking (VNets, private DNS zones) is there or not.
 */
import type { PolicyConfigSchema, StackValidationArgs } from "@pulumi/policy";
import { configOf } from "./config";
import { TYPES } from "../../catalog/types";

export type NetworkMode = "public" | "private";

export const NETWORK_MODE_SCHEMA: PolicyConfigSchema = {
  properties: {
    networkMode: {
      type: "string",
      enum: ["auto", "public", "private"],
      default: "auto",
      description: "The stack's network mode; auto: private when the stack has VNets or private DNS zones.",
    },
  },
};

export const PRIVATE_LINK_ZONE_PREFIX = "privatelink.";
export const OPENAI_PRIVATE_LINK_ZONE = "privatelink.openai.azure.com";

export function networkMode(args: StackValidationArgs): NetworkMode {
  const { networkMode } = configOf<{ networkMode: "auto" | NetworkMode }>(args, NETWORK_MODE_SCHEMA);
  if (networkMode !== "auto") return networkMode;
  return args.resources.some(r => r.type === TYPES.virtualNetwork || r.type === TYPES.privateZone)
    ? "private"
    : "public";
}

/** A rule for one network mode calls this first: in the other mode it does not apply. */
export function requireNetworkMode(args: StackValidationArgs, mode: NetworkMode): void {
  const actual = networkMode(args);
  if (actual !== mode) args.notApplicable(`the stack's network mode is ${actual}; this rule applies in ${mode} mode`);
}

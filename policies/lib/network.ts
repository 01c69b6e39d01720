/**
 * The stack's network mode, as two facets. Entry: clients reach the regional gateways through Front Door
 * (`public`, `public-private-backends`) or over the private network (`private`). Backends: the gateways reach the
 * accounts through private endpoints in each gateway region's VNet, resolved by that region's own `privatelink.*`
 * zones (`private`, `public-private-backends`), or over the accounts' public endpoints (`public`). The mode comes
 * from each network rule's `networkMode` config; `auto` infers it from the stack: private networking (VNets,
 * private DNS zones) is there or not, and with it a Front Door profile or not.
 */
import type { PolicyConfigSchema, StackValidationArgs } from "@pulumi/policy";
import { configOf } from "./config";
import { TYPES } from "../../catalog/types";

export type NetworkMode = "public" | "public-private-backends" | "private";

export const NETWORK_MODE_SCHEMA: PolicyConfigSchema = {
  properties: {
    networkMode: {
      type: "string",
      enum: ["auto", "public", "public-private-backends", "private"],
      default: "auto",
      description:
        "The stack's network mode: public (Front Door, accounts on their public endpoints), public-private-backends " +
        "(Front Door, accounts through private endpoints), private (no Front Door, private endpoints); auto: inferred " +
        "from the stack's VNets, private DNS zones and Front Door profile.",
    },
  },
};

export const PRIVATE_LINK_ZONE_PREFIX = "privatelink.";
export const OPENAI_PRIVATE_LINK_ZONE = "privatelink.openai.azure.com";

export function networkMode(args: StackValidationArgs): NetworkMode {
  const { networkMode } = configOf<{ networkMode: "auto" | NetworkMode }>(args, NETWORK_MODE_SCHEMA);
  if (networkMode !== "auto") return networkMode;
  const has = (...types: string[]) => args.resources.some(r => types.includes(r.type));
  if (!has(TYPES.virtualNetwork, TYPES.privateZone)) return "public";
  return has(TYPES.frontDoorProfile) ? "public-private-backends" : "private";
}

/** A Front Door rule calls this first: in private mode (no Front Door entry) it does not apply. */
export function requireFrontDoorEntry(args: StackValidationArgs): void {
  const actual = networkMode(args);
  if (actual === "private")
    args.notApplicable("the stack's network mode is private; this rule applies where clients come through Front Door");
}

/** A private-endpoint rule calls this first: where the accounts are reached publicly it does not apply. */
export function requirePrivateBackends(args: StackValidationArgs): void {
  const actual = networkMode(args);
  if (actual === "public")
    args.notApplicable(
      "the stack's network mode is public; this rule applies where the gateways reach the accounts through private endpoints",
    );
}

/**
 * BCDR rule 7, private mode: the OpenAI accounts accept traffic through their private endpoints only.
 * Decides in every phase (publicNetworkAccess is an input).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { onTopology } from "../lib/scope";
import { NETWORK_MODE_SCHEMA, requireNetworkMode } from "../lib/network";
import { openAiAccounts } from "../lib/openai";
import { sameName } from "../lib/resources";

export const privateAccountAccess: StackValidationPolicy = {
  name: "private-account-access",
  description:
    "In private mode, every OpenAI account denies public network access. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: onTopology((args, verdict) => {
    requireNetworkMode(args, "private");
    for (const account of openAiAccounts(args.resources).filter(a =>
      verdict.read(
        `publicNetworkAccess of '${a.name}'`,
        () => !sameName(a.props.properties?.publicNetworkAccess, "Disabled"),
      ),
    )) {
      verdict.violation(
        `OpenAI account '${account.name}' allows public network access in a private-mode stack: set properties.publicNetworkAccess to "Disabled" ` +
          `(and networkAcls.defaultAction to "Deny").`,
        account.urn,
      );
    }
  }),
};

/**
 * BCDR rule 7, private mode: the OpenAI accounts accept traffic through their private endpoints only.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { NETWORK_MODE_SCHEMA, requireNetworkMode } from "../lib/network";
import { openAiAccounts } from "../lib/openai";
import { sameName } from "../lib/resources";

export const privateAccountAccess: StackValidationPolicy = {
  name: "private-account-access",
  description: "In private mode, every OpenAI account denies public network access.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: (args, report) => {
    requireNetworkMode(args, "private");
    for (const account of openAiAccounts(args.resources).filter(a => !sameName(a.props.properties?.publicNetworkAccess, "Disabled"))) {
      report(`OpenAI account '${account.name}' allows public network access in a private-mode stack: set properties.publicNetworkAccess to "Disabled" ` +
        `(and networkAcls.defaultAction to "Deny").`, account.urn);
    }
  },
};

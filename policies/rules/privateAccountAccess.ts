/**
 * BCDR rule 7, private mode: the OpenAI accounts accept traffic through their private endpoints only.
 * Decides in every phase (publicNetworkAccess is an input).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { onTopology } from "../lib/scope";
import { NETWORK_MODE_SCHEMA, networkMode, requirePrivateBackends } from "../lib/network";
import { openAiAccounts } from "../lib/openai";
import { sameName } from "../lib/resources";

export const privateAccountAccess: StackValidationPolicy = {
  name: "private-account-access",
  description:
    "Where the gateways reach the accounts through private endpoints (private mode, or public mode with VNets), every OpenAI account denies public network access. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: onTopology((args, verdict) => {
    requirePrivateBackends(args);
    for (const account of openAiAccounts(args.resources).filter(a =>
      verdict.read(
        `publicNetworkAccess of '${a.name}'`,
        () => !sameName(a.props.properties?.publicNetworkAccess, "Disabled"),
      ),
    )) {
      verdict.violation(
        `OpenAI account '${account.name}' allows public network access, but the gateways reach the accounts through private endpoints (network mode ${networkMode(args)}): set properties.publicNetworkAccess to "Disabled" ` +
          `(and networkAcls.defaultAction to "Deny").`,
        account.urn,
      );
    }
  }),
};

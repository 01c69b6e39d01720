/**
 * Security baseline: when the gateway calls the OpenAI accounts with its managed identity, the accounts'
 * access keys serve no one and only widen the attack surface, so local (key) auth is disabled. The mode
 * comes from the config; `auto` infers key mode from backends that send an `api-key` header. Decides in
 * every phase (disableLocalAuth and backend credentials are inputs).
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import { onTopology } from "../lib/scope";
import { openAiAccounts } from "../lib/openai";
import { TYPES } from "../../catalog/types";
import { ofType } from "../lib/resources";
import { BackendOutputs } from "../lib/shapes";

const configSchema: PolicyConfigSchema = {
  properties: {
    backendAuth: {
      type: "string",
      enum: ["auto", "managedIdentity", "keys"],
      default: "auto",
      description:
        "How the gateway authenticates to the OpenAI accounts; auto: keys when a backend sends an api-key header.",
    },
  },
};

export const accountLocalAuth: StackValidationPolicy = {
  name: "account-local-auth",
  description:
    "When the gateway uses managed identity, every OpenAI account disables local (key) authentication. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: onTopology((args, verdict) => {
    const { backendAuth } = configOf<{ backendAuth: "auto" | "managedIdentity" | "keys" }>(args, configSchema);
    const sendsKeys =
      backendAuth === "auto" &&
      ofType<BackendOutputs>(args.resources, TYPES.backend).some(b =>
        verdict.read(`the credentials of backend '${b.name}'`, () =>
          Object.keys(b.props.credentials?.header ?? {}).some(h => h.toLowerCase() === "api-key"),
        ),
      );
    if (backendAuth === "keys" || sendsKeys) args.notApplicable("the gateway authenticates with access keys");
    for (const account of openAiAccounts(args.resources).filter(a =>
      verdict.read(`disableLocalAuth of '${a.name}'`, () => a.props.properties?.disableLocalAuth !== true),
    )) {
      verdict.violation(
        `OpenAI account '${account.name}' allows key authentication although the gateway uses its managed identity: ` +
          `set properties.disableLocalAuth to true.`,
        account.urn,
      );
    }
  }),
};

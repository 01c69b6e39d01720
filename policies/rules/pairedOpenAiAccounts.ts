/**
 * BCDR rule 1: at least two Azure OpenAI accounts in distinct regions, so one regional outage leaves a
 * working account.
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import { accountRegion, openAiAccounts } from "../lib/openai";

const configSchema: PolicyConfigSchema = {
  properties: {
    minRegions: { type: "integer", minimum: 2, default: 2, description: "Distinct regions the OpenAI accounts must span." },
  },
};

export const pairedOpenAiAccounts: StackValidationPolicy = {
  name: "paired-openai-accounts",
  description: "At least two Azure OpenAI accounts (kind OpenAI) in distinct regions.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, report) => {
    const { minRegions } = configOf<{ minRegions: number }>(args, configSchema);
    const accounts = openAiAccounts(args.resources);
    const regions = [...new Set(accounts.map(accountRegion))].sort();
    if (regions.length >= minRegions) return;
    report(`The OpenAI accounts span ${regions.length} region(s) (${regions.join(", ") || "none"}); at least ${minRegions} are needed. ` +
      `Add an account of kind OpenAI in another region (the secondary standard region) with the same deployments.`, accounts[0]?.urn);
  },
};

/**
 * BCDR rule 1: the standard tier itself spans at least two regions, so one regional outage leaves a working
 * standard account. PTU accounts in other regions do not count: they are capacity pools, not the pair.
 * Decides in every phase: an account's kind, location and tags are inputs the preview projects unchanged.
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import { onTopology } from "../lib/scope";
import { accountRegion, requireOpenAi, standardAccounts } from "../lib/openai";

const configSchema: PolicyConfigSchema = {
  properties: {
    minRegions: {
      type: "integer",
      minimum: 2,
      default: 2,
      description: "Distinct regions the standard-tier OpenAI accounts must span.",
    },
  },
};

export const pairedOpenAiAccounts: StackValidationPolicy = {
  name: "paired-openai-accounts",
  description:
    "The standard-tier Azure OpenAI accounts span at least two regions. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: onTopology((args, verdict) => {
    requireOpenAi(args);
    const { minRegions } = configOf<{ minRegions: number }>(args, configSchema);
    const accounts = standardAccounts(args.resources);
    const regions = [...new Set(accounts.map(accountRegion))].sort();
    if (regions.length >= minRegions) return;
    verdict.violation(
      `The standard-tier OpenAI accounts span ${regions.length} region(s) (${regions.join(", ") || "none"}); at least ${minRegions} are needed. ` +
        `Put the secondary standard account in another region of the data zone, with the same deployments.`,
      accounts[0]?.urn,
    );
  }),
};

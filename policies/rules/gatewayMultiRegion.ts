/**
 * BCDR rule 5: the gateway runs in at least two regions, as one Premium service with additional
 * locations or one service per region, so it survives the outage of the region it fronts. Decides in
 * preview and after update; a service declared without additionalLocations has them unknown in a preview.
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import { gatewayRegions, gatewayServices } from "../lib/gateway";
import { onTopology } from "../lib/scope";
import { requireOpenAi } from "../lib/openai";

const configSchema: PolicyConfigSchema = {
  properties: {
    minRegions: {
      type: "integer",
      minimum: 2,
      default: 2,
      description: "Distinct regions the API Management gateway must run in.",
    },
  },
};

export const gatewayMultiRegion: StackValidationPolicy = {
  name: "gateway-multi-region",
  description:
    "The API Management gateway runs in at least two regions (additional locations or one service per region). Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: onTopology((args, verdict) => {
    requireOpenAi(args);
    const { minRegions } = configOf<{ minRegions: number }>(args, configSchema);
    const { regions, complete } = gatewayRegions(args.resources);
    if (regions.length >= minRegions) return;
    if (!complete) return verdict.cannotDecide("the gateway's additional locations are unknown");
    const services = gatewayServices(args.resources);
    verdict.violation(
      services.length === 0
        ? `The stack has no API Management gateway; add one that runs in at least ${minRegions} regions in front of the OpenAI accounts.`
        : `The API Management gateway runs in ${regions.join(", ")} only; at least ${minRegions} regions are needed: ` +
            `add additionalLocations to '${services[0].name}' (Premium) or a service in another region.`,
      services[0]?.urn,
    );
  }),
};

/**
 * BCDR rule 2, processing boundary: data-zone deployments (DataZoneStandard, DataZoneProvisionedManaged)
 * keep prompts inside one geography, so all of a stack's must sit in one data zone, or a failover would
 * move processing to another. The config may narrow the zones allowed (an EU-only stack for GDPR); then
 * every OpenAI account must sit in an allowed zone, whatever its SKUs. Decides in every phase: locations
 * and SKUs are inputs, deployments reach their account through propertyDependencies.
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { DATA_ZONES, DataZone, findRegion, regionsInZone } from "../../catalog/regions";
import { configOf } from "../lib/config";
import { onTopology } from "../lib/scope";
import { Account, accountRegion, isDataZoneDeployment, modelDeployments, openAiAccounts } from "../lib/openai";

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedDataZones: {
      type: "array",
      items: { type: "string", enum: [...DATA_ZONES] },
      minItems: 1,
      uniqueItems: true,
      description:
        'The data zones this stack may use (e.g. ["EU"] for GDPR); when set, every OpenAI account must be in one of them.',
    },
  },
};

const zoneOf = (account: Account): DataZone | undefined => findRegion(accountRegion(account))?.dataZone;
const regionsOf = (zones: readonly DataZone[]) => zones.flatMap(regionsInZone).join(", ");

export const dataZoneConsistency: StackValidationPolicy = {
  name: "data-zone-consistency",
  description:
    "All data-zone deployments are in one data zone, and every account is in a zone the policy config allows. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: onTopology((args, verdict) => {
    const { allowedDataZones } = configOf<{ allowedDataZones?: DataZone[] }>(args, configSchema);
    const dataZoneAccounts = new Set(
      modelDeployments(args.resources, verdict)
        .filter(isDataZoneDeployment)
        .map(d => d.account),
    );
    const checked = openAiAccounts(args.resources).filter(
      a => dataZoneAccounts.has(a) || allowedDataZones !== undefined,
    );
    const consistent: Account[] = [];
    for (const account of checked) {
      const zone = zoneOf(account);
      if (allowedDataZones && (!zone || !allowedDataZones.includes(zone))) {
        verdict.violation(
          `OpenAI account '${account.name}' is in ${accountRegion(account)}, ${zone ? `in the ${zone} data zone` : "outside any data zone"}; ` +
            `this stack allows only ${allowedDataZones.join(", ")} (policy config allowedDataZones): move it to one of ${regionsOf(allowedDataZones)}.`,
          account.urn,
        );
      } else if (!zone) {
        verdict.violation(
          `OpenAI account '${account.name}' has data-zone deployments but ${accountRegion(account)} is in no data zone: ` +
            `move it to a region of the US or EU zone, or use GlobalStandard deployments.`,
          account.urn,
        );
      } else if (dataZoneAccounts.has(account)) {
        consistent.push(account);
      }
    }
    const count = (zone: DataZone) => consistent.filter(a => zoneOf(a) === zone).length;
    const [main] = [...DATA_ZONES].sort((a, b) => count(b) - count(a));
    for (const account of consistent.filter(a => zoneOf(a) !== main)) {
      verdict.violation(
        `OpenAI account '${account.name}' has data-zone deployments in the ${zoneOf(account)} zone (${accountRegion(account)}) but the stack's others are in the ${main} zone: ` +
          `keep them in one zone, move it to one of ${regionsOf([main])}.`,
        account.urn,
      );
    }
  }),
};

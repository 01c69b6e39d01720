/**
 * The mock engine's model retirements: a deployment of a model version whose published retirement date
 * (catalog/retirements.ts) is on or before the plan's date is refused, as Azure refuses new
 * deployments of a retired version
 * (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements: "no longer available for
 * new deployments"). The config check refuses it earlier, naming the key; this catches a hand-built program.
 */
import {
  RETIREMENTS_RETRIEVED,
  RETIREMENTS_SOURCE,
  currentReplacement,
  isRetired,
  retirementDate,
} from "../../../catalog/retirements";
import type { DeploymentSku } from "../../../catalog/models";
import type { Props } from "../props";
import { AzureRefusal } from "./refusal";

export function retiredDeploymentRefusal(logicalName: string, inputs: Props, today: string): AzureRefusal | undefined {
  const sku = inputs.sku?.name as DeploymentSku;
  const { name, version } = inputs.properties?.model ?? {};
  if (!isRetired(name, version, sku, today)) return undefined;
  const replacement = currentReplacement(name, version, sku, today);
  return {
    rule: "model-retired",
    resource: logicalName,
    message:
      `${name} ${version} (${sku}) retired on ${retirementDate(name, version, sku)} (plan date ${today}): no new deployments` +
      `${replacement ? `; suggested replacement: ${replacement}` : ""}`,
    source: `${RETIREMENTS_SOURCE} (transcribed ${RETIREMENTS_RETRIEVED})`,
  };
}

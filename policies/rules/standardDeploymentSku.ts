/**
 * BCDR rule 2, SKU: standard deployments are pay-as-you-go with a data-zone (default) or global processing
 * boundary. A provisioned SKU on a standard account would leave the chain without its spill-over capacity.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { STANDARD_SKUS } from "../../catalog/models";
import { TAG } from "../../catalog/tags";
import { TYPES } from "../../catalog/types";
import { DeploymentInputs } from "../lib/shapes";
import { validateResourcesOf } from "../lib/validation";

export const standardDeploymentSku: ResourceValidationPolicy = {
  name: "standard-deployment-sku",
  description:
    "Standard-tier deployments use a standard SKU: DataZoneStandard, GlobalStandard (or regional Standard). Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "mandatory",
  validateResource: validateResourcesOf<DeploymentInputs>(TYPES.deployment, (deployment, args, report) => {
    if (deployment.tags?.[TAG.role] !== "standard") args.notApplicable("not a standard-tier deployment");
    const sku = deployment.sku?.name;
    if (sku === undefined || !(STANDARD_SKUS as readonly string[]).includes(sku)) {
      report(
        `Standard deployment '${args.name}' uses SKU ${sku ?? "(none)"}; set sku.name to DataZoneStandard (or GlobalStandard when the stack allows global processing).`,
      );
    }
  }),
};

/**
 * Regional `Standard` deployments draw on one region's quota instead of the data zone's or the global
 * pool: allowed only as an explicit opt-out, so this rule is advisory (set it to disabled to opt out).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TAG } from "../../catalog/tags";
import { TYPES } from "../../catalog/types";
import { DeploymentInputs } from "../lib/shapes";
import { validateResourcesOf } from "../lib/validation";

export const regionalStandardDeployment: ResourceValidationPolicy = {
  name: "regional-standard-deployment",
  description:
    "Standard-tier deployments avoid the regional Standard SKU, which gives up the data-zone capacity pool. Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "advisory",
  validateResource: validateResourcesOf<DeploymentInputs>(TYPES.deployment, (deployment, args, report) => {
    if (deployment.tags?.[TAG.role] !== "standard") args.notApplicable("not a standard-tier deployment");
    if (deployment.sku?.name === "Standard") {
      report(
        `Standard deployment '${args.name}' uses the regional Standard SKU; use DataZoneStandard (or GlobalStandard) for the larger capacity pool, ` +
          `or disable this policy for the stack to opt out explicitly.`,
      );
    }
  }),
};

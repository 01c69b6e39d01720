/**
 * BCDR rule 2: every model of the standard tier is deployed in every standard region with the same
 * version and SKU, so a request that fails over gets the same model. Deployments are keyed by model (one
 * per model per account, see one-deployment-per-model): a deployment's name is not an output, but its
 * model, SKU and account link (propertyDependencies of `accountName`) are known in every phase.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { onTopology } from "../lib/scope";
import { ModelDeployment, accountRegion, describeModel, modelDeployments } from "../lib/openai";

const sameModel = (a: ModelDeployment, b: ModelDeployment) => describeModel(a) === describeModel(b);

export const standardModelParity: StackValidationPolicy = {
  name: "standard-model-parity",
  description:
    "Every standard model is deployed in every standard region with the same version and SKU. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const standard = modelDeployments(args.resources, verdict).filter(
      d => d.role === "standard" && d.model !== undefined,
    );
    const regions = [...new Set(standard.map(d => accountRegion(d.account)))].sort();
    for (const model of [...new Set(standard.map(d => d.model!))].sort()) {
      const deployments = standard.filter(d => d.model === model);
      const reference = deployments[0];
      for (const region of regions.filter(r => !deployments.some(d => accountRegion(d.account) === r))) {
        const account = standard.find(d => accountRegion(d.account) === region)!.account;
        verdict.violation(
          `Standard model ${model} (${describeModel(reference)}, deployment '${reference.resource.name}') is missing in ${region}: ` +
            `deploy it on account '${account.name}' with the same version and SKU.`,
          account.urn,
        );
      }
      for (const d of deployments.filter(d => !sameModel(d, reference))) {
        verdict.violation(
          `Standard deployment '${d.resource.name}' runs ${describeModel(d)} but '${reference.resource.name}' runs ${describeModel(reference)}: ` +
            `a failed-over request must get the same model; deploy the same version and SKU in every standard region.`,
          d.resource.urn,
        );
      }
    }
  }),
};

/**
 * BCDR rule 2: every model of the standard tier is deployed in every standard region with the same
 * model, version and SKU, so a request that fails over gets the same model behind the same name.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { ModelDeployment, accountRegion, describeModel, modelDeployments } from "../lib/openai";

const sameModel = (a: ModelDeployment, b: ModelDeployment) => describeModel(a) === describeModel(b);

export const standardModelParity: StackValidationPolicy = {
  name: "standard-model-parity",
  description: "Every standard deployment exists in every standard region with the same model, version and SKU.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const standard = modelDeployments(args.resources).filter(d => d.role === "standard");
    const regions = [...new Set(standard.map(d => accountRegion(d.account)))].sort();
    const names = [...new Set(standard.map(d => d.name))].sort();
    for (const name of names) {
      const deployments = standard.filter(d => d.name === name);
      const reference = deployments[0];
      for (const region of regions.filter(r => !deployments.some(d => accountRegion(d.account) === r))) {
        const account = standard.find(d => accountRegion(d.account) === region)!.account;
        report(`Standard deployment '${name}' (${describeModel(reference)}) is missing in ${region}: ` +
          `deploy it on account '${account.name}' with the same model, version and SKU.`, account.urn);
      }
      for (const d of deployments.filter(d => !sameModel(d, reference))) {
        report(`Standard deployment '${d.resource.name}' runs ${describeModel(d)} but '${reference.resource.name}' runs ${describeModel(reference)}: ` +
          `a failed-over request must get the same model; deploy the same model, version and SKU in every standard region.`, d.resource.urn);
      }
    }
  },
};

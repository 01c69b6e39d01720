/**
 * BCDR rule 2, quota: one deployment per model per account, with the account's whole quota. Splitting a
 * model's quota across deployments halves what each can absorb when the other region fails over to it.
 * Decides in every phase (model and account link are known in a preview).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { onTopology } from "../lib/scope";
import { modelDeployments } from "../lib/openai";

export const oneDeploymentPerModel: StackValidationPolicy = {
  name: "one-deployment-per-model",
  description:
    "Each standard account deploys each model once (its whole quota), never split across deployments. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const seen = new Map<string, string>();
    for (const d of modelDeployments(args.resources, verdict).filter(
      d => d.role === "standard" && d.model !== undefined,
    )) {
      const key = `${d.account.urn}\n${d.model!.toLowerCase()}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, d.resource.name);
        continue;
      }
      verdict.violation(
        `Account '${d.account.name}' deploys ${d.model} twice ('${first}' and '${d.resource.name}'), splitting its quota: ` +
          `keep one deployment of ${d.model} with the whole quota (capacity: full) and remove '${d.resource.name}'.`,
        d.resource.urn,
      );
    }
  }),
};

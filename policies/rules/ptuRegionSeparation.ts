/**
 * BCDR rules 3 and 4: the enterprise PTU pool never shares a region with the primary standard
 * deployments, and a workload PTU pool never shares one with the enterprise pool, so no single regional
 * outage takes out two consecutive tiers of a failover chain. Decides in every phase (locations and
 * role tags are inputs).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { accountRegion, accountsByRole } from "../lib/openai";
import { onTopology } from "../lib/scope";
import { TAG } from "../../catalog/tags";
import { tagOf } from "../lib/resources";

export const ptuRegionSeparation: StackValidationPolicy = {
  name: "ptu-region-separation",
  description:
    "The enterprise PTU pool is outside the primary standard region; workload PTU pools are outside the enterprise pool's region. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const enterprise = accountsByRole(args.resources, "enterprise-ptu");
    const primaryRegions = new Set(
      accountsByRole(args.resources, "standard")
        .filter(a => tagOf(a, TAG.regionRole) === "primary")
        .map(accountRegion),
    );
    for (const pool of enterprise.filter(a => primaryRegions.has(accountRegion(a)))) {
      verdict.violation(
        `Enterprise PTU account '${pool.name}' is in ${accountRegion(pool)}, the primary standard region: ` +
          `one outage would take both tiers; move the enterprise pool to another region of the data zone.`,
        pool.urn,
      );
    }
    const enterpriseRegions = new Set(enterprise.map(accountRegion));
    for (const pool of accountsByRole(args.resources, "workload-ptu").filter(a =>
      enterpriseRegions.has(accountRegion(a)),
    )) {
      verdict.violation(
        `Workload PTU account '${pool.name}' (workload ${tagOf(pool, TAG.workload) ?? "(untagged)"}) is in ${accountRegion(pool)}, ` +
          `the enterprise PTU pool's region: move the workload pool to another region so its failover to the enterprise pool survives an outage.`,
        pool.urn,
      );
    }
  }),
};

/**
 * Models and PTU pools: known versions, one deployment per model, and pools that fail over to a standard
 * deployment of the same model and version, sized as Azure accepts, in regions apart from the primary
 * standard region and from each other's.
 */
import { PROVISIONED_SKU, findModel, knownModels, ptuIncrement } from "../../../catalog/models";
import { standardOf } from "../derive";
import { Issues, checkUnique } from "../issues";
import { Parsed, PtuPoolInput } from "../types";
import { checkPtuQuota } from "./quota";
import { Rule, rule } from "./rule";

type PoolSections = Pick<Parsed, "standard" | "quota" | "enterprisePtu" | "workloadPtus">;

function checkPool(c: PoolSections, pool: PtuPoolInput, path: PropertyKey[], issues: Issues): void {
  const sku = PROVISIONED_SKU[c.standard.deploymentType];
  const standard = standardOf(c, pool);
  if (!standard) {
    issues.add(
      [...path, "model"],
      `model '${pool.model}' is not among standard.models (${c.standard.models.map(m => m.name).join(", ")}); a PTU pool fails over to the standard deployment of the same model, so add it there`,
    );
    return;
  }
  if ((pool.version ?? standard.version) !== standard.version) {
    issues.add(
      [...path, "version"],
      `must equal the standard deployment's version of ${pool.model} ('${standard.version}') so a failed-over request gets the same model`,
    );
  }
  const info = findModel(pool.model);
  const inc = info && ptuIncrement(info, sku);
  if (!inc) {
    // Fail safe: a PTU size Azure may refuse is never planned.
    issues.add(
      [...path, "model"],
      `${pool.model} has no provisioned (PTU) minimum and increment in the catalog (Microsoft's PTU sizing table, catalog/models.ts): not planned`,
    );
  } else if (pool.ptu < inc.minimum || pool.ptu % inc.step !== 0) {
    issues.add(
      [...path, "ptu"],
      `${pool.ptu} PTU is refused by Azure for ${pool.model} on ${sku}: at least ${inc.minimum}, in steps of ${inc.step}`,
    );
  }
  checkPtuQuota(c, pool, sku, path, issues);
}

function unknownModel(name: string): string {
  return (
    `unknown model '${name}'; known models: ${knownModels().join(", ")}; ` +
    `for a model the catalog lacks, declare its offer at standard.models[].offer: { regions: [...], source: <https URL> }`
  );
}

export const modelRules: readonly Rule[] = [
  // Quota rows name a model the catalog knows or the stack declares (PTU pools: checkPool).
  rule(["standard", "quota"], ({ standard, quota }, issues) => {
    quota.declared.forEach((q, i) => {
      if (!findModel(q.model) && !standard.models.some(m => m.name === q.model && m.offer))
        issues.add(["quota", "declared", i, "model"], unknownModel(q.model));
    });
  }),
  rule(["standard"], ({ standard }, issues) => {
    checkUnique(
      issues,
      standard.models,
      m => m.name,
      i => ["standard", "models", i, "name"],
      "model",
    );
    standard.models.forEach((m, i) => {
      const info = findModel(m.name);
      if (m.offer) return; // planned on the declaration, with a warning (offers.ts)
      if (!info) issues.add(["standard", "models", i, "name"], unknownModel(m.name));
      else if (!info.versions.includes(m.version)) {
        issues.add(
          ["standard", "models", i, "version"],
          `unknown version '${m.version}' of ${m.name}; known: ${info.versions.join(", ")}; ` +
            `if Azure offers it, declare the offer: standard.models[${i}].offer: { regions: [...], source: <https URL> }`,
        );
      }
    });
    if (standard.deploymentType === "Standard" && !standard.allowRegionalStandard) {
      issues.add(
        ["standard", "deploymentType"],
        "regional Standard gives up the data-zone capacity pool; use DataZoneStandard (default) or GlobalStandard, or set standard.allowRegionalStandard: true to opt out explicitly",
      );
    }
  }),
  rule(["standard", "quota", "enterprisePtu", "workloadPtus"], (c, issues) => {
    if (c.enterprisePtu) checkPool(c, c.enterprisePtu, ["enterprisePtu"], issues);
  }),
  rule(["regions", "enterprisePtu"], (c, issues) => {
    if (c.enterprisePtu?.region === c.regions.primary) {
      issues.add(
        ["enterprisePtu", "region"],
        `must differ from the primary standard region '${c.regions.primary}' so one regional outage never takes both`,
      );
    }
  }),
  rule(["standard", "quota", "enterprisePtu", "workloadPtus"], (c, issues) => {
    checkUnique(
      issues,
      c.workloadPtus,
      w => w.name,
      i => ["workloadPtus", i, "name"],
      "workload name",
    );
    c.workloadPtus.forEach((w, i) => {
      if (c.enterprisePtu && w.region === c.enterprisePtu.region) {
        issues.add(
          ["workloadPtus", i, "region"],
          `must differ from enterprisePtu.region '${c.enterprisePtu.region}': a workload pool and the enterprise pool are never in the same region`,
        );
      }
      checkPool(c, w, ["workloadPtus", i], issues);
    });
  }),
];

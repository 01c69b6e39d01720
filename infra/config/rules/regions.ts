/**
 * Region separation and data zones: the two standard regions differ, and with a data-zone SKU (or a pinned
 * zone) every region the stack uses lies in the same data zone, so requests and data never leave it.
 */
import { findRegion, regionsInZone } from "../../../catalog/regions";
import { isDataZoneSku } from "../../../catalog/models";
import { boundZone } from "../derive";
import { Parsed, Section } from "../types";
import { Rule, rule } from "./rule";

/** Refuses every region of `section` outside the stack's bound data zone. */
function inZone<K extends Section>(section: K, placed: (c: Pick<Parsed, K>) => [string, PropertyKey[]][]): Rule {
  return rule(["regions", "standard", section], (c, issues) => {
    const zone = boundZone(c);
    if (!zone) return;
    for (const [r, path] of placed(c)) {
      if (findRegion(r) && findRegion(r)?.dataZone !== zone) {
        issues.add(
          path,
          `'${r}' is outside the ${zone} data zone of this stack; allowed: ${regionsInZone(zone).join(", ")}`,
        );
      }
    }
  });
}

export const regionRules: readonly Rule[] = [
  rule(["regions"], ({ regions: { primary, secondary } }, issues) => {
    if (primary === secondary) {
      issues.add(
        ["regions", "secondary"],
        `must differ from regions.primary ('${primary}'): a regional outage would take both`,
      );
    }
  }),
  rule(["regions", "standard"], (c, issues) => {
    if (isDataZoneSku(c.standard.deploymentType) && !boundZone(c)) {
      issues.add(
        ["regions", "primary"],
        `'${c.regions.primary}' is in no data zone, which ${c.standard.deploymentType} needs; allowed: ${regionsInZone("US").concat(regionsInZone("EU")).join(", ")}`,
      );
    }
  }),
  inZone("regions", c => [
    [c.regions.primary, ["regions", "primary"]],
    [c.regions.secondary, ["regions", "secondary"]],
  ]),
  inZone("enterprisePtu", c => (c.enterprisePtu ? [[c.enterprisePtu.region, ["enterprisePtu", "region"]]] : [])),
  inZone("workloadPtus", c => c.workloadPtus.map((w, i) => [w.region, ["workloadPtus", i, "region"]])),
  inZone("overflowSubscriptions", c =>
    c.overflowSubscriptions.flatMap((s, i) =>
      s.regions.map((r, j): [string, PropertyKey[]] => [r, ["overflowSubscriptions", i, "regions", j]]),
    ),
  ),
  inZone("quota", c => c.quota.declared.map((q, i) => [q.region, ["quota", "declared", i, "region"]])),
  inZone("gateway", c => c.gateway.regions.map((r, i) => [r, ["gateway", "regions", i]])),
];

/** Settings the chosen mode would ignore are refused rather than silently dropped. */
import { Rule, rule } from "./rule";

export const modeSettingRules: readonly Rule[] = [
  // What was written, not the defaults: an edge key set in private mode is refused even if it did not parse.
  rule(["network"], (c, issues, { raw }) => {
    if (raw.edge !== undefined && c.network.mode === "private") {
      issues.add(
        ["edge"],
        "is used in public mode only (Front Door in front of the gateways); private mode has no edge: remove it, or set network.mode: public",
      );
    }
  }),
  rule(["standard"], ({ standard }, issues) => {
    if (standard.allowRegionalStandard && standard.deploymentType !== "Standard") {
      issues.add(
        ["standard", "allowRegionalStandard"],
        `applies only to deploymentType: Standard, not ${standard.deploymentType}; remove it`,
      );
    }
  }),
  rule(["quota"], ({ quota }, issues) => {
    if (quota.source === "live" && quota.declared.length > 0) {
      issues.add(
        ["quota", "declared"],
        "is read only with quota.source: declared; with live the quota comes from Azure's usages API: remove the table, or set quota.source: declared",
      );
    }
  }),
];

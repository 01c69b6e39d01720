/**
 * Names and references: applications, overflow subscriptions and quota rows are unique, and what they name
 * (a workload, a subscription) is defined.
 */
import { checkUnique } from "../issues";
import { PRIMARY_SUBSCRIPTION } from "../schema";
import { Rule, rule } from "./rule";

export const referenceRules: readonly Rule[] = [
  rule(["applications"], (c, issues) =>
    checkUnique(
      issues,
      c.applications,
      a => a.name,
      i => ["applications", i, "name"],
      "application name",
    ),
  ),
  rule(["applications", "workloadPtus"], (c, issues) => {
    const workloads = [...new Set(c.workloadPtus.map(w => w.name))];
    c.applications.forEach((a, i) => {
      if (a.workload && !workloads.includes(a.workload)) {
        issues.add(
          ["applications", i, "workload"],
          `unknown workload '${a.workload}'; defined in workloadPtus: ${workloads.join(", ") || "(none)"}`,
        );
      }
    });
  }),
  rule(["overflowSubscriptions"], ({ overflowSubscriptions: subscriptions }, issues) => {
    const path = (i: number, key: string) => ["overflowSubscriptions", i, key];
    checkUnique(
      issues,
      subscriptions,
      s => s.name,
      i => path(i, "name"),
      "subscription name",
    );
    checkUnique(
      issues,
      subscriptions,
      s => s.subscriptionId,
      i => path(i, "subscriptionId"),
      "subscription id",
    );
    subscriptions.forEach((s, i) => {
      if (s.name === PRIMARY_SUBSCRIPTION)
        issues.add(
          path(i, "name"),
          `'${PRIMARY_SUBSCRIPTION}' names the stack's own subscription; choose another name`,
        );
      checkUnique(
        issues,
        s.regions,
        r => r,
        j => [...path(i, "regions"), j],
        "region",
      );
    });
  }),
  rule(["quota", "overflowSubscriptions"], (c, issues) => {
    const subscriptions = [PRIMARY_SUBSCRIPTION, ...c.overflowSubscriptions.map(s => s.name)];
    c.quota.declared.forEach((q, i) => {
      if (!subscriptions.includes(q.subscription)) {
        issues.add(
          ["quota", "declared", i, "subscription"],
          `unknown subscription '${q.subscription}'; allowed: ${subscriptions.join(", ")}`,
        );
      }
    });
  }),
  rule(["quota"], (c, issues) =>
    checkUnique(
      issues,
      c.quota.declared,
      q => `${q.subscription}/${q.region}/${q.sku}/${q.model}`,
      i => ["quota", "declared", i],
      "quota entry (subscription/region/sku/model)",
    ),
  ),
];

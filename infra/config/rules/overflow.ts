/**
 * Overflow subscriptions add standard quota where it runs out. One that adds it only in the primary region
 * adds nothing once that region is lost: the failover then meets the load with the secondary's quota alone
 * while the plan counted the overflow in. Refused unless the stack says it accepts that.
 */
import { Rule, rule } from "./rule";

export const overflowRules: readonly Rule[] = [
  rule(["overflowSubscriptions", "regions"], (c, issues) => {
    const { primary, secondary } = c.regions;
    c.overflowSubscriptions.forEach((s, i) => {
      if (s.allowPrimaryRegionOnly || !s.regions.every(r => r === primary)) return;
      issues.add(
        ["overflowSubscriptions", i, "regions"],
        `'${s.name}' adds capacity only in the primary region (${primary}): losing ${primary} takes it with the ` +
          `primary's own accounts; list another region (e.g. the secondary, ${secondary}), or set ` +
          `overflowSubscriptions[${i}].allowPrimaryRegionOnly: true to accept it`,
      );
    });
  }),
];

/** Tags: within Azure's limits, and none of the names the program stamps itself (infra/tags.ts). */
import { tagProblems } from "../../tags";
import { Rule, rule } from "./rule";

export const tagRules: readonly Rule[] = [
  rule(["tags"], (c, issues) => {
    for (const p of tagProblems(c.tags)) issues.add(p.name === undefined ? ["tags"] : ["tags", p.name], p.message);
  }),
];

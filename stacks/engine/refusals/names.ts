/**
 * The mock engine's name check: every name a resource carries must satisfy its type's rule
 * (catalog/namingRules.ts) and be unique in the rule's scope, as ARM checks on PUT.
 */
import { NAMING_RULES, NameScope, UNNAMED_TYPE_PREFIXES, nameProblem } from "../../../catalog/namingRules";
import type { Props } from "../props";
import { AzureRefusal } from "./refusal";

const read = (inputs: Props, path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (o == null ? undefined : (o as Props)[k]), inputs);

/** The part of a resource's ARM id that a name must be unique in. */
function scopeOf(id: string, scope: NameScope): string {
  switch (scope) {
    case "global":
      return "";
    case "subscription":
      return id.split("/").slice(0, 3).join("/");
    case "resourceGroup":
      return id.split("/").slice(0, 5).join("/");
    case "parent":
      return id.split("/").slice(0, -2).join("/");
  }
}

export class NameRegistry {
  /** Scope key -> the resource that took the name. */
  private readonly taken = new Map<string, string>();

  /**
   * Refusals for one resource: a name that breaks its rule, or one already taken in its scope.
   * `id` is the resource's ARM id (it encodes the subscription, resource group and parent scopes).
   */
  check(type: string, logicalName: string, inputs: Props, id: string): AzureRefusal[] {
    if (UNNAMED_TYPE_PREFIXES.some(p => type.startsWith(p))) return [];
    const named = NAMING_RULES[type];
    if (!named) {
      return [
        {
          rule: "name",
          resource: logicalName,
          message: `${type} has no naming rule: add it to catalog/namingRules.ts`,
          source: "catalog/namingRules.ts",
        },
      ];
    }
    const refusals: AzureRefusal[] = [];
    named.forEach(({ input, rule }, i) => {
      const value = read(inputs, input);
      if (value === undefined && i > 0) return;
      const name = String(value ?? "");
      const problem = nameProblem(name, rule);
      if (problem) {
        refusals.push({
          rule: "name",
          resource: logicalName,
          message: `${input} '${name}' ${problem}`,
          source: rule.source,
        });
        return;
      }
      // ARM names are case-insensitive.
      const key = `${type}|${input}|${scopeOf(id, rule.scope)}|${name}`.toLowerCase();
      const holder = this.taken.get(key);
      if (holder && holder !== logicalName) {
        refusals.push({
          rule: "name",
          resource: logicalName,
          message: `${input} '${name}' is already taken by ${holder} (unique ${rule.scope === "global" ? "across Azure" : `in its ${rule.scope}`})`,
          source: rule.source,
        });
      }
      this.taken.set(key, logicalName);
    });
    return refusals;
  }
}

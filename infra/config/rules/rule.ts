/**
 * A cross-field rule: the top-level keys it reads, and the check. The entry runs a rule only when every key
 * it reads parsed, so one mistake never hides the problems of the keys that did parse.
 */
import type { CapacityTable } from "../../topology";
import { Issues } from "../issues";
import { Parsed, Section } from "../types";

export interface RuleContext {
  /** The raw values, for the rules about what was written rather than what the defaults made of it. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** The ISO date model retirements are judged on. */
  readonly today: string;
  /** The standard capacities, once the quota phase resolved them (validateStack's last phase). */
  readonly capacities?: CapacityTable;
}

export interface Rule<K extends Section = Section> {
  readonly reads: readonly K[];
  readonly check: (c: Pick<Parsed, K>, issues: Issues, context: RuleContext) => void;
}

export const rule = <K extends Section>(reads: readonly K[], check: Rule<K>["check"]): Rule<K> => ({ reads, check });

/** The keys that parsed, with their values (an optional key left out parses to undefined). */
export interface ParsedSections {
  readonly values: Partial<Parsed>;
  readonly ok: ReadonlySet<Section>;
}

export function hasParsed<K extends Section>(
  p: ParsedSections,
  keys: readonly K[],
): p is ParsedSections & {
  values: Pick<Parsed, K>;
} {
  return keys.every(k => p.ok.has(k));
}

export function runRules(rules: readonly Rule[], p: ParsedSections, issues: Issues, context: RuleContext): void {
  for (const r of rules) if (hasParsed(p, r.reads)) r.check(p.values, issues, context);
}

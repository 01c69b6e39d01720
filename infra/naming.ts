/**
 * Azure names. Logical (URN) names come from stable topology keys; Azure names are built here from parts
 * (prefix, stack, key, region) so that every one satisfies its type's rule in catalog/namingRules.ts:
 * characters Azure refuses (a stack named `team_a.dev`) become hyphens, and a name over the type's length
 * is cut and given a hash of the whole name, so two long names that share a prefix never collide after
 * shortening. A name that already fits is returned unchanged, so existing resources keep their names.
 * Globally unique names end with the stack's random suffix. The region is part of regional names so that
 * a region change, which Azure can only do by replacement, never collides with the old resource. Pure.
 */
import { createHash } from "crypto";
import { NAMING_RULES, namingRule, nameProblem } from "../catalog/namingRules";
import { TYPES } from "../catalog/types";

const HASH_LENGTH = 6;

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);

/** Lowercase, only the characters every generated name may use, single hyphens, none at the ends. */
function clean(text: string, alphanumericOnly: boolean): string {
  const lowered = text.toLowerCase();
  return alphanumericOnly
    ? lowered.replace(/[^a-z0-9]/g, "")
    : lowered
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

/**
 * `raw` made to fit in `max` characters with `suffix` at the end. Replaced characters (a stack named
 * `team_a.dev`) or a cut add a hash of `raw`, so two different inputs never meet in one name.
 */
function fit(raw: string, max: number, suffix: string | undefined, alphanumericOnly: boolean): string {
  const joiner = alphanumericOnly ? "" : "-";
  const tail = suffix ? `${joiner}${suffix}` : "";
  let head = clean(raw, alphanumericOnly);
  if (/[^a-z0-9-]/.test(raw.toLowerCase()) || head.length + tail.length > max) {
    const tag = `${joiner}${hash(raw)}`;
    head = head.slice(0, Math.max(1, max - tail.length - tag.length)).replace(/-+$/, "") + tag;
  }
  return head + tail;
}

/**
 * The Azure name of a resource of `type` (a Pulumi type token) made of `parts`, with an optional random
 * `suffix` kept at the end. Throws when even the shortened name breaks the rule (a programming error:
 * parts must start with a letter-led prefix such as `rg` or `kv`).
 */
export function azureName(type: string, parts: readonly string[], suffix?: string): string {
  const rule = namingRule(type);
  const joined = [...parts, ...(suffix ? [suffix] : [])].join(rule.alphanumericOnly ? "" : "-");
  // A name its type's rule already accepts (a resource group of a stack named `team_a`) stays as it is.
  if (!nameProblem(joined, rule)) return joined;
  const name = fit(parts.join("-"), rule.max, suffix, rule.alphanumericOnly === true);
  const problem = nameProblem(name, rule);
  if (problem) throw new Error(`generated ${type} name '${name}' ${problem}`);
  return name;
}

/** A globally unique lowercase name (letters, digits, hyphens) of at most `max` characters ending with `suffix`. */
export function globalName(parts: readonly string[], suffix: string, max: number): string {
  return fit(parts.join("-"), max, suffix, false);
}

/** Custom subdomain (and account name) of an OpenAI account: both rules hold, so at most 63 characters (a DNS label). */
export function accountSubdomain(stack: string, key: string, region: string, suffix: string): string {
  const max = Math.min(...NAMING_RULES[TYPES.account].map(n => n.rule.max));
  return fit(["oai", stack, key, region].join("-"), max, suffix, false);
}

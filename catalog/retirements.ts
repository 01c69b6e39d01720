/**
 * Published retirement dates of the model versions in the catalog, as data.
 *
 * Source: "Azure OpenAI in Microsoft Foundry model deprecations and retirements"
 * (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements), whose table is
 * MicrosoftDocs/azure-ai-docs `articles/foundry/openai/includes/retirement/models.md`. Microsoft moves
 * these dates (gpt-4o's were extended twice), so a date here is "the published date when transcribed":
 * re-read the page before acting on one. Pure data.
 */
import type { DeploymentSku } from "./models";

export const RETIREMENTS_SOURCE = "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements";
export const RETIREMENTS_RETRIEVED = "2026-11-25";

export interface Retirement {
  /** ISO date after which deployments of this version stop answering (Azure auto-upgrades or fails them). */
  readonly date: string;
  /** A different date for one SKU (regional Standard retired earlier for the gpt-4o family). */
  readonly bySku?: Partial<Record<DeploymentSku, string>>;
  /** Microsoft's suggested replacement. */
  readonly replacement?: string;
}

const GPT_4O_FAMILY = { date: "2026-10-01", bySku: { Standard: "2026-03-31" } } as const;

/** `model@version` -> its published retirement. Embeddings have none scheduled (not before 2027-04-15). */
export const RETIREMENTS: Readonly<Record<string, Retirement>> = {
  "gpt-4o@2024-05-13": { ...GPT_4O_FAMILY, replacement: "gpt-5.1" },
  "gpt-4o@2024-08-06": { ...GPT_4O_FAMILY, replacement: "gpt-5.1" },
  "gpt-4o@2024-11-20": { date: "2026-10-01", replacement: "gpt-5.1" },
  "gpt-4o-mini@2024-07-18": { ...GPT_4O_FAMILY, replacement: "gpt-4.1-mini" },
  "gpt-4.1@2025-04-14": { date: "2026-10-14", replacement: "gpt-5" },
  "gpt-4.1-mini@2025-04-14": { date: "2026-10-14", replacement: "gpt-5-mini" },
  "gpt-4.1-nano@2025-04-14": { date: "2026-10-14", replacement: "gpt-5-nano" },
  "o3-mini@2025-01-31": { date: "2026-08-02", replacement: "o4-mini" },
  "o3@2025-04-16": { date: "2026-10-16" },
  "o4-mini@2025-04-16": { date: "2026-10-16" },
  "gpt-5@2025-08-07": { date: "2027-02-06" },
  "gpt-5-mini@2025-08-07": { date: "2027-02-06" },
  "gpt-5.1@2025-11-13": { date: "2027-05-15" },
};

/** True when `model` `version` on `sku` has a published retirement date on or before `today` (ISO dates compare as strings). */
export function isRetired(model: string, version: string, sku: DeploymentSku, today: string): boolean {
  const date = retirementDate(model, version, sku);
  return date !== undefined && date <= today;
}

/**
 * Microsoft's suggested replacement of `model` `version`, followed while the suggestion has itself retired by
 * `today` (gpt-4o-mini -> gpt-4.1-mini, retired -> gpt-5-mini): the model to move to now.
 */
export function currentReplacement(
  model: string,
  version: string,
  sku: DeploymentSku,
  today: string,
): string | undefined {
  let next = RETIREMENTS[`${model}@${version}`]?.replacement;
  const seen = new Set<string>();
  while (next && !seen.has(next)) {
    seen.add(next);
    const versions = Object.keys(RETIREMENTS).filter(k => k.startsWith(`${next}@`));
    const retired = versions.length > 0 && versions.every(k => isRetired(next!, k.slice(next!.length + 1), sku, today));
    const onward = versions.map(k => RETIREMENTS[k].replacement).find(r => r);
    if (!retired || !onward) return next;
    next = onward;
  }
  return next;
}

/** The published retirement date of `model` `version` on `sku`, if any. */
export function retirementDate(model: string, version: string, sku: DeploymentSku): string | undefined {
  const r = RETIREMENTS[`${model}@${version}`];
  return r && (r.bySku?.[sku] ?? r.date);
}

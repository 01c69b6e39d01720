/**
 * Published retirement dates of Azure OpenAI model versions, as data.
 *
 * Source: "Azure OpenAI in Microsoft Foundry model deprecations and retirements"
 * (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements), whose table is
 * MicrosoftDocs/azure-ai-docs `articles/foundry/openai/includes/retirement/models.md`. Microsoft moves
 * these dates (gpt-4o's were extended twice), so a date here is "the published date when transcribed":
 * re-read the page before acting on one. Pure data.
 */
import type { DeploymentSku } from "./models";

export const RETIREMENTS_SOURCE = "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements";
export const RETIREMENTS_RETRIEVED = "2026-12-06";

export interface Retirement {
  /** ISO date after which deployments of this version stop answering (Azure auto-upgrades or fails them). */
  readonly date: string;
  /** A different date for one SKU (regional Standard retired earlier for the gpt-4o family). */
  readonly bySku?: Partial<Record<DeploymentSku, string>>;
  /** Microsoft's suggested replacement. */
  readonly replacement?: string;
}

const GPT_4O_FAMILY = { date: "2026-10-01", bySku: { Standard: "2026-03-31" } } as const;

/**
 * `model@version` -> its published retirement, every row of the text generation, audio and image tables with a
 * date (azure-ai-docs commit 01850fb, ms.date 12/16/2025 with later rows up to gpt-5.5, read 2026-12-06). Rows
 * dated "no earlier than" or "no retirement scheduled" (the embeddings: not before 2027-04-15) have no date yet
 * and are left out.
 */
export const RETIREMENTS: Readonly<Record<string, Retirement>> = {
  // Text generation
  "gpt-5-chat@2025-08-07": { date: "2026-04-15", replacement: "gpt-5.3-chat" },
  "gpt-5-chat@2025-10-03": { date: "2026-04-15", replacement: "gpt-5.3-chat" },
  "gpt-5.3-chat@2025-12-11": { date: "2026-06-01" },
  "gpt-4o@2024-05-13": { ...GPT_4O_FAMILY, replacement: "gpt-5.1" },
  "gpt-4o@2024-08-06": { ...GPT_4O_FAMILY, replacement: "gpt-5.1" },
  "gpt-4o@2024-11-20": { date: "2026-10-01", replacement: "gpt-5.1" },
  "gpt-4o-mini@2024-07-18": { ...GPT_4O_FAMILY, replacement: "gpt-4.1-mini" },
  "gpt-4.1@2025-04-14": { date: "2026-10-14", replacement: "gpt-5" },
  "gpt-4.1-mini@2025-04-14": { date: "2026-10-14", replacement: "gpt-5-mini" },
  "gpt-4.1-nano@2025-04-14": { date: "2026-10-14", replacement: "gpt-5-nano" },
  "o1@2024-12-17": { date: "2026-07-15", replacement: "o3" },
  "o1-pro@2025-03-19": { date: "2026-09-18", replacement: "o3-pro" },
  "o3-mini@2025-01-31": { date: "2026-08-02", replacement: "o4-mini" },
  "o3@2025-04-16": { date: "2026-10-16" },
  "o3-pro@2025-06-10": { date: "2026-12-10" },
  "o3-deep-research@2025-06-26": { date: "2026-12-26" },
  "o4-mini@2025-04-16": { date: "2026-10-16" },
  "codex-mini@2025-05-16": { date: "2026-11-15" },
  "model-router@2025-11-18": { date: "2027-05-20" },
  "gpt-5@2025-08-07": { date: "2027-02-06" },
  "gpt-5-mini@2025-08-07": { date: "2027-02-06" },
  "gpt-5-nano@2025-08-07": { date: "2027-02-06" },
  "gpt-5-codex@2025-09-15": { date: "2027-03-17" },
  "gpt-5-pro@2025-10-06": { date: "2027-04-07" },
  "gpt-5.1@2025-11-13": { date: "2027-05-15" },
  "gpt-5.1-codex@2025-11-13": { date: "2027-05-15" },
  "gpt-5.1-codex-mini@2025-11-13": { date: "2027-05-15" },
  "gpt-5.1-chat@2025-11-13": { date: "2026-05-13" },
  "gpt-5.2@2025-12-11": { date: "2026-12-12" },
  "gpt-5.2-codex@2026-01-14": { date: "2027-01-14", replacement: "gpt-5.3-codex" },
  "gpt-5.3-codex@2026-02-24": { date: "2027-02-25" },
  "gpt-5.4@2026-03-05": { date: "2027-03-05" },
  "gpt-5.4-pro@2026-03-05": { date: "2027-03-06" },
  "gpt-5.4-mini@2026-03-17": { date: "2027-03-18" },
  "gpt-5.4-nano@2026-03-17": { date: "2027-03-18" },
  "gpt-5.5@2026-04-24": { date: "2027-04-24" },
  // Audio
  "gpt-4o-audio-preview@2024-12-17": { date: "2026-03-24", replacement: "gpt-audio" },
  "gpt-4o-realtime-preview@2024-12-17": { date: "2026-03-24", replacement: "gpt-realtime" },
  "gpt-4o-mini-audio-preview@2024-12-17": { date: "2026-03-24" },
  "gpt-4o-mini-realtime-preview@2024-12-17": { date: "2026-03-24" },
  "gpt-4o-transcribe@2025-03-20": { date: "2026-06-01" },
  "gpt-4o-mini-tts@2025-03-20": { date: "2026-06-01" },
  "gpt-4o-mini-transcribe@2025-03-20": { date: "2026-06-01" },
  "gpt-4o-transcribe-diarize@2025-10-15": { date: "2027-04-16" },
  "gpt-audio@2025-08-28": { date: "2027-02-28" },
  "gpt-realtime@2025-08-28": { date: "2027-02-28" },
  "gpt-audio-mini@2025-10-06": { date: "2027-04-07" },
  "tts@001": { date: "2026-06-18" },
  "tts-hd@001": { date: "2026-06-18" },
  "whisper@001": { date: "2026-06-18" },
  "gpt-realtime-mini@2025-12-15": { date: "2026-12-15" },
  "gpt-4o-mini-transcribe@2025-12-15": { date: "2026-12-15" },
  "gpt-4o-mini-tts@2025-12-15": { date: "2026-12-15" },
  // Image and video
  // The retirement table writes its version "3"; the availability tables (and deployments) "3.0".
  "dall-e-3@3.0": { date: "2026-03-04", replacement: "gpt-image-1.5" },
  "gpt-image-1@2025-04-15": { date: "2026-05-15", replacement: "gpt-image-1.5" },
  "gpt-image-1-mini@2025-10-06": { date: "2027-04-07" },
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

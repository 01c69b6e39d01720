/**
 * Model retirement warnings: every deployed model version whose published retirement date
 * (catalog/retirements.ts) is past or within the warning window. `pulumi up` prints them and the
 * stack outputs them (`modelRetirements`), so a version nearing retirement is seen at every deploy and in
 * every plan, long before Azure upgrades or stops the deployments. Pure.
 */
import type { RequiredOffer } from "./config";
import { RETIREMENTS_RETRIEVED, RETIREMENTS_SOURCE, currentReplacement, retirementDate } from "../catalog/retirements";

/** Azure notifies 60 days ahead for GA models; warn a month earlier to leave time to test the next version. */
export const RETIREMENT_WARNING_DAYS = 90;

export interface RetirementWarning {
  readonly model: string;
  readonly version: string;
  readonly sku: string;
  readonly retires: string;
  /** Negative once the published date has passed. */
  readonly daysLeft: number;
  readonly replacement?: string;
  readonly message: string;
}

/**
 * The date retirements are judged on: `AOAI_BCDR_TODAY` (an ISO date: plan "as of" a coming date, and what the
 * tests pin so they never depend on the calendar), else today in UTC.
 */
export function planDate(env: NodeJS.ProcessEnv = process.env): string {
  const pinned = env.AOAI_BCDR_TODAY;
  if (pinned !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(pinned))
    throw new Error(`AOAI_BCDR_TODAY must be an ISO date (YYYY-MM-DD), not '${pinned}'`);
  return pinned ?? new Date().toISOString().slice(0, 10);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Warnings for the offers a stack deploys, as of `today` (an ISO date). */
export function retirementWarnings(
  offers: readonly RequiredOffer[],
  today: string,
  windowDays = RETIREMENT_WARNING_DAYS,
): RetirementWarning[] {
  const seen = new Set<string>();
  const warnings: RetirementWarning[] = [];
  for (const o of offers) {
    const key = `${o.model}@${o.version}/${o.sku}`;
    const retires = retirementDate(o.model, o.version, o.sku);
    if (!retires || seen.has(key)) continue;
    seen.add(key);
    const daysLeft = Math.round((Date.parse(retires) - Date.parse(today)) / DAY_MS);
    if (daysLeft > windowDays) continue;
    // The same suggestion the refusal gives: Microsoft's, followed past suggestions that retired too.
    const replacement = currentReplacement(o.model, o.version, o.sku, today);
    const when =
      daysLeft < 0
        ? `retired on ${retires} (${-daysLeft} days ago) by the published date`
        : `retires on ${retires}, in ${daysLeft} days`;
    warnings.push({
      model: o.model,
      version: o.version,
      sku: o.sku,
      retires,
      daysLeft,
      replacement,
      message:
        `${o.model} ${o.version} (${o.sku}) ${when}; ${replacement ? `Microsoft suggests ${replacement}; ` : ""}` +
        `plan the upgrade of every region together (${RETIREMENTS_SOURCE}, transcribed ${RETIREMENTS_RETRIEVED}: confirm the date there)`,
    });
  }
  return warnings;
}

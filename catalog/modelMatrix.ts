/**
 * Which regions offer each model version, per deployment SKU: Microsoft's model matrix, as data.
 *
 * Source: the availability tables of "Azure OpenAI in Microsoft Foundry Models"
 * (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/models#model-summary-table-and-region-availability),
 * whose per-SKU tables live in MicrosoftDocs/azure-ai-docs under
 * `articles/foundry/openai/includes/model-matrix/` (one file per SKU, named below). The data is generated
 * (./modelMatrix.data.ts, by `npm run catalog:refresh`), every model and region of every table, with the source
 * and the day each table was read. A region missing from a list does not offer that model version on that SKU:
 * an offer the tables lack is refused unless a stack declares it (`standard.models[].offer`). Pure data.
 */
import { MATRIX_DATA } from "./modelMatrix.data";
import type { DeploymentSku } from "./models";

export const MODEL_MATRIX_SOURCE =
  "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/models#model-summary-table-and-region-availability";

/** The azure-ai-docs include file (under `articles/foundry/openai/includes/`) of each SKU's table. */
export const MATRIX_FILES: Readonly<Record<DeploymentSku, string>> = {
  GlobalStandard: "model-matrix/standard-global.md",
  DataZoneStandard: "model-matrix/datazone-standard.md",
  Standard: "model-matrix/standard-models.md",
  GlobalProvisionedManaged: "model-matrix/provisioned-global.md",
  DataZoneProvisionedManaged: "model-matrix/datazone-provisioned-managed.md",
  ProvisionedManaged: "model-matrix/provisioned-models.md",
};

/** `model@version` -> regions offering it. */
export type OfferTable = Readonly<Record<string, readonly string[]>>;

/** One SKU's table: where it was read, when, and what it offers. */
export interface MatrixTable {
  readonly source: string;
  /** The day the table was read (YYYY-MM-DD). */
  readonly read: string;
  readonly offers: OfferTable;
}

export type MatrixData = Readonly<Record<DeploymentSku, MatrixTable>>;

export const MODEL_MATRIX: Readonly<Record<DeploymentSku, OfferTable>> = Object.fromEntries(
  Object.entries(MATRIX_DATA).map(([sku, table]) => [sku, table.offers]),
) as Record<DeploymentSku, OfferTable>;

/** Every model name the matrix knows, on any SKU. */
export function matrixModels(): string[] {
  const names = new Set<string>();
  for (const table of Object.values(MODEL_MATRIX)) for (const key of Object.keys(table)) names.add(key.split("@")[0]);
  return [...names].sort();
}

/** Every `model@version` the matrix knows, on any SKU. */
export function matrixVersions(model: string): string[] {
  const versions = new Set<string>();
  for (const table of Object.values(MODEL_MATRIX)) {
    for (const key of Object.keys(table)) if (key.startsWith(`${model}@`)) versions.add(key.slice(model.length + 1));
  }
  return [...versions].sort();
}

/** The regions that offer `model` `version` on `sku` (empty when none does). */
export function offeringRegions(sku: DeploymentSku, model: string, version: string): readonly string[] {
  return MODEL_MATRIX[sku][`${model}@${version}`] ?? [];
}

/** Where the fact came from, for a refusal message. */
export function matrixCitation(sku: DeploymentSku): string {
  return `${MODEL_MATRIX_SOURCE} (${MATRIX_DATA[sku].source}, read ${MATRIX_DATA[sku].read})`;
}

/**
 * Model catalog and deployment SKUs. Pure data: no Pulumi import.
 *
 * The catalog only lists what the program must know to refuse a config Azure would refuse: the model
 * versions (those Microsoft's model matrix offers on some SKU, ./modelMatrix.ts), and the
 * provisioned (PTU) minimum and increment of regional `ProvisionedManaged` deployments. Add a model here
 * and its offers to the matrix when Azure ships one.
 */
import { matrixVersions } from "./modelMatrix";

/** Pay-as-you-go deployment types, from the widest processing boundary to the narrowest. */
export type StandardSku = "GlobalStandard" | "DataZoneStandard" | "Standard";
export type ProvisionedSku = "GlobalProvisionedManaged" | "DataZoneProvisionedManaged" | "ProvisionedManaged";
export type DeploymentSku = StandardSku | ProvisionedSku;

export const STANDARD_SKUS: readonly StandardSku[] = ["DataZoneStandard", "GlobalStandard", "Standard"];

/** The provisioned SKU that pairs with a standard SKU: a stack's PTU pools keep its processing boundary. */
export const PROVISIONED_SKU: Record<StandardSku, ProvisionedSku> = {
  GlobalStandard: "GlobalProvisionedManaged",
  DataZoneStandard: "DataZoneProvisionedManaged",
  Standard: "ProvisionedManaged",
};

export function isDataZoneSku(sku: DeploymentSku): boolean {
  return sku.startsWith("DataZone");
}

export interface PtuIncrement {
  readonly minimum: number;
  readonly step: number;
}

/** Data-zone and global provisioned deployments: at least 15 PTU, in steps of 5, for every model. */
const PTU_DATA_ZONE_AND_GLOBAL: PtuIncrement = { minimum: 15, step: 5 };

export interface ModelInfo {
  readonly name: string;
  /** The versions the model matrix offers on some SKU in some region. */
  readonly versions: readonly string[];
  /** Regional `ProvisionedManaged` minimum and step; absent when the model has no provisioned offer. */
  readonly regionalPtu?: PtuIncrement;
}

const catalog: readonly ModelInfo[] = (
  [
    { name: "gpt-4o", regionalPtu: { minimum: 50, step: 50 } },
    { name: "gpt-4o-mini", regionalPtu: { minimum: 25, step: 25 } },
    { name: "gpt-4.1", regionalPtu: { minimum: 50, step: 50 } },
    { name: "gpt-4.1-mini", regionalPtu: { minimum: 25, step: 25 } },
    { name: "gpt-4.1-nano", regionalPtu: { minimum: 25, step: 25 } },
    { name: "gpt-5", regionalPtu: { minimum: 50, step: 50 } },
    // Minimums and steps: https://learn.microsoft.com/azure/ai-foundry/openai/how-to/provisioned-throughput-onboarding
    // (gpt-5.1: regional 50/50, read 2026-11-25); the matrix has no regional provisioned offer of it transcribed yet.
    { name: "gpt-5.1", regionalPtu: { minimum: 50, step: 50 } },
    { name: "gpt-5-mini", regionalPtu: { minimum: 25, step: 25 } },
    { name: "o3", regionalPtu: { minimum: 50, step: 50 } },
    { name: "o3-mini", regionalPtu: { minimum: 25, step: 25 } },
    { name: "o4-mini", regionalPtu: { minimum: 25, step: 25 } },
    { name: "text-embedding-3-large" },
    { name: "text-embedding-3-small" },
  ] as Omit<ModelInfo, "versions">[]
).map(m => ({ ...m, versions: matrixVersions(m.name) }));

const byName = new Map(catalog.map(m => [m.name, m]));

export function findModel(name: string): ModelInfo | undefined {
  return byName.get(name);
}

export function knownModels(): string[] {
  return catalog.map(m => m.name);
}

/** The PTU minimum and step Azure enforces for `model` on `sku`, or undefined if it has no such offer. */
export function ptuIncrement(model: ModelInfo, sku: ProvisionedSku): PtuIncrement | undefined {
  if (!model.regionalPtu) return undefined;
  return sku === "ProvisionedManaged" ? model.regionalPtu : PTU_DATA_ZONE_AND_GLOBAL;
}

/**
 * Which regions offer each model version, per deployment SKU: Microsoft's model matrix, as data.
 *
 * Source: the model summary tables of "Azure OpenAI in Microsoft Foundry Models"
 * (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/models#model-summary-table-and-region-availability),
 * whose per-SKU tables live in MicrosoftDocs/azure-ai-docs under
 * `articles/foundry/openai/includes/model-matrix/` (one file per SKU, named below). Only the models in
 * `./models.ts` and the regions in `./regions.ts` are transcribed; a region missing from a list
 * does not offer that model version on that SKU. `westus2` and `northeurope` appear in no table.
 * Update the lists (and `RETRIEVED`) from the same files when Microsoft changes them. Pure data.
 */
import type { DeploymentSku } from "./models";

export const MODEL_MATRIX_SOURCE =
  "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/models#model-summary-table-and-region-availability";
/** The day the tables below were transcribed. */
export const RETRIEVED = "2026-11-25";

/** The azure-ai-docs include file each SKU's table was read from. */
export const MATRIX_FILES: Readonly<Record<DeploymentSku, string>> = {
  GlobalStandard: "model-matrix/standard-global.md",
  DataZoneStandard: "model-matrix/datazone-standard.md",
  Standard: "model-matrix/standard-models.md",
  GlobalProvisionedManaged: "model-matrix/provisioned-global.md",
  DataZoneProvisionedManaged: "model-matrix/datazone-provisioned-managed.md",
  ProvisionedManaged: "model-matrix/provisioned-models.md",
};

const US_DATA_ZONE = ["centralus", "eastus", "eastus2", "northcentralus", "southcentralus", "westus", "westus3"];
const EU_DATA_ZONE = [
  "francecentral",
  "germanywestcentral",
  "italynorth",
  "polandcentral",
  "spaincentral",
  "swedencentral",
  "westeurope",
];
const US_PROVISIONED_DATA_ZONE = US_DATA_ZONE.filter(r => r !== "centralus");
const EU_BUT_ITALY = EU_DATA_ZONE.filter(r => r !== "italynorth");
const GLOBAL = [
  "australiaeast",
  "brazilsouth",
  "canadaeast",
  "centralus",
  "eastus",
  "eastus2",
  "francecentral",
  "germanywestcentral",
  "italynorth",
  "japaneast",
  "koreacentral",
  "northcentralus",
  "norwayeast",
  "polandcentral",
  "southafricanorth",
  "southcentralus",
  "southindia",
  "spaincentral",
  "swedencentral",
  "switzerlandnorth",
  "uaenorth",
  "uksouth",
  "westeurope",
  "westus",
  "westus3",
];
const GLOBAL_BUT_ITALY = GLOBAL.filter(r => r !== "italynorth");

/** Transcribed for the Data Zone SKUs only (datazone-standard.md, datazone-provisioned-managed.md, read 2026-11-25). */
const GPT_5_1 = "gpt-5.1@2025-11-13";
const CHAT = [
  "gpt-5@2025-08-07",
  "gpt-5-mini@2025-08-07",
  "o3@2025-04-16",
  "o4-mini@2025-04-16",
  "gpt-4.1@2025-04-14",
  "gpt-4.1-mini@2025-04-14",
  "gpt-4.1-nano@2025-04-14",
  "o3-mini@2025-01-31",
  "gpt-4o@2024-11-20",
  "gpt-4o@2024-08-06",
  "gpt-4o@2024-05-13",
  "gpt-4o-mini@2024-07-18",
] as const;
const EMBEDDINGS = ["text-embedding-3-large@1", "text-embedding-3-small@1"] as const;

/** `model@version` -> regions offering it. */
export type OfferTable = Readonly<Record<string, readonly string[]>>;

const everywhere = (keys: readonly string[], regions: readonly string[], except: OfferTable = {}): OfferTable =>
  Object.fromEntries(keys.map(k => [k, except[k] ?? regions]));

export const MODEL_MATRIX: Readonly<Record<DeploymentSku, OfferTable>> = {
  GlobalStandard: everywhere([...CHAT, ...EMBEDDINGS], GLOBAL, {
    "gpt-4o@2024-08-06": GLOBAL_BUT_ITALY,
    "gpt-4o@2024-05-13": GLOBAL_BUT_ITALY,
  }),
  DataZoneStandard: {
    ...everywhere([...CHAT, ...EMBEDDINGS], [...US_DATA_ZONE, ...EU_DATA_ZONE], {
      "gpt-4o@2024-08-06": [...US_DATA_ZONE, ...EU_BUT_ITALY],
      "gpt-4o@2024-05-13": [...US_DATA_ZONE, ...EU_BUT_ITALY],
    }),
    [GPT_5_1]: [...US_DATA_ZONE, "francecentral", "swedencentral"],
  },
  GlobalProvisionedManaged: everywhere(CHAT, [...GLOBAL, "canadacentral"]),
  // Central US offers no Data Zone provisioned deployment; Italy North only the newer models.
  DataZoneProvisionedManaged: everywhere(
    [GPT_5_1, ...CHAT],
    [...US_PROVISIONED_DATA_ZONE, ...EU_BUT_ITALY],
    Object.fromEntries(
      [
        GPT_5_1,
        "gpt-5@2025-08-07",
        "gpt-5-mini@2025-08-07",
        "o3@2025-04-16",
        "o4-mini@2025-04-16",
        "gpt-4.1@2025-04-14",
        "gpt-4.1-nano@2025-04-14",
      ].map(k => [k, [...US_PROVISIONED_DATA_ZONE, ...EU_DATA_ZONE]]),
    ),
  ),
  ProvisionedManaged: {
    "gpt-5@2025-08-07": [
      "australiaeast",
      "canadaeast",
      "centralus",
      "eastus",
      "eastus2",
      "japaneast",
      "koreacentral",
      "northcentralus",
      "southcentralus",
      "southindia",
      "uksouth",
      "westus",
      "westus3",
    ],
    "gpt-5-mini@2025-08-07": [
      "australiaeast",
      "canadaeast",
      "eastus2",
      "japaneast",
      "koreacentral",
      "southindia",
      "uksouth",
      "westus3",
    ],
    "o3@2025-04-16": [
      "australiaeast",
      "eastus",
      "eastus2",
      "northcentralus",
      "southcentralus",
      "westeurope",
      "westus",
      "westus3",
    ],
    "o4-mini@2025-04-16": [
      "centralus",
      "eastus",
      "eastus2",
      "japaneast",
      "northcentralus",
      "southcentralus",
      "westeurope",
      "westus",
      "westus3",
    ],
    "gpt-4.1@2025-04-14": [
      "australiaeast",
      "brazilsouth",
      "centralus",
      "eastus",
      "eastus2",
      "germanywestcentral",
      "japaneast",
      "koreacentral",
      "northcentralus",
      "southcentralus",
      "southindia",
      "swedencentral",
      "switzerlandnorth",
      "uaenorth",
      "uksouth",
      "westus",
      "westus3",
    ],
    "gpt-4.1-mini@2025-04-14": [
      "australiaeast",
      "brazilsouth",
      "eastus",
      "eastus2",
      "japaneast",
      "koreacentral",
      "northcentralus",
      "southcentralus",
      "southindia",
      "swedencentral",
      "switzerlandnorth",
      "uksouth",
      "westus",
      "westus3",
    ],
    "gpt-4.1-nano@2025-04-14": [
      "eastus",
      "eastus2",
      "northcentralus",
      "southcentralus",
      "swedencentral",
      "westus",
      "westus3",
    ],
    "o3-mini@2025-01-31": [
      "australiaeast",
      "canadaeast",
      "eastus2",
      "japaneast",
      "koreacentral",
      "southcentralus",
      "southindia",
      "swedencentral",
      "switzerlandnorth",
      "uaenorth",
    ],
    "gpt-4o@2024-11-20": [
      "australiaeast",
      "brazilsouth",
      "canadaeast",
      "centralus",
      "eastus",
      "eastus2",
      "germanywestcentral",
      "japaneast",
      "koreacentral",
      "northcentralus",
      "polandcentral",
      "southindia",
      "swedencentral",
      "switzerlandnorth",
      "uaenorth",
      "uksouth",
      "westeurope",
      "westus",
      "westus3",
    ],
    "gpt-4o@2024-08-06": [
      "australiaeast",
      "brazilsouth",
      "canadaeast",
      "centralus",
      "eastus",
      "eastus2",
      "francecentral",
      "germanywestcentral",
      "japaneast",
      "koreacentral",
      "northcentralus",
      "norwayeast",
      "southcentralus",
      "southindia",
      "spaincentral",
      "swedencentral",
      "switzerlandnorth",
      "uaenorth",
      "uksouth",
      "westus",
      "westus3",
    ],
    "gpt-4o@2024-05-13": [
      "australiaeast",
      "brazilsouth",
      "canadacentral",
      "canadaeast",
      "centralus",
      "eastus",
      "eastus2",
      "francecentral",
      "germanywestcentral",
      "japaneast",
      "koreacentral",
      "northcentralus",
      "norwayeast",
      "polandcentral",
      "southafricanorth",
      "southcentralus",
      "southindia",
      "spaincentral",
      "swedencentral",
      "switzerlandnorth",
      "uaenorth",
      "uksouth",
      "westus",
      "westus3",
    ],
    "gpt-4o-mini@2024-07-18": [
      "australiaeast",
      "brazilsouth",
      "canadacentral",
      "canadaeast",
      "eastus",
      "eastus2",
      "francecentral",
      "japaneast",
      "koreacentral",
      "northcentralus",
      "norwayeast",
      "southcentralus",
      "southindia",
      "spaincentral",
      "swedencentral",
      "switzerlandnorth",
      "uksouth",
      "westus",
      "westus3",
    ],
  },
  Standard: {
    "o4-mini@2025-04-16": [
      "eastus",
      "eastus2",
      "northcentralus",
      "southcentralus",
      "swedencentral",
      "westus",
      "westus3",
    ],
    "gpt-4.1@2025-04-14": [
      "eastus",
      "eastus2",
      "northcentralus",
      "southcentralus",
      "swedencentral",
      "switzerlandnorth",
      "westus",
      "westus3",
    ],
    "gpt-4.1-mini@2025-04-14": [
      "australiaeast",
      "canadaeast",
      "eastus",
      "eastus2",
      "francecentral",
      "japaneast",
      "northcentralus",
      "southcentralus",
      "southindia",
      "swedencentral",
      "switzerlandnorth",
      "uksouth",
      "westeurope",
      "westus",
      "westus3",
    ],
    "gpt-4.1-nano@2025-04-14": ["northcentralus", "swedencentral"],
    "gpt-4o@2024-11-20": [
      "australiaeast",
      "canadaeast",
      "centralus",
      "eastus",
      "eastus2",
      "francecentral",
      "japaneast",
      "northcentralus",
      "norwayeast",
      "southcentralus",
      "southindia",
      "swedencentral",
      "switzerlandnorth",
      "uksouth",
      "westus",
      "westus3",
    ],
    "gpt-4o@2024-08-06": [
      "centralus",
      "eastus",
      "eastus2",
      "northcentralus",
      "southcentralus",
      "swedencentral",
      "westus",
      "westus3",
    ],
    "gpt-4o@2024-05-13": [
      "eastus",
      "eastus2",
      "northcentralus",
      "southcentralus",
      "swedencentral",
      "westus",
      "westus3",
    ],
    "gpt-4o-mini@2024-07-18": [
      "eastus",
      "eastus2",
      "northcentralus",
      "southcentralus",
      "swedencentral",
      "westus",
      "westus3",
    ],
    "text-embedding-3-large@1": [
      "australiaeast",
      "canadaeast",
      "eastus",
      "eastus2",
      "francecentral",
      "germanywestcentral",
      "japaneast",
      "koreacentral",
      "norwayeast",
      "polandcentral",
      "southafricanorth",
      "southindia",
      "spaincentral",
      "swedencentral",
      "switzerlandnorth",
      "uaenorth",
      "uksouth",
      "westus3",
    ],
    "text-embedding-3-small@1": [
      "australiaeast",
      "canadaeast",
      "eastus",
      "eastus2",
      "japaneast",
      "switzerlandnorth",
      "uaenorth",
      "westus",
    ],
  },
};

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
  return `${MODEL_MATRIX_SOURCE} (${MATRIX_FILES[sku]}, transcribed ${RETRIEVED})`;
}

/**
 * Which resource types' diagnostic settings accept `logAnalyticsDestinationType: "Dedicated"` (resource-specific
 * tables). On any other type Azure ignores the value and reads the setting back with it null, so a program that
 * sets it sees a diff on every run. "Resource-specific mode ... not all resource types support it"; the types
 * that write only to AzureDiagnostics are listed in https://learn.microsoft.com/azure/azure-monitor/reference/tables/azurediagnostics
 * (https://learn.microsoft.com/azure/azure-monitor/essentials/resource-logs#resource-specific).
 * Only types whose documentation names their resource-specific tables are listed; a type missing here keeps
 * the AzureDiagnostics table (which every type accepts). Pure data.
 */
export const RESOURCE_SPECIFIC_LOG_TYPES: Readonly<Record<string, string>> = {
  // ApiManagementGatewayLogs, ApiManagementGatewayLlmLog, ...
  "microsoft.apimanagement/service":
    "https://learn.microsoft.com/azure/api-management/monitor-api-management-reference#resource-logs",
};

/** The ARM type (`<namespace>/<type>`, lower case) of a top-level resource id. */
export function armTypeOf(resourceId: string): string {
  const parts = resourceId.split("/providers/").pop()?.split("/") ?? [];
  return `${parts[0]}/${parts[1]}`.toLowerCase();
}

/** Whether a diagnostic setting on `resourceId` may ask for resource-specific tables. */
export function acceptsDedicatedLogs(resourceId: string): boolean {
  return armTypeOf(resourceId) in RESOURCE_SPECIFIC_LOG_TYPES;
}

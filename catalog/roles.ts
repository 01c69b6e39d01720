/**
 * Built-in Azure role definitions the program grants, by name: the program (infra/identity.ts) and the policy
 * pack (watchdog-scope) read the same ids. Pure data.
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
/** Built-in role definition ids (the same GUID in every subscription). */
export const ROLES = {
  cognitiveServicesOpenAiUser: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Publishes telemetry to Application Insights with Entra ID (https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication). */
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  /**
   * Manages private DNS zones and record sets, and nothing else; at a record set's scope, that record set only
   * (https://learn.microsoft.com/azure/dns/dns-protect-private-zones-recordsets, "Record-level Azure RBAC";
   * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/networking#private-dns-zone-contributor).
   */
  privateDnsZoneContributor: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
  /**
   * What a function app's identity needs on its host storage for blob-based triggers (the timer's lease)
   * and on its deployment container (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
   */
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
} as const;

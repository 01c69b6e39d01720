/**
 * The Azure SDK's Cognitive Services management client, authenticated like the azure-native provider
 * (`DefaultAzureCredential`: Azure CLI, OIDC or managed identity), one per subscription. Loaded lazily:
 * only `quota.source: live` reads Azure before declaring anything.
 */
import type { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";

export async function cognitiveServicesClients(): Promise<
  (subscriptionId: string) => CognitiveServicesManagementClient
> {
  const [{ CognitiveServicesManagementClient: Client }, { DefaultAzureCredential }] = await Promise.all([
    import("@azure/arm-cognitiveservices"),
    import("@azure/identity"),
  ]);
  const credential = new DefaultAzureCredential();
  const clients = new Map<string, CognitiveServicesManagementClient>();
  return subscriptionId => {
    if (!clients.has(subscriptionId)) clients.set(subscriptionId, new Client(credential, subscriptionId));
    return clients.get(subscriptionId)!;
  };
}

/**
 * Pulumi mocks that answer like Azure would: ARM-shaped resource ids in the right subscription and
 * resource group, `https://<subdomain>.openai.azure.com/` endpoints, principal ids for system-assigned
 * identities, the names Azure echoes back. Values are derived from the resource's identity (never
 * random), so two runs of the same stack answer the same.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export const DEFAULT_SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000000";
export const TENANT_ID = "11111111-1111-4111-8111-111111111111";

/** A GUID that is a stable function of `seed`. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** ARM resource provider path of each azure-native type the program declares. */
const ARM_TYPES: Record<string, string> = {
  "azure-native:cognitiveservices:Account": "Microsoft.CognitiveServices/accounts",
  "azure-native:cognitiveservices:Deployment": "deployments",
};

/** The ARM name the resource gets: its explicit name input, as Azure echoes it back. */
const NAME_INPUTS: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:cognitiveservices:Account": "accountName",
  "azure-native:cognitiveservices:Deployment": "deploymentName",
};

export class AzureMocks implements pulumi.runtime.Mocks {
  /** Subscription per provider URN, so resources behind an explicit provider land in its subscription. */
  private readonly providerSubscriptions = new Map<string, string>();

  constructor(private readonly defaultSubscriptionId = DEFAULT_SUBSCRIPTION_ID) {}

  private subscriptionOf(provider: string | undefined): string {
    const urn = provider?.split("::").slice(0, 4).join("::");
    return (urn && this.providerSubscriptions.get(urn)) || this.defaultSubscriptionId;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    if (args.custom === false) return { id: undefined, state: {} };
    const inputs = args.inputs;
    if (args.type === "pulumi:providers:azure-native") {
      this.providerSubscriptions.set(`urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::pulumi:providers:azure-native::${args.name}`,
        inputs.subscriptionId);
      return { id: stableGuid(args.name), state: inputs };
    }
    const subscription = this.subscriptionOf(args.provider);
    const name: string = inputs[NAME_INPUTS[args.type]] ?? args.name;
    const state: Record<string, any> = { ...inputs, name };
    let id = `/subscriptions/${subscription}/resourceGroups/${inputs.resourceGroupName}/providers/${ARM_TYPES[args.type] ?? args.type}/${name}`;

    switch (args.type) {
      case "random:index/randomString:RandomString": {
        const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        const bytes = createHash("sha256").update(`${pulumi.getStack()}/${args.name}`).digest();
        state.result = Array.from(bytes.subarray(0, inputs.length), b => alphabet[b % alphabet.length]).join("");
        id = state.result;
        break;
      }
      case "azure-native:resources:ResourceGroup":
        id = `/subscriptions/${subscription}/resourceGroups/${name}`;
        break;
      case "azure-native:cognitiveservices:Account":
        state.properties = {
          ...inputs.properties,
          endpoint: `https://${inputs.properties.customSubDomainName}.openai.azure.com/`,
          provisioningState: "Succeeded",
        };
        state.identity = { ...inputs.identity, principalId: stableGuid(`principal/${id}`), tenantId: TENANT_ID };
        break;
      case "azure-native:cognitiveservices:Deployment":
        id = `/subscriptions/${subscription}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.CognitiveServices/accounts/${inputs.accountName}/deployments/${name}`;
        state.properties = { ...inputs.properties, provisioningState: "Succeeded" };
        break;
    }
    return { id, state: { ...state, id } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    switch (args.token) {
      case "azure-native:authorization:getClientConfig":
        return { subscriptionId: this.defaultSubscriptionId, tenantId: TENANT_ID, clientId: stableGuid("client"), objectId: stableGuid("object") };
      default:
        throw new Error(`the mocks do not answer ${args.token}`);
    }
  }
}

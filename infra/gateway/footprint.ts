/**
 * What one gateway service counts against API Management's limits, computed from the config before anything
 * is declared: the generated API policy document (built by the policy builder itself, with ids of the length
 * Azure and Entra ID give them), the named values and the products. Pure: no Pulumi import.
 */
import type { BcdrConfig } from "../config";
import { Topology } from "../topology";
import { gatewayChains } from "./chains";
import { APP_ROLE_PREFIX } from "./ids";
import { buildApiPolicy } from "./policy";
import { apiPolicyInput } from "./policyInput";

/** A GUID's length: tenant, client and identity ids are GUIDs. */
const GUID = "00000000-0000-4000-8000-000000000000";

/** The sections the chains, the policy and the counts are computed from. */
export type FootprintConfig = Pick<
  BcdrConfig,
  | "regions"
  | "standard"
  | "overflowSubscriptions"
  | "enterprisePtu"
  | "workloadPtus"
  | "gateway"
  | "network"
  | "openai"
  | "applications"
  | "dataZone"
>;

export interface GatewayFootprint {
  /** UTF-8 bytes of the API policy document (ARM's `ApiPolicy.value`). */
  readonly policyBytes: number;
  /** Products per service: one per application with subscription keys. */
  readonly products: number;
}

/** The policy document as the program generates it, with ids of the length Azure and Entra ID give them. */
function policyDocument(config: FootprintConfig, topology: Topology): string {
  const entra = config.gateway.callerAuth === "entra";
  const input = apiPolicyInput(
    config.gateway,
    config.applications,
    gatewayChains(config as BcdrConfig, topology),
    config.openai.auth,
    {
      // The app registration's identifier URI (entraApp.ts): api://<client id>.
      entra: entra
        ? {
            tenantId: GUID,
            audience: `api://${GUID}`,
            clientId: GUID,
            rolePrefix: APP_ROLE_PREFIX,
          }
        : undefined,
      identityClientId: GUID,
      checksFrontDoor: config.network.mode === "public",
    },
  );
  return buildApiPolicy(input);
}

export function gatewayFootprint(config: FootprintConfig, topology: Topology): GatewayFootprint {
  return {
    policyBytes: Buffer.byteLength(policyDocument(config, topology), "utf8"),
    products: config.gateway.callerAuth === "subscription-key" ? config.applications.length : 0,
  };
}

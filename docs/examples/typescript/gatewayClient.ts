/**
 * Clients of the Azure OpenAI gateway, with the OpenAI SDK for JavaScript (`npm install openai @azure/identity`).
 *
 * Every setting comes from the stack output `clients.<your application>`, saved as JSON:
 *   pulumi stack output clients --stack prod --json | jq '."claims-assistant"' > client-settings.json
 */
import { readFileSync } from "node:fs";
import { DefaultAzureCredential, TokenCredential, getBearerTokenProvider } from "@azure/identity";
import { AzureOpenAI, OpenAI } from "openai";

/** The fields of the stack output `clients.<application>` a client reads. */
export interface ClientSettings {
  endpoint: string;
  baseUrl: string;
  callerAuth: "entra" | "subscription-key";
  /** Entra ID: the scope to ask tokens for, `api://<gateway app client id>/.default`. */
  scope?: string;
  /** Subscription keys: the header the gateway reads the key from (`api-key`). */
  keyHeader?: string;
  apiVersion: string;
  deployments: string[];
  timeoutSeconds: number;
  maxRetries: number;
}

export function loadSettings(file = process.env.AOAI_CLIENT_SETTINGS ?? "client-settings.json"): ClientSettings {
  return JSON.parse(readFileSync(file, "utf8")) as ClientSettings;
}

/** Subscription keys: the application's key, read from the stack's Key Vault (secret `keySecret`). */
function subscriptionKey(): string {
  const key = process.env.AOAI_GATEWAY_KEY;
  if (!key) throw new Error("AOAI_GATEWAY_KEY is not set: put the application's subscription key there");
  return key;
}

/** Entra ID: a token for the gateway's app registration, fetched and refreshed by @azure/identity. */
function tokenProvider(settings: ClientSettings, credential: TokenCredential): () => Promise<string> {
  if (!settings.scope) throw new Error("the settings have no scope: is the gateway in Entra ID mode?");
  return getBearerTokenProvider(credential, settings.scope);
}

/** The timeout and retries the gateway's chains need: the SDK's timeout is in milliseconds. */
const budget = (settings: ClientSettings) => ({
  timeout: settings.timeoutSeconds * 1000,
  maxRetries: settings.maxRetries,
});

/** `/openai/deployments/<deployment>/...?api-version=...`: the AzureOpenAI client puts the model in the path. */
export function deploymentsClient(
  settings: ClientSettings,
  credential: TokenCredential = new DefaultAzureCredential(),
): AzureOpenAI {
  const common = { endpoint: settings.endpoint, apiVersion: settings.apiVersion, ...budget(settings) };
  return settings.callerAuth === "entra"
    ? new AzureOpenAI({ ...common, azureADTokenProvider: tokenProvider(settings, credential) })
    : new AzureOpenAI({ ...common, apiKey: subscriptionKey() }); // sent in `api-key`
}

/** `/openai/v1/...`: the OpenAI client with the gateway's v1 base URL; the model travels in the body. */
export function v1Client(settings: ClientSettings, credential: TokenCredential = new DefaultAzureCredential()): OpenAI {
  const common = { baseURL: settings.baseUrl, ...budget(settings) };
  if (settings.callerAuth === "entra") return new OpenAI({ ...common, apiKey: tokenProvider(settings, credential) });
  // The OpenAI client sends its key as a bearer token; the gateway reads subscription keys from `api-key`.
  const key = subscriptionKey();
  return new OpenAI({
    ...common,
    apiKey: key,
    defaultHeaders: { [settings.keyHeader ?? "api-key"]: key, Authorization: null },
  });
}

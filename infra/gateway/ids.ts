/**
 * API Management entity ids the gateway's resources and its generated policy share. One place, so a
 * backend the policy names is always a backend the program declares.
 */
import { createHash } from "crypto";

export const API_ID = "azure-openai";
export const API_PATH = "openai";
/** The header (and query parameter) the API takes subscription keys in: the one the OpenAI SDKs send their key in. */
export const SUBSCRIPTION_KEY_PARAMETER = "api-key";
export const FRONT_DOOR_ID_NAMED_VALUE = "front-door-id";
/** App role values are `<prefix><application>`: the gateway policy maps a caller's role back to its application. */
export const APP_ROLE_PREFIX = "app.";
export const keyNamedValue = (accountKey: string) => `openai-key-${accountKey}`;

/**
 * A backend id is at most 80 characters (ARM spec `BackendIdParameter`: minLength 1, maxLength 80;
 * azure-rest-api-specs specification/apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01/apimbackends.json).
 * Config names (24 characters), region names and model names can add up to more, so a longer id keeps
 * its head and ends in a hash of the whole: deterministic, and distinct ids stay distinct.
 */
export const BACKEND_ID_MAX = 80;
export function fitBackendId(id: string): string {
  if (id.length <= BACKEND_ID_MAX) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 8);
  return `${id.slice(0, BACKEND_ID_MAX - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** One backend per (account, deployment): Azure OpenAI quota and throttling are per deployment. */
export const backendId = (accountKey: string, deployment: string) => fitBackendId(`${accountKey}--${deployment}`);

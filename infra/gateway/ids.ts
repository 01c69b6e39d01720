/**
 * API Management entity ids the gateway's resources and its generated policy share. One place, so a
 * backend the policy names is always a backend the program declares.
 */
export const API_ID = "azure-openai";
export const API_PATH = "openai";
export const TELEMETRY_NAMED_VALUE = "appinsights-connection-string";
export const FRONT_DOOR_ID_NAMED_VALUE = "front-door-id";
export const endpointNamedValue = (accountKey: string) => `openai-endpoint-${accountKey}`;
export const keyNamedValue = (accountKey: string) => `openai-key-${accountKey}`;
export const poolId = (chain: string) => `pool-${chain}`;
export const standardPoolId = (deployment: string) => `pool-standard-${deployment}`;
/** One backend per (account, deployment): Azure OpenAI quota and throttling are per deployment. */
export const backendId = (accountKey: string, deployment: string) => `${accountKey}--${deployment}`;

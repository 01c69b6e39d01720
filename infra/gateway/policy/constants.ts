/** Audience of the gateway's managed identity token for Azure OpenAI. */
export const COGNITIVE_SERVICES_AUDIENCE = "https://cognitiveservices.azure.com";
/** Namespace of the token metrics in Application Insights. */
export const METRIC_NAMESPACE = "aoai-bcdr";

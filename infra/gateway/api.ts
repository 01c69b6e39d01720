/**
 * The Azure OpenAI API on the gateway: the whole inference surface under `/openai`, and its generated policy.
 *
 * API Management answers 404 to a request that matches no operation, before any policy runs. Azure
 * OpenAI's surface is wide and growing: `/openai/deployments/{deployment}/...` (chat, completions,
 * embeddings, images, audio), the Responses API and the v1 API `/openai/v1/...` (model named in the
 * body, GET and DELETE on stored responses, files, batches). So the API has a wildcard operation (URL
 * template `/*`) for every method a client may send: any path under `/openai` reaches the policy, which
 * decides what to do with it. "The URL template can include wildcard patterns: specifying /* forwards all
 * requests for that HTTP method to the back end service."
 * https://learn.microsoft.com/azure/api-management/add-api-manually#add-and-test-a-wildcard-operation
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { API_ID, API_PATH, SUBSCRIPTION_KEY_PARAMETER } from "./ids";
import { ServiceRef } from "./namedValues";

/** Every method an OpenAI client sends, and HEAD/OPTIONS for probes and preflights. TRACE is left out: it only echoes requests back. */
export const API_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const WILDCARD_TEMPLATE = "/*";

export interface OpenAiApiArgs {
  readonly service: ServiceRef;
  readonly subscriptionRequired: boolean;
}

export interface OpenAiApi {
  readonly api: apimanagement.Api;
  readonly operations: readonly apimanagement.ApiOperation[];
}

export function openAiApi(name: string, args: OpenAiApiArgs, parent: pulumi.Resource): OpenAiApi {
  const api = new apimanagement.Api(
    `${name}-api`,
    {
      ...args.service,
      apiId: API_ID,
      displayName: "Azure OpenAI",
      description: "Azure OpenAI inference behind the BCDR failover chains.",
      path: API_PATH,
      protocols: ["https"],
      subscriptionRequired: args.subscriptionRequired,
      // The OpenAI SDKs send their key in `api-key`: subscription keys work with them unchanged.
      subscriptionKeyParameterNames: { header: SUBSCRIPTION_KEY_PARAMETER, query: SUBSCRIPTION_KEY_PARAMETER },
    },
    { parent },
  );
  const operations = API_METHODS.map(
    method =>
      new apimanagement.ApiOperation(
        `${name}-op-${method.toLowerCase()}`,
        {
          ...args.service,
          apiId: API_ID,
          operationId: `all-${method.toLowerCase()}`,
          displayName: `${method} ${WILDCARD_TEMPLATE}`,
          description: `Every ${method} request under /${API_PATH}: the policy routes it.`,
          method,
          urlTemplate: WILDCARD_TEMPLATE,
        },
        { parent, dependsOn: [api] },
      ),
  );
  return { api, operations };
}

/** The API's policy document; it names pools and named values, so it waits for them. */
export function openAiApiPolicy(
  name: string,
  service: ServiceRef,
  xml: pulumi.Input<string>,
  dependsOn: readonly pulumi.Resource[],
  parent: pulumi.Resource,
): apimanagement.ApiPolicy {
  return new apimanagement.ApiPolicy(
    `${name}-api-policy`,
    {
      ...service,
      apiId: API_ID,
      policyId: "policy",
      format: "xml",
      value: xml,
    },
    { parent, dependsOn: [...dependsOn] },
  );
}

/**
 * Entra ID as a tenant that enforces the strictest app management policy on identifier URIs answers it: an
 * application's identifier URI must be its "default" form, `api://<appId>` or `api://<tenantId>/<appId>`
 * (`nonDefaultUriAddition`). A program that passes here passes every tenant, whatever its policy.
 */
import { TYPES } from "../../../catalog/types";
import { TENANT_ID } from "../mocks";
import type { Graph } from "./orderings";
import type { AzureRefusal } from "./refusal";

export const IDENTIFIER_URI_SOURCE =
  "https://learn.microsoft.com/graph/api/resources/identifieruriconfiguration (nonDefaultUriAddition); https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions";

/** The identifier URIs a tenant enforcing `nonDefaultUriAddition` accepts for an app. */
export function defaultIdentifierUris(appId: string, tenantId: string = TENANT_ID): string[] {
  return [`api://${appId}`, `api://${tenantId}/${appId}`];
}

/** Every identifier URI of the plan that is not its app's default form. */
export function identifierUriRefusals(graph: Graph): AzureRefusal[] {
  const apps = graph.ofType(TYPES.application);
  const uris = [
    ...apps.flatMap(app => ((app.inputs.identifierUris ?? []) as string[]).map(uri => ({ node: app, app, uri }))),
    ...graph.ofType(TYPES.applicationIdentifierUri).map(node => ({
      node,
      app: apps.find(a => a.id === node.inputs.applicationId),
      uri: String(node.inputs.identifierUri),
    })),
  ];
  return uris
    .filter(({ app, uri }) => !app || !defaultIdentifierUris(String(app.outputs.clientId)).includes(uri))
    .map(({ node, uri }) => ({
      rule: "entra-identifier-uri",
      resource: node.urn,
      message: `identifier URI ${uri} is not its app's default form (api://<appId> or api://<tenantId>/<appId>): a tenant whose app management policy sets nonDefaultUriAddition refuses it`,
      source: IDENTIFIER_URI_SOURCE,
    }));
}

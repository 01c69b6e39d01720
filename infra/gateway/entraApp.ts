/**
 * The gateway's Entra ID app registration: callers present tokens for it, one app role per application.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { stableGuid } from "../identity";
import { APP_ROLE_PREFIX } from "./ids";

export interface GatewayAppArgs {
  readonly project: string;
  readonly stack: string;
  readonly applications: readonly { readonly name: string; readonly priority: number }[];
}

/** The gateway's app registration: identifier URI (the token audience), an app role per application, its service principal. */
export class GatewayApp extends pulumi.ComponentResource {
  public readonly application: azuread.Application;
  public readonly servicePrincipal: azuread.ServicePrincipal;
  /** The identifier URI `api://<client id>`, which v1 tokens carry as their audience (v2 tokens carry the client id). */
  public readonly audience: pulumi.Output<string>;

  constructor(name: string, args: GatewayAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:identity:GatewayApp", name, {}, opts);
    // The deployer stays an owner: the provider removes the calling principal from owners it does not list, and
    // with Application.ReadWrite.OwnedBy (what the deploy identity holds) every later write then fails.
    // https://www.pulumi.com/registry/packages/azuread/api-docs/application/ ("ensure that the principal being
    // used ... is included in the owners property"); .../serviceprincipal/ (owner of both).
    const owners = [azuread.getClientConfigOutput({ parent: this }).objectId];
    this.application = new azuread.Application(
      `${name}-app`,
      {
        displayName: `${args.project} ${args.stack} OpenAI gateway`,
        signInAudience: "AzureADMyOrg",
        owners,
        appRoles: args.applications.map(a => ({
          id: stableGuid(`${args.project}/${args.stack}/app-role/${a.name}`),
          value: `${APP_ROLE_PREFIX}${a.name}`,
          displayName: `${a.name} (priority ${a.priority})`,
          description: `Calls the Azure OpenAI gateway as application ${a.name}.`,
          allowedMemberTypes: ["Application", "User"],
          enabled: true,
        })),
      },
      // The identifier URI is its own resource (below): the provider asks for ignoreChanges on the app's copy.
      // https://www.pulumi.com/registry/packages/azuread/api-docs/applicationidentifieruri/
      { parent: this, ignoreChanges: ["identifierUris"] },
    );
    // `api://<appId>`, the "default" form: the one every tenant accepts, including those whose app management
    // policy blocks any other (`nonDefaultUriAddition`: "Block new identifier URIs for applications, unless they
    // are the default URI of the format api://{appId} or api://{tenantId}/{appId}").
    // https://learn.microsoft.com/graph/api/resources/identifieruriconfiguration;
    // https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions
    // It names the app's client id, known only once the app exists: hence a resource of its own.
    this.audience = pulumi.interpolate`api://${this.application.clientId}`;
    new azuread.ApplicationIdentifierUri(
      `${name}-identifier-uri`,
      { applicationId: this.application.id, identifierUri: this.audience },
      { parent: this },
    );
    this.servicePrincipal = new azuread.ServicePrincipal(
      `${name}-sp`,
      {
        clientId: this.application.clientId,
        owners,
        // Only principals granted an application's role may get a token for the gateway.
        appRoleAssignmentRequired: true,
      },
      { parent: this },
    );
    this.registerOutputs({ audience: this.audience, clientId: this.application.clientId });
  }
}

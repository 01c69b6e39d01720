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
  /** The tenant the app lives in: part of its identifier URI. */
  readonly tenantId: pulumi.Input<string>;
  readonly applications: readonly { readonly name: string; readonly priority: number }[];
}

/** The gateway's app registration: identifier URI (the token audience), an app role per application, its service principal. */
export class GatewayApp extends pulumi.ComponentResource {
  public readonly application: azuread.Application;
  public readonly servicePrincipal: azuread.ServicePrincipal;
  /** The identifier URI, which v1 tokens carry as their audience (v2 tokens carry the client id). */
  public readonly audience: pulumi.Output<string>;

  constructor(name: string, args: GatewayAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:identity:GatewayApp", name, {}, opts);
    // Entra accepts only identifier URIs that name the tenant, the app or a verified domain; `api://<tenantId>/<string>`
    // is one of the accepted forms, and unlike `api://<appId>` it is known before the app exists.
    // https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions
    this.audience = pulumi.interpolate`api://${args.tenantId}/${args.project}-${args.stack}-gateway`;
    this.application = new azuread.Application(
      `${name}-app`,
      {
        displayName: `${args.project} ${args.stack} OpenAI gateway`,
        identifierUris: [this.audience],
        signInAudience: "AzureADMyOrg",
        appRoles: args.applications.map(a => ({
          id: stableGuid(`${args.project}/${args.stack}/app-role/${a.name}`),
          value: `${APP_ROLE_PREFIX}${a.name}`,
          displayName: `${a.name} (priority ${a.priority})`,
          description: `Calls the Azure OpenAI gateway as application ${a.name}.`,
          allowedMemberTypes: ["Application", "User"],
          enabled: true,
        })),
      },
      { parent: this },
    );
    this.servicePrincipal = new azuread.ServicePrincipal(
      `${name}-sp`,
      {
        clientId: this.application.clientId,
        // Only principals granted an application's role may get a token for the gateway.
        appRoleAssignmentRequired: true,
      },
      { parent: this },
    );
    this.registerOutputs({ audience: this.audience, clientId: this.application.clientId });
  }
}

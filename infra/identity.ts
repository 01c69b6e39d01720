/**
 * Identities: the gateway's Entra ID app registration (callers present tokens for it, one app role per
 * application) and Azure RBAC grants to managed identities.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";

/** Built-in role definition ids (the same GUID in every subscription). */
export const ROLES = {
  cognitiveServicesOpenAiUser: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
} as const;

/** App role values are `<prefix><application>`: the gateway policy maps a caller's role back to its application. */
export const APP_ROLE_PREFIX = "app.";

/** A GUID that is a stable function of `seed`: role assignment and app role ids must not change between runs. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface GatewayAppArgs {
  readonly project: string;
  readonly stack: string;
  readonly applications: readonly { readonly name: string; readonly priority: number }[];
}

/** The gateway's app registration: identifier URI (the token audience), an app role per application, its service principal. */
export class GatewayApp extends pulumi.ComponentResource {
  public readonly application: azuread.Application;
  public readonly servicePrincipal: azuread.ServicePrincipal;
  public readonly audience: string;

  constructor(name: string, args: GatewayAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:identity:GatewayApp", name, {}, opts);
    this.audience = `api://${args.project}-${args.stack}-gateway`;
    this.application = new azuread.Application(`${name}-app`, {
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
    }, { parent: this });
    this.servicePrincipal = new azuread.ServicePrincipal(`${name}-sp`, {
      clientId: this.application.clientId,
      // Only principals granted an application's role may get a token for the gateway.
      appRoleAssignmentRequired: true,
    }, { parent: this });
    this.registerOutputs({ audience: this.audience, clientId: this.application.clientId });
  }
}

export interface RoleGrant {
  readonly scope: pulumi.Input<string>;
  readonly principalId: pulumi.Input<string>;
  readonly role: keyof typeof ROLES;
  readonly subscriptionId: pulumi.Input<string>;
}

/** A role assignment for a managed identity; its name is derived from the logical name, so it is stable. */
export function grantRole(name: string, grant: RoleGrant, opts: pulumi.CustomResourceOptions): authorization.RoleAssignment {
  return new authorization.RoleAssignment(name, {
    roleAssignmentName: stableGuid(`${pulumi.getProject()}/${pulumi.getStack()}/${name}`),
    scope: grant.scope,
    principalId: grant.principalId,
    principalType: "ServicePrincipal",
    roleDefinitionId: pulumi.interpolate`/subscriptions/${grant.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[grant.role]}`,
  }, opts);
}

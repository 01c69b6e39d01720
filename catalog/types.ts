/**
 * The Pulumi type token of every resource the program declares (and of the few the tools recognize), one
 * name each: the program, the pack, the mock engine and the tests refer to a type by these names, never by
 * a copy of its token. Tokens are `<package>:<module>:<Type>` as the providers' schemas name them
 * (https://www.pulumi.com/registry/packages/azure-native/api-docs/, .../random/api-docs/, .../azuread/api-docs/).
 * Pure data.
 */
export const TYPES = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  // Azure OpenAI
  account: "azure-native:cognitiveservices:Account",
  deployment: "azure-native:cognitiveservices:Deployment",
  // API Management
  apimService: "azure-native:apimanagement:ApiManagementService",
  api: "azure-native:apimanagement:Api",
  apiOperation: "azure-native:apimanagement:ApiOperation",
  apiPolicy: "azure-native:apimanagement:ApiPolicy",
  apiDiagnostic: "azure-native:apimanagement:ApiDiagnostic",
  backend: "azure-native:apimanagement:Backend",
  logger: "azure-native:apimanagement:Logger",
  namedValue: "azure-native:apimanagement:NamedValue",
  product: "azure-native:apimanagement:Product",
  productApi: "azure-native:apimanagement:ProductApi",
  subscription: "azure-native:apimanagement:Subscription",
  // Key Vault
  vault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  // Observability
  workspace: "azure-native:operationalinsights:Workspace",
  appInsights: "azure-native:applicationinsights:Component",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  // Network and private DNS
  publicIp: "azure-native:network:PublicIPAddress",
  networkSecurityGroup: "azure-native:network:NetworkSecurityGroup",
  virtualNetwork: "azure-native:network:VirtualNetwork",
  virtualNetworkPeering: "azure-native:network:VirtualNetworkPeering",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateZone: "azure-native:privatedns:PrivateZone",
  virtualNetworkLink: "azure-native:privatedns:VirtualNetworkLink",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  record: "azure-native:privatedns:PrivateRecordSet",
  // Front Door (Standard/Premium) and its WAF policy (Microsoft.Network/frontDoorWebApplicationFirewallPolicies)
  frontDoorProfile: "azure-native:cdn:Profile",
  frontDoorEndpoint: "azure-native:cdn:AFDEndpoint",
  originGroup: "azure-native:cdn:AFDOriginGroup",
  origin: "azure-native:cdn:AFDOrigin",
  route: "azure-native:cdn:Route",
  securityPolicy: "azure-native:cdn:SecurityPolicy",
  wafPolicy: "azure-native:frontdoor:Policy",
  // Identity and access
  roleAssignment: "azure-native:authorization:RoleAssignment",
  userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
  storageAccount: "azure-native:storage:StorageAccount",
  blobContainer: "azure-native:storage:BlobContainer",
  blob: "azure-native:storage:Blob",
  appServicePlan: "azure-native:web:AppServicePlan",
  webApp: "azure-native:web:WebApp",
  actionGroup: "azure-native:monitor:ActionGroup",
  scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
  application: "azuread:index/application:Application",
  applicationIdentifierUri: "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri",
  servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
  // Other providers
  randomString: "random:index/randomString:RandomString",
  randomPassword: "random:index/randomPassword:RandomPassword",
  /** The time provider's wait (@pulumiverse/time): the documented pause after a role grant, which an ordering rule of the mock engine accepts. */
  sleep: "time:index/sleep:Sleep",
} as const;

export type ResourceType = (typeof TYPES)[keyof typeof TYPES];

/**
 * The package of the program's component types (`aoai-bcdr:<module>:<Component>`): a resource whose URN has
 * one in its type chain is declared by the program, tagged or not (the pack's scope, policies/lib/scope.ts).
 */
export const COMPONENT_PACKAGE = "aoai-bcdr";

/**
 * Azure's naming rules for every resource type the program declares, as data: length, characters and the
 * scope a name must be unique in. The program shortens its generated names with them (infra/naming.ts)
 * and the mock engine refuses a name that breaks them (stacks/engine/refusals/names.ts), as ARM would.
 *
 * Source: "Naming rules and restrictions for Azure resources"
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), one anchor
 * per resource provider; the DNS-label rules come from the pages cited on their entries. Pure data.
 */

import { TYPES } from "./types";

const RULES_PAGE = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";

/** Where a name must be unique: everywhere in Azure, in the subscription, the resource group, or under its parent resource. */
export type NameScope = "global" | "subscription" | "resourceGroup" | "parent";

export interface NamingRule {
  readonly min: number;
  readonly max: number;
  /** The whole name must match. */
  readonly pattern: RegExp;
  /** What `pattern` allows, in the documentation's words. */
  readonly allowed: string;
  readonly scope: NameScope;
  /** Generated names of this type use letters and digits only (no hyphen allowed). */
  readonly alphanumericOnly?: boolean;
  readonly source: string;
}

/** A rule that applies to one input of a resource (its ARM name, or a second name such as a custom subdomain). */
export interface NamedInput {
  /** Dotted path of the input, e.g. `accountName` or `properties.customSubDomainName`. */
  readonly input: string;
  readonly rule: NamingRule;
}

const anchor = (provider: string) => `${RULES_PAGE}#${provider.toLowerCase().replace(/\./g, "")}`;

const ALNUM_HYPHEN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** Network resources: alphanumerics, underscores, periods and hyphens; start alphanumeric, end alphanumeric or underscore. */
const NETWORK = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/;
const NETWORK_ALLOWED =
  "alphanumerics, underscores, periods and hyphens; starts with a letter or digit, ends with a letter, digit or underscore";
/** API Management entities: anything but `*#&+:<>?`. */
const APIM_ENTITY = /^[^*#&+:<>?]+$/;

const network = (min: number, max: number, scope: NameScope): NamingRule => ({
  min,
  max,
  pattern: NETWORK,
  allowed: NETWORK_ALLOWED,
  scope,
  source: anchor("Microsoft.Network"),
});
const apimEntity = (max: number): NamingRule => ({
  min: 1,
  max,
  pattern: APIM_ENTITY,
  allowed: "any characters except *#&+:<>?",
  scope: "parent",
  source: anchor("Microsoft.ApiManagement"),
});
const cdn = (max: number, scope: NameScope): NamingRule => ({
  min: 1,
  max,
  pattern: ALNUM_HYPHEN,
  allowed: "alphanumerics and hyphens; starts and ends with a letter or digit",
  scope,
  source: anchor("Microsoft.Cdn"),
});

/** A DNS label, as in a custom subdomain or a public IP's domain name label (RFC 1035: at most 63 octets). */
const DNS_LABEL: NamingRule = {
  min: 2,
  max: 63,
  pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  allowed: "lowercase letters, digits and hyphens; starts and ends with a letter or digit",
  scope: "global",
  source:
    "https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains (a custom subdomain is a DNS label: RFC 1035, 63 octets)",
};

/** Pulumi type token -> the names it carries and their rules. */
export const NAMING_RULES: Readonly<Record<string, readonly NamedInput[]>> = {
  [TYPES.resourceGroup]: [
    {
      input: "resourceGroupName",
      rule: {
        min: 1,
        max: 90,
        pattern: /^[-\w.()]*[-\w()]$/,
        allowed: "letters, digits, underscores, hyphens, periods and parentheses; does not end with a period",
        scope: "subscription",
        source: anchor("Microsoft.Resources"),
      },
    },
  ],
  [TYPES.account]: [
    {
      input: "accountName",
      rule: {
        min: 2,
        max: 64,
        pattern: ALNUM_HYPHEN,
        allowed: "alphanumerics and hyphens; starts and ends with a letter or digit",
        scope: "resourceGroup",
        source: anchor("Microsoft.CognitiveServices"),
      },
    },
    { input: "properties.customSubDomainName", rule: DNS_LABEL },
  ],
  [TYPES.deployment]: [
    {
      input: "deploymentName",
      rule: {
        min: 2,
        max: 64,
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
        allowed: "alphanumerics, underscores, periods and hyphens; starts with a letter or digit",
        scope: "parent",
        source: anchor("Microsoft.CognitiveServices"),
      },
    },
  ],
  [TYPES.apimService]: [
    {
      input: "serviceName",
      rule: {
        min: 1,
        max: 50,
        pattern: /^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
        allowed: "alphanumerics and hyphens; starts with a letter, ends with a letter or digit",
        scope: "global",
        source: anchor("Microsoft.ApiManagement"),
      },
    },
  ],
  [TYPES.api]: [{ input: "apiId", rule: apimEntity(80) }],
  [TYPES.apiOperation]: [{ input: "operationId", rule: apimEntity(80) }],
  [TYPES.apiPolicy]: [
    { input: "policyId", rule: { ...apimEntity(6), pattern: /^policy$/, allowed: "exactly 'policy'" } },
  ],
  [TYPES.apiDiagnostic]: [
    {
      input: "diagnosticId",
      rule: {
        ...apimEntity(80),
        pattern: /^(applicationinsights|azuremonitor|azureeventhub|local)$/,
        allowed: "applicationinsights, azuremonitor, azureeventhub or local",
      },
    },
  ],
  [TYPES.backend]: [{ input: "backendId", rule: apimEntity(80) }],
  [TYPES.logger]: [{ input: "loggerId", rule: apimEntity(80) }],
  [TYPES.namedValue]: [{ input: "namedValueId", rule: apimEntity(256) }],
  [TYPES.product]: [{ input: "productId", rule: apimEntity(256) }],
  [TYPES.productApi]: [{ input: "apiId", rule: apimEntity(80) }],
  [TYPES.subscription]: [{ input: "sid", rule: apimEntity(256) }],
  [TYPES.vault]: [
    {
      input: "vaultName",
      rule: {
        min: 3,
        max: 24,
        pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        allowed: "alphanumerics and hyphens; starts with a letter, ends with a letter or digit, no consecutive hyphens",
        scope: "global",
        source: anchor("Microsoft.KeyVault"),
      },
    },
  ],
  [TYPES.secret]: [
    {
      input: "secretName",
      rule: {
        min: 1,
        max: 127,
        pattern: /^[a-zA-Z0-9-]+$/,
        allowed: "alphanumerics and hyphens",
        scope: "parent",
        source: anchor("Microsoft.KeyVault"),
      },
    },
  ],
  [TYPES.workspace]: [
    {
      input: "workspaceName",
      rule: {
        min: 4,
        max: 63,
        pattern: ALNUM_HYPHEN,
        allowed: "alphanumerics and hyphens; starts and ends with a letter or digit",
        scope: "resourceGroup",
        source: anchor("Microsoft.OperationalInsights"),
      },
    },
  ],
  [TYPES.appInsights]: [
    {
      input: "resourceName",
      rule: {
        min: 1,
        max: 260,
        // eslint-disable-next-line no-control-regex -- Azure refuses control characters in these names
        pattern: /^[^%&\\?/\x00-\x1f]*[^%&\\?/\x00-\x1f. ]$/,
        allowed: "any characters except %&\\?/ and control characters; does not end with a space or period",
        scope: "resourceGroup",
        source: anchor("Microsoft.Insights"),
      },
    },
  ],
  [TYPES.diagnosticSetting]: [
    {
      input: "name",
      rule: {
        min: 1,
        max: 260,
        // eslint-disable-next-line no-control-regex -- Azure refuses control characters in these names
        pattern: /^[^*<>%{}&:\\?+/#|\x00-\x1f]+$/,
        allowed: "any characters except *<>%{}&:\\?+/#| and control characters",
        scope: "parent",
        source: anchor("Microsoft.Insights"),
      },
    },
  ],
  [TYPES.networkSecurityGroup]: [{ input: "networkSecurityGroupName", rule: network(1, 80, "resourceGroup") }],
  [TYPES.virtualNetwork]: [{ input: "virtualNetworkName", rule: network(2, 64, "resourceGroup") }],
  [TYPES.virtualNetworkPeering]: [{ input: "virtualNetworkPeeringName", rule: network(1, 80, "parent") }],
  [TYPES.privateEndpoint]: [
    { input: "privateEndpointName", rule: network(2, 64, "resourceGroup") },
    { input: "customNetworkInterfaceName", rule: network(1, 80, "resourceGroup") },
  ],
  [TYPES.publicIp]: [
    { input: "publicIpAddressName", rule: network(1, 80, "resourceGroup") },
    {
      input: "dnsSettings.domainNameLabel",
      rule: {
        ...DNS_LABEL,
        min: 3,
        pattern: /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/,
        allowed: "lowercase letters, digits and hyphens; starts with a letter, ends with a letter or digit",
        source: `${anchor("Microsoft.Network")} (publicIPAddresses: domain name label)`,
      },
    },
  ],
  [TYPES.privateZone]: [
    {
      input: "privateZoneName",
      rule: {
        min: 1,
        max: 253,
        pattern:
          /^(?=.{1,253}$)([a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.){1,33}[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$/,
        allowed: "2 to 34 dot-separated labels of 1 to 63 alphanumerics, hyphens and underscores",
        scope: "resourceGroup",
        source: anchor("Microsoft.Network"),
      },
    },
  ],
  [TYPES.virtualNetworkLink]: [{ input: "virtualNetworkLinkName", rule: network(1, 80, "parent") }],
  // A private endpoint's DNS zone group: the resource-name-rules page has no row; the Microsoft.Network rule applies.
  [TYPES.privateDnsZoneGroup]: [{ input: "privateDnsZoneGroupName", rule: network(1, 80, "parent") }],
  [TYPES.record]: [
    {
      input: "relativeRecordSetName",
      rule: {
        min: 1,
        max: 253,
        pattern:
          /^(@|([a-zA-Z0-9_*](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)(\.[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*)$/,
        allowed: "'@' or dot-separated labels of 1 to 63 alphanumerics, hyphens and underscores",
        scope: "parent",
        source: anchor("Microsoft.Network"),
      },
    },
  ],
  [TYPES.frontDoorProfile]: [{ input: "profileName", rule: cdn(260, "resourceGroup") }],
  [TYPES.frontDoorEndpoint]: [{ input: "endpointName", rule: cdn(46, "global") }],
  [TYPES.originGroup]: [{ input: "originGroupName", rule: cdn(90, "parent") }],
  [TYPES.origin]: [{ input: "originName", rule: cdn(90, "parent") }],
  [TYPES.route]: [{ input: "routeName", rule: cdn(90, "parent") }],
  [TYPES.securityPolicy]: [{ input: "securityPolicyName", rule: cdn(260, "parent") }],
  [TYPES.wafPolicy]: [
    {
      input: "policyName",
      rule: {
        min: 1,
        max: 128,
        pattern: /^[a-zA-Z][a-zA-Z0-9]*$/,
        allowed: "letters and digits; starts with a letter",
        scope: "resourceGroup",
        alphanumericOnly: true,
        source: anchor("Microsoft.Network"),
      },
    },
  ],
  [TYPES.roleAssignment]: [
    {
      input: "roleAssignmentName",
      rule: {
        min: 36,
        max: 36,
        pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
        allowed: "a GUID",
        scope: "parent",
        source: anchor("Microsoft.Authorization"),
      },
    },
  ],
  [TYPES.userAssignedIdentity]: [
    {
      input: "resourceName",
      rule: {
        min: 3,
        max: 128,
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
        allowed: "alphanumerics, hyphens and underscores; starts with a letter or digit",
        scope: "resourceGroup",
        source: anchor("Microsoft.ManagedIdentity"),
      },
    },
  ],
  [TYPES.storageAccount]: [
    {
      input: "accountName",
      rule: {
        min: 3,
        max: 24,
        pattern: /^[a-z0-9]+$/,
        allowed: "lowercase letters and digits",
        scope: "global",
        alphanumericOnly: true,
        source: anchor("Microsoft.Storage"),
      },
    },
  ],
  [TYPES.blobContainer]: [
    {
      input: "containerName",
      rule: {
        min: 3,
        max: 63,
        pattern: /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/,
        allowed: "lowercase letters, digits and hyphens; starts with a letter or digit; no two hyphens in a row",
        scope: "parent",
        source: anchor("Microsoft.Storage"),
      },
    },
  ],
  [TYPES.blob]: [
    {
      input: "blobName",
      rule: {
        min: 1,
        max: 1024,
        pattern: /^[^\\]*[^\\./]$/,
        allowed: "any characters; does not end with a period or slash",
        scope: "parent",
        source: anchor("Microsoft.Storage"),
      },
    },
  ],
  [TYPES.appServicePlan]: [
    {
      input: "name",
      rule: {
        min: 1,
        max: 60,
        pattern: ALNUM_HYPHEN,
        allowed: "alphanumerics and hyphens; starts and ends with a letter or digit",
        scope: "resourceGroup",
        source: anchor("Microsoft.Web"),
      },
    },
  ],
  [TYPES.webApp]: [
    {
      input: "name",
      rule: {
        min: 2,
        max: 60,
        pattern: ALNUM_HYPHEN,
        allowed: "alphanumerics and hyphens; starts and ends with a letter or digit",
        scope: "global",
        source: anchor("Microsoft.Web"),
      },
    },
  ],
  [TYPES.actionGroup]: [
    {
      input: "actionGroupName",
      rule: {
        min: 1,
        max: 260,
        pattern: /^[^%&\\?/]*[^%&\\?/. ]$/,
        allowed: "any characters except %&\\?/; does not end with a space or period",
        scope: "resourceGroup",
        source: anchor("Microsoft.Insights"),
      },
    },
  ],
  [TYPES.scheduledQueryRule]: [
    {
      input: "ruleName",
      rule: {
        min: 1,
        max: 260,
        pattern: /^[^*#&+:<>?@%{}\\/]*[^*#&+:<>?@%{}\\/. ]$/,
        allowed: "any characters except *#&+:<>?@%{}\\/; does not end with a space or period",
        scope: "resourceGroup",
        source: anchor("Microsoft.Insights"),
      },
    },
  ],
};

/** Types that are not ARM resources: no Azure naming rule applies. */
export const UNNAMED_TYPE_PREFIXES = ["pulumi:", "random:", "azuread:", "time:", "aoai-bcdr:"] as const;

/** The input that carries the ARM name of `type` (Azure echoes it back as the resource's `name`), if any. */
export function armNameInput(type: string): string | undefined {
  return NAMING_RULES[type]?.[0]?.input;
}

/** The rule of the ARM name of `type` (its first named input). */
export function namingRule(type: string): NamingRule {
  const rule = NAMING_RULES[type]?.[0]?.rule;
  if (!rule) throw new Error(`no naming rule for ${type}: add it to catalog/namingRules.ts`);
  return rule;
}

/** Why `name` breaks `rule`, or undefined when it does not. */
export function nameProblem(name: string, rule: NamingRule): string | undefined {
  if (name.length < rule.min || name.length > rule.max)
    return `is ${name.length} characters; allowed ${rule.min} to ${rule.max}`;
  if (!rule.pattern.test(name)) return `breaks the character rule: ${rule.allowed}`;
  return undefined;
}

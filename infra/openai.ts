/**
 * One Azure OpenAI account for one BCDR role in one region, with its model deployments.
 *
 * Every role (standard primary/secondary/overflow, enterprise PTU, each workload PTU) gets its own
 * account so that the gateway can send the same deployment path to every account of a chain.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as resources from "@pulumi/azure-native/resources";
import { accountSubdomain } from "./naming";
import { resourceGroup } from "./resourceGroup";
import { diagnosticSetting } from "./observability";
import { Tags, roleTags } from "./tags";
import { AccountSpec } from "./topology";

export interface OpenAiAccountArgs {
  readonly spec: AccountSpec;
  readonly stack: string;
  /** Stable random suffix that makes the custom subdomain globally unique. */
  readonly nameSuffix: pulumi.Input<string>;
  readonly commonTags: Tags;
  /** Private mode: no public network access, network ACLs deny by default. */
  readonly privateNetwork: boolean;
  /** Key auth stays enabled only when the gateway authenticates with access keys. */
  readonly localAuth: boolean;
  /** Protect the stateful resources (resource group, account, every deployment). */
  readonly protect: boolean;
  /** What Azure does with the deployments when their model version retires (config `standard.versionUpgradeOption`). */
  readonly versionUpgradeOption: "OnceCurrentVersionExpired" | "OnceNewDefaultVersionAvailable" | "NoAutoUpgrade";
  /** Log Analytics workspace that receives the account's diagnostic logs and metrics. */
  readonly workspaceId: pulumi.Input<string>;
}

/** The account, on its custom subdomain, reachable only through private endpoints in private mode. */
function account(
  name: string,
  args: OpenAiAccountArgs,
  resourceGroupName: pulumi.Input<string>,
  tags: Tags,
  parent: pulumi.Resource,
): cognitiveservices.Account {
  const { spec } = args;
  const subdomain = pulumi.output(args.nameSuffix).apply(s => accountSubdomain(args.stack, spec.key, spec.region, s));
  return new cognitiveservices.Account(
    `${name}-account`,
    {
      accountName: subdomain,
      resourceGroupName,
      location: spec.region,
      kind: "OpenAI",
      sku: { name: "S0" },
      identity: { type: "SystemAssigned" },
      properties: {
        // Entra ID auth and private endpoints both need a custom subdomain.
        customSubDomainName: subdomain,
        disableLocalAuth: !args.localAuth,
        publicNetworkAccess: args.privateNetwork ? "Disabled" : "Enabled",
        networkAcls: { defaultAction: args.privateNetwork ? "Deny" : "Allow", ipRules: [], virtualNetworkRules: [] },
      },
      tags,
    },
    { parent, protect: args.protect },
  );
}

/** The account's model deployments, each waiting for the one before: Azure answers 409 to concurrent deployment writes on one account. */
function deployments(
  name: string,
  args: OpenAiAccountArgs,
  account: cognitiveservices.Account,
  resourceGroupName: pulumi.Input<string>,
  tags: Tags,
  parent: pulumi.Resource,
): cognitiveservices.Deployment[] {
  const declared: cognitiveservices.Deployment[] = [];
  for (const d of args.spec.deployments) {
    const previous = declared[declared.length - 1];
    declared.push(
      new cognitiveservices.Deployment(
        `${name}-${d.name}`,
        {
          accountName: account.name,
          resourceGroupName,
          deploymentName: d.name,
          sku: { name: d.sku, capacity: d.capacity },
          properties: {
            model: { format: "OpenAI", name: d.model, version: d.version },
            versionUpgradeOption: args.versionUpgradeOption,
          },
          tags,
        },
        {
          parent,
          dependsOn: previous ? [previous] : [],
          // A released PTU reservation, or standard quota handed to another deployment, may not come back.
          protect: args.protect,
        },
      ),
    );
  }
  return declared;
}

export class OpenAiAccount extends pulumi.ComponentResource {
  public readonly resourceGroup: resources.ResourceGroup;
  public readonly account: cognitiveservices.Account;
  public readonly deployments: cognitiveservices.Deployment[];
  /**
   * The account's last deployment (deployments are chained): the account is `Succeeded` again only once it
   * is done, and Azure refuses other writes to the account (a private endpoint) with 409 until then
   * (https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks#use-private-endpoints;
   * the mock engine's rule in stacks/engine/refusals/orderings.ts).
   */
  public readonly settled: pulumi.Resource;
  public readonly endpoint: pulumi.Output<string>;
  public readonly principalId: pulumi.Output<string>;
  public readonly region: string;
  public readonly spec: AccountSpec;

  constructor(name: string, args: OpenAiAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:openai:OpenAiAccount", name, {}, opts);
    const { spec } = args;
    this.region = spec.region;
    this.spec = spec;
    const tags = roleTags(args.commonTags, spec.role, { regionRole: spec.regionRole, workload: spec.workload });

    this.resourceGroup = resourceGroup(
      name,
      { stack: args.stack, purpose: spec.key, region: spec.region, tags },
      { parent: this, protect: args.protect },
    );

    this.account = account(name, args, this.resourceGroup.name, tags, this);
    this.deployments = deployments(name, args, this.account, this.resourceGroup.name, tags, this);
    this.settled = this.deployments[this.deployments.length - 1] ?? this.account;

    diagnosticSetting(`${name}-diagnostics`, this.account.id, args.workspaceId, { parent: this });

    this.endpoint = this.account.properties.apply(p => p.endpoint);
    this.principalId = this.account.identity.apply(i => i?.principalId ?? "");
    this.registerOutputs({ endpoint: this.endpoint, principalId: this.principalId });
  }

  /** The account's first access key (key mode only; it goes to Key Vault, never to the gateway policy). */
  primaryKey(): pulumi.Output<string> {
    return pulumi.secret(
      cognitiveservices
        .listAccountKeysOutput(
          { accountName: this.account.name, resourceGroupName: this.resourceGroup.name },
          { parent: this },
        )
        .apply(k => k.key1 ?? ""),
    );
  }
}

/**
 * Private mode's failover watchdog: an Azure Functions app on the Flex Consumption plan in network.dnsRegion
 * (outside both gateway regions), whose timer probes every regional gateway over the peered VNets and points the
 * gateway's DNS record at a healthy region (runtime/). Why Flex Consumption: a timer trigger takes a seconds
 * field, so a round every 5-60 s (Container Apps jobs' cron schedules have minute granularity:
 * https://learn.microsoft.com/azure/container-apps/jobs#scheduled-jobs; Automation schedules run at most hourly:
 * https://learn.microsoft.com/azure/automation/shared-resources/schedules), it integrates with a VNet
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#virtual-network-integration), keeps an
 * always-ready instance so the probe counters stay warm, and needs no secret: its host storage, deployment
 * container, telemetry and the DNS write all use its user-assigned identity.
 *
 * Least privilege: the identity holds Private DNS Zone Contributor on the record set alone, and Storage Blob
 * Data Owner on its own storage account. The policy pack checks every grant it holds (watchdog-scope).
 */
import * as pulumi from "@pulumi/pulumi";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import { WatchdogConfig } from "../config";
import { ROLES, grantRole } from "../identity";
import { azureName } from "../naming";
import { Observability } from "../observability";
import { resourceGroup } from "../resourceGroup";
import { Tags, roleTags } from "../tags";
import { watchdogAlerts } from "./alerts";
import { PeerVnet, watchdogNetwork } from "./network";
import { NODE_VERSION, watchdogPackage } from "./package";
import { SETTING, SettingName, WATCHDOG_COMPONENT } from "../../catalog/watchdog";
import { TYPES } from "../../catalog/types";

export interface GatewayWatchdogArgs {
  readonly stack: string;
  /** network.dnsRegion. */
  readonly region: string;
  readonly config: WatchdogConfig;
  /** The gateway regions, the preferred (network.activeGatewayRegion) first: the order the watchdog fails over in. */
  readonly regions: readonly string[];
  readonly gatewayVnets: Readonly<Record<string, PeerVnet>>;
  /** Region -> that region's gateway private IP. */
  readonly gatewayIps: pulumi.Input<Readonly<Record<string, string>>>;
  readonly zone: privatedns.PrivateZone;
  readonly zoneResourceGroup: resources.ResourceGroup;
  readonly record: privatedns.PrivateRecordSet;
  readonly subscriptionId: pulumi.Input<string>;
  readonly nameSuffix: pulumi.Output<string>;
  readonly commonTags: Tags;
  readonly retentionInDays: number;
  readonly protect: boolean;
}

/** The app settings the runtime reads (runtime/settings.ts). */
function appSettings(
  args: GatewayWatchdogArgs,
  clientId: pulumi.Input<string>,
): Record<SettingName, pulumi.Input<string>> {
  const c = args.config;
  return {
    [SETTING.schedule]: `*/${c.probeIntervalSeconds} * * * * *`,
    [SETTING.subscriptionId]: args.subscriptionId,
    [SETTING.resourceGroupName]: args.zoneResourceGroup.name,
    [SETTING.zoneName]: args.zone.name,
    [SETTING.gateways]: pulumi.output(args.gatewayIps).apply(ips => JSON.stringify(args.regions.map(r => [r, ips[r]]))),
    [SETTING.failureThreshold]: String(c.failureThreshold),
    [SETTING.failBack]: c.failBack === "manual" ? "manual" : String(c.failBack.afterHealthySeconds),
    [SETTING.cooldownSeconds]: String(c.cooldownSeconds),
    [SETTING.paused]: String(c.paused),
    [SETTING.probeTimeoutMs]: String(c.probeTimeoutSeconds * 1000),
    [SETTING.clientId]: clientId,
  };
}

/** The storage the app runs from: host storage and the deployment container with the package in it. */
function codeStorage(
  name: string,
  args: GatewayWatchdogArgs,
  rg: resources.ResourceGroup,
  tags: Tags,
  parent: pulumi.Resource,
) {
  const account = new storage.StorageAccount(
    `${name}-storage`,
    {
      accountName: args.nameSuffix.apply(s => azureName(TYPES.storageAccount, ["st", "watchdog", args.stack], s)),
      resourceGroupName: rg.name,
      location: args.region,
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      // The app reads it with its identity alone (host storage, deployment container). The account still takes
      // its key because `pulumi up` uploads the package with azure-native's storage.Blob, which lists the account
      // keys and writes with a shared-key credential even with azidentity auth: with allowSharedKeyAccess false
      // the upload fails with KeyBasedAuthenticationNotPermitted
      // (https://github.com/pulumi/pulumi-azure-native/issues/2015, open;
      // provider/pkg/resources/customresources/custom_storage_azidentity.go). Nothing of this program holds or
      // hands out the key.
      allowSharedKeyAccess: true,
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      tags,
    },
    { parent },
  );
  const container = new storage.BlobContainer(
    `${name}-deployment`,
    { accountName: account.name, resourceGroupName: rg.name, containerName: "deployment" },
    { parent },
  );
  // The Flex Consumption app runs the package in its deployment container (docs/dev-instance-checklist.md).
  new storage.Blob(
    `${name}-package`,
    {
      accountName: account.name,
      resourceGroupName: rg.name,
      containerName: container.name,
      blobName: "released-package.zip",
      type: "Block",
      source: watchdogPackage(),
    },
    // A new package replaces the blob under the same name: deleting the old blob after creating the new one
    // would delete the new package (https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/).
    { parent, deleteBeforeReplace: true },
  );
  return { account, containerUrl: pulumi.interpolate`${account.primaryEndpoints.blob}${container.name}` };
}

/** Where its package is, how it runs and how many instances stay warm. */
function flexConfig(identity: managedidentity.UserAssignedIdentity, containerUrl: pulumi.Output<string>) {
  return {
    deployment: {
      storage: {
        type: "blobContainer",
        value: containerUrl,
        authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: identity.id },
      },
    },
    runtime: { name: "node", version: NODE_VERSION },
    // One instance always warm: the probe counters live in its memory between rounds.
    // https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#always-ready-instances
    scaleAndConcurrency: {
      maximumInstanceCount: 40,
      instanceMemoryMB: 512,
      alwaysReady: [{ name: "function:watchdog", instanceCount: 1 }],
    },
  };
}

/** The host's own settings: storage and telemetry through the identity, no key. */
function hostSettings(
  identity: managedidentity.UserAssignedIdentity,
  accountName: pulumi.Output<string>,
  logs: Observability,
) {
  return [
    // https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
    { name: "AzureWebJobsStorage__accountName", value: accountName },
    { name: "AzureWebJobsStorage__credential", value: "managedidentity" },
    { name: "AzureWebJobsStorage__clientId", value: identity.clientId },
    // Telemetry with Entra ID: the Application Insights resource takes no key.
    // https://learn.microsoft.com/azure/azure-functions/functions-app-settings#applicationinsights_authentication_string
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: logs.connectionString },
    {
      name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
      value: pulumi.interpolate`ClientId=${identity.clientId};Authorization=AAD`,
    },
  ];
}

/** The Flex Consumption plan and the function app on it. */
function functionApp(
  name: string,
  args: GatewayWatchdogArgs,
  rg: resources.ResourceGroup,
  parts: {
    identity: managedidentity.UserAssignedIdentity;
    containerUrl: pulumi.Output<string>;
    accountName: pulumi.Output<string>;
    subnetId: pulumi.Output<string>;
    logs: Observability;
  },
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
): web.WebApp {
  const plan = new web.AppServicePlan(
    `${name}-plan`,
    {
      name: azureName(TYPES.appServicePlan, ["asp", "watchdog", args.stack, args.region]),
      resourceGroupName: rg.name,
      location: args.region,
      kind: "functionapp",
      reserved: true,
      sku: { name: "FC1", tier: "FlexConsumption" },
      tags,
    },
    { parent: opts.parent },
  );
  const { identity } = parts;
  return new web.WebApp(
    `${name}-app`,
    {
      name: args.nameSuffix.apply(s => azureName(TYPES.webApp, ["func", "watchdog", args.stack], s)),
      resourceGroupName: rg.name,
      location: args.region,
      kind: "functionapp,linux",
      serverFarmId: plan.id,
      httpsOnly: true,
      // It serves nothing: a timer only. No inbound from anywhere.
      publicNetworkAccess: "Disabled",
      virtualNetworkSubnetId: parts.subnetId,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      functionAppConfig: flexConfig(identity, parts.containerUrl),
      siteConfig: {
        appSettings: [
          ...hostSettings(identity, parts.accountName, parts.logs),
          ...Object.entries(appSettings(args, identity.clientId)).map(([n, value]) => ({ name: n, value })),
        ],
      },
      tags,
    },
    opts,
  );
}

export class GatewayWatchdog extends pulumi.ComponentResource {
  public readonly identity: managedidentity.UserAssignedIdentity;
  public readonly app: web.WebApp;

  constructor(name: string, args: GatewayWatchdogArgs, opts?: pulumi.ComponentResourceOptions) {
    super(WATCHDOG_COMPONENT, name, {}, opts);
    const tags = roleTags(args.commonTags, "watchdog");
    const rg = resourceGroup(
      name,
      { stack: args.stack, purpose: "watchdog", region: args.region, tags },
      { parent: this, protect: args.protect },
    );
    const identityName = azureName(TYPES.userAssignedIdentity, ["id", "watchdog", args.stack, args.region]);
    this.identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceName: identityName, resourceGroupName: rg.name, location: args.region, tags },
      { parent: this },
    );
    const principalId = this.identity.principalId;
    const grant = (suffix: string, scope: pulumi.Input<string>, role: keyof typeof ROLES) =>
      grantRole(
        `${name}-${suffix}`,
        { scope, principalId, role, subscriptionId: args.subscriptionId },
        { parent: this },
      );
    // The one record set it changes, nothing wider.
    const dnsGrant = grant("record-access", args.record.id, "privateDnsZoneContributor");
    const { account, containerUrl } = codeStorage(name, args, rg, tags, this);
    const storageGrant = grant("storage-access", account.id, "storageBlobDataOwner");
    // Its own logs in its own region: the alerts must not depend on a gateway region.
    const logs = new Observability(
      `${name}-logs`,
      { ...args, commonTags: args.commonTags, regionalNames: true },
      { parent: this },
    );
    const telemetryGrant = grant("telemetry-access", logs.appInsights.id, "monitoringMetricsPublisher");
    const subnetId = watchdogNetwork(
      `${name}-network`,
      {
        stack: args.stack,
        region: args.region,
        addressSpace: args.config.addressSpace,
        resourceGroupName: rg.name,
        gatewayVnets: args.gatewayVnets,
        tags,
      },
      this,
    );
    this.app = functionApp(
      name,
      args,
      rg,
      { identity: this.identity, containerUrl, accountName: account.name, subnetId, logs },
      tags,
      // The app starts with its grants in place: it reads its package and, in its first round, the record.
      { parent: this, dependsOn: [dnsGrant, storageGrant, telemetryGrant] },
    );
    const { alertEmails, actionGroupId } = args.config;
    const alertArgs = { ...args, resourceGroupName: rg.name, appInsightsId: logs.appInsights.id, tags };
    watchdogAlerts(name, { ...alertArgs, alertEmails, actionGroupId }, this);
    this.registerOutputs({ appId: this.app.id, principalId });
  }
}

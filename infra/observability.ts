/**
 * Observability: a Log Analytics workspace with Application Insights on it. The gateway logs requests
 * and token metrics there; every OpenAI account and gateway sends its diagnostic logs there.
 */
import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { azureName } from "./naming";
import { resourceGroup } from "./resourceGroup";
import { Tags, roleTags } from "./tags";
import { acceptsDedicatedLogs } from "../catalog/diagnostics";
import { TYPES } from "../catalog/types";

export interface ObservabilityArgs {
  readonly stack: string;
  readonly region: string;
  readonly commonTags: Tags;
  readonly retentionInDays: number;
  /** The workspace keeps the logs: protect it (and its resource group) like any stateful resource. */
  readonly protect: boolean;
}

export class Observability extends pulumi.ComponentResource {
  public readonly workspace: operationalinsights.Workspace;
  public readonly appInsights: applicationinsights.Component;
  /**
   * Names the resource only: with local authentication off, ingestion needs an Entra ID token, and the
   * instrumentation key is "not considered a secret" (https://learn.microsoft.com/azure/azure-monitor/app/connection-strings).
   */
  public readonly connectionString: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:observability:Observability", name, {}, opts);
    const tags = roleTags(args.commonTags, "observability");
    const rg = resourceGroup(
      name,
      { stack: args.stack, purpose: "observability", region: args.region, tags },
      { parent: this, protect: args.protect },
    );
    this.workspace = new operationalinsights.Workspace(
      `${name}-workspace`,
      {
        workspaceName: azureName(TYPES.workspace, ["log", "aoai", args.stack]),
        resourceGroupName: rg.name,
        location: args.region,
        sku: { name: "PerGB2018" },
        retentionInDays: args.retentionInDays,
        tags,
      },
      { parent: this, protect: args.protect },
    );
    this.appInsights = new applicationinsights.Component(
      `${name}-appinsights`,
      {
        resourceName: `appi-aoai-${args.stack}`,
        resourceGroupName: rg.name,
        location: args.region,
        kind: "web",
        applicationType: "web",
        ingestionMode: "LogAnalytics",
        workspaceResourceId: this.workspace.id,
        // Only telemetry authenticated with Entra ID is ingested: no key can write here.
        // https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication#disable-local-authentication
        disableLocalAuth: true,
        tags,
      },
      { parent: this },
    );
    this.connectionString = this.appInsights.connectionString;
    this.registerOutputs({ workspaceId: this.workspace.id, appInsightsId: this.appInsights.id });
  }
}

/** Sends a resource's logs (all categories) and metrics to the workspace, in resource-specific tables where the type has them. */
export function diagnosticSetting(
  name: string,
  resourceUri: pulumi.Input<string>,
  workspaceId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting {
  return new monitor.DiagnosticSetting(
    name,
    {
      name: "to-log-analytics",
      resourceUri,
      workspaceId,
      logAnalyticsDestinationType: pulumi
        .output(resourceUri)
        .apply(uri => (acceptsDedicatedLogs(uri) ? "Dedicated" : undefined)),
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    },
    opts,
  );
}

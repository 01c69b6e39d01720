/**
 * Observability: a Log Analytics workspace with Application Insights on it, one per gateway region. The
 * gateway logs requests and token metrics there; every OpenAI account and gateway sends its diagnostic logs
 * there. Per region, so the loss of one region takes only that region's logs: during the failover the
 * runbook asks an operator to confirm, the surviving region's gateway still reports what it serves.
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
  /**
   * Names carry the region, so a second region's workspace never meets the first's name. The stack's first
   * workspace (the primary region's) keeps the names it was created with.
   */
  readonly regionalNames: boolean;
}

/** `<name>-rg` and `<name>-workspace` under `parent`. */
function logWorkspace(name: string, args: ObservabilityArgs, parent: pulumi.Resource) {
  const tags = roleTags(args.commonTags, "observability");
  const rg = resourceGroup(
    name,
    { stack: args.stack, purpose: "observability", region: args.region, tags },
    { parent, protect: args.protect },
  );
  const workspace = new operationalinsights.Workspace(
    `${name}-workspace`,
    {
      workspaceName: azureName(TYPES.workspace, [
        "log",
        "aoai",
        args.stack,
        ...(args.regionalNames ? [args.region] : []),
      ]),
      resourceGroupName: rg.name,
      location: args.region,
      sku: { name: "PerGB2018" },
      retentionInDays: args.retentionInDays,
      tags,
    },
    { parent, protect: args.protect },
  );
  return { rg, workspace, tags };
}

/**
 * A region's workspace with Application Insights on it: what a gateway service in that region logs to. A
 * multi-region gateway has one logger (in the primary region), so another region's Application Insights
 * receives nothing from it; it is declared all the same, since a workspace-based Application Insights bills
 * only what it ingests (https://learn.microsoft.com/azure/azure-monitor/logs/cost-logs) and one component
 * type in both gateway modes means switching `gateway.mode` never replaces a workspace.
 */
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
    const { rg, workspace, tags } = logWorkspace(name, args, this);
    this.workspace = workspace;
    this.appInsights = new applicationinsights.Component(
      `${name}-appinsights`,
      {
        resourceName: ["appi-aoai", args.stack, ...(args.regionalNames ? [args.region] : [])].join("-"),
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
  settingName = "to-log-analytics",
): monitor.DiagnosticSetting {
  return new monitor.DiagnosticSetting(
    name,
    {
      name: settingName,
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

/**
 * The same logs again to every other region's workspace, for a resource that serves several regions (a
 * multi-region gateway, Front Door): whichever region is lost, a surviving workspace holds them. A resource
 * takes up to five diagnostic settings, each with its own destination
 * (https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings: "Each Azure resource
 * requires its own diagnostic setting… A single resource can have up to five diagnostic settings").
 */
export function mirroredDiagnostics(
  name: string,
  resourceUri: pulumi.Input<string>,
  workspaceIds: ReadonlyMap<string, pulumi.Input<string>>,
  opts: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting[] {
  return [...workspaceIds].map(([region, workspaceId]) =>
    diagnosticSetting(`${name}-${region}`, resourceUri, workspaceId, opts, `to-log-analytics-${region}`),
  );
}

/**
 * Gateway region -> its Observability. The primary region's is the stack's first (`observability`, names
 * without the region), whose URNs and Azure names predate the others and stay as they are.
 */
export function regionalObservability(
  args: Omit<ObservabilityArgs, "region" | "regionalNames"> & {
    readonly primary: string;
    readonly regions: readonly string[];
  },
): ReadonlyMap<string, Observability> {
  const { primary, regions, ...common } = args;
  return new Map(
    [primary, ...regions.filter(r => r !== primary)].map(region => {
      const regional = region !== primary;
      const name = regional ? `observability-${region}` : "observability";
      return [region, new Observability(name, { ...common, region, regionalNames: regional })] as const;
    }),
  );
}

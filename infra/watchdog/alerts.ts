/**
 * Who is told, and when: every round the watchdog logs one `watchdog:` line to Application Insights; a log
 * search alert fires each time a line reports a move of the record or the start of something it cannot do, and another when
 * no line arrived for five minutes (the watchdog itself is down). Both notify the on-call action group: one the
 * stack creates from gateway.watchdog.alertEmails, or an existing one (actionGroupId).
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule
 */
import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { azureName } from "../naming";
import { Tags } from "../tags";
import { TYPES } from "../../catalog/types";

export interface WatchdogAlertArgs {
  readonly stack: string;
  readonly region: string;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The Application Insights resource the function logs to. */
  readonly appInsightsId: pulumi.Input<string>;
  readonly alertEmails: readonly string[];
  readonly actionGroupId?: string;
  readonly tags: Tags;
}

/** The two queries: what the watchdog did (a move, an alarm, a failed write or record read), and its silence. */
export const ALERT_QUERIES = {
  acted: `traces | where message startswith "watchdog:" and message !has '"event":"held"' | project timestamp, message`,
  silent: `traces | where message startswith "watchdog:" | summarize rounds = count()`,
} as const;

function actionGroup(name: string, args: WatchdogAlertArgs, parent: pulumi.Resource): pulumi.Input<string> {
  if (args.actionGroupId) return args.actionGroupId;
  return new monitor.ActionGroup(
    `${name}-action-group`,
    {
      actionGroupName: azureName(TYPES.actionGroup, ["ag", "watchdog", args.stack]),
      resourceGroupName: args.resourceGroupName,
      // Action groups are global resources (https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups).
      location: "global",
      groupShortName: "aoai-wd",
      enabled: true,
      emailReceivers: args.alertEmails.map((address, i) => ({
        name: `on-call-${i + 1}`,
        emailAddress: address,
        useCommonAlertSchema: true,
      })),
      tags: args.tags,
    },
    { parent },
  ).id;
}

/** The alert rules, with the action group they notify. */
export function watchdogAlerts(name: string, args: WatchdogAlertArgs, parent: pulumi.Resource): void {
  const group = actionGroup(name, args, parent);
  // A count of rows for the moves; the silence sums the summarized count, which is 0 (one row) when nothing came.
  const rule = (suffix: "acted" | "silent", operator: string, threshold: number, description: string) =>
    new monitor.ScheduledQueryRule(
      `${name}-${suffix}`,
      {
        ruleName: azureName(TYPES.scheduledQueryRule, ["alert", "watchdog", suffix, args.stack]),
        resourceGroupName: args.resourceGroupName,
        location: args.region,
        description,
        severity: 1,
        enabled: true,
        scopes: [args.appInsightsId],
        evaluationFrequency: "PT1M",
        windowSize: suffix === "silent" ? "PT5M" : "PT1M",
        criteria: {
          allOf: [
            {
              query: ALERT_QUERIES[suffix],
              ...(suffix === "silent"
                ? { timeAggregation: "Total", metricMeasureColumn: "rounds" }
                : { timeAggregation: "Count" }),
              operator,
              threshold,
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
            },
          ],
        },
        // Each move is its own alert: never folded into a still-open one.
        autoMitigate: false,
        actions: { actionGroups: [group] },
        tags: args.tags,
      },
      { parent },
    );
  rule("acted", "GreaterThan", 0, "The gateway watchdog moved the DNS record, or could not.");
  rule(
    "silent",
    "LessThan",
    1,
    "The gateway watchdog reported no round for 5 minutes: fail over by hand (docs/runbooks.md).",
  );
}

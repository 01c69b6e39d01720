/**
 * The gateway's telemetry: an Application Insights logger that ingests as the gateway's user-assigned
 * identity (no secret anywhere: Application Insights has local authentication off), API diagnostics with
 * custom metrics for the token counts the policy emits, and the service's platform logs to Log Analytics.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { Observability, diagnosticSetting } from "../observability";
import { API_ID } from "./ids";
import { ServiceRef } from "./namedValues";

export interface TelemetryArgs {
  readonly service: ServiceRef;
  readonly serviceId: pulumi.Input<string>;
  readonly observability: Observability;
  /**
   * The client id of the user-assigned identity that ingests. It holds Monitoring Metrics Publisher on
   * Application Insights before the service exists (./identity.ts), so the logger's first writes never meet a
   * role that has not propagated.
   */
  readonly identityClientId: pulumi.Input<string>;
  readonly api: apimanagement.Api;
}

export function declareTelemetry(name: string, args: TelemetryArgs, parent: pulumi.Resource): void {
  const logger = new apimanagement.Logger(
    `${name}-logger`,
    {
      ...args.service,
      loggerId: "appinsights",
      loggerType: "applicationInsights",
      resourceId: args.observability.appInsights.id,
      // "Connection string with user-assigned managed identity": the connection string names the resource (its
      // instrumentation key is no secret), the identity authenticates every write.
      // https://learn.microsoft.com/azure/api-management/api-management-howto-app-insights#create-a-connection-using-the-rest-api-bicep-or-arm-template
      credentials: {
        connectionString: args.observability.connectionString,
        identityClientId: args.identityClientId,
      },
    },
    { parent },
  );
  new apimanagement.ApiDiagnostic(
    `${name}-api-diagnostics`,
    {
      ...args.service,
      apiId: API_ID,
      diagnosticId: "applicationinsights",
      loggerId: logger.id,
      alwaysLog: "allErrors",
      sampling: { samplingType: "fixed", percentage: 100 },
      verbosity: "information",
      // Custom metrics carry the token counts the policy emits.
      metrics: true,
      logClientIp: true,
      httpCorrelationProtocol: "W3C",
      // Prompts and completions can be confidential: no bodies in the logs.
      frontend: { request: { body: { bytes: 0 } }, response: { body: { bytes: 0 } } },
      backend: { request: { body: { bytes: 0 } }, response: { body: { bytes: 0 } } },
    },
    { parent, dependsOn: [args.api] },
  );
  diagnosticSetting(`${name}-diagnostics`, args.serviceId, args.observability.workspace.id, { parent });
}

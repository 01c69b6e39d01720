/**
 * The gateway's telemetry: an Application Insights logger (its connection string a Key Vault-backed
 * named value), API diagnostics with custom metrics for the token counts the policy emits, and the
 * service's platform logs to Log Analytics.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { Observability, diagnosticSetting } from "../observability";
import { API_ID, TELEMETRY_NAMED_VALUE } from "./ids";
import { ServiceRef } from "./namedValues";

export interface TelemetryArgs {
  readonly service: ServiceRef;
  readonly serviceId: pulumi.Input<string>;
  readonly observability: Observability;
  /** The named value holding the connection string. */
  readonly connectionString: apimanagement.NamedValue;
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
      credentials: { connectionString: `{{${TELEMETRY_NAMED_VALUE}}}` },
    },
    { parent, dependsOn: [args.connectionString] },
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

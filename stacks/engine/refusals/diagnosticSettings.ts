/**
 * The mock engine's diagnostic settings check: a resource takes at most five diagnostic settings. The program
 * mirrors a multi-region gateway's and Front Door's logs to every gateway region's workspace, one setting
 * each, so a stack with more gateway regions than that would fail at its first `pulumi up`.
 */
import type { Props } from "../props";
import { AzureRefusal } from "./refusal";

export const MAX_DIAGNOSTIC_SETTINGS = 5;

const SOURCE =
  "https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings (a single resource can have up to five diagnostic settings)";

export class DiagnosticSettingRegistry {
  /** Resource id (lowercase) -> the settings declared on it. */
  private readonly settings = new Map<string, string[]>();

  check(logicalName: string, inputs: Props): AzureRefusal[] {
    const resource = String(inputs.resourceUri ?? "");
    const names = [...(this.settings.get(resource.toLowerCase()) ?? []), logicalName];
    this.settings.set(resource.toLowerCase(), names);
    return names.length > MAX_DIAGNOSTIC_SETTINGS
      ? [
          {
            rule: "diagnostic-settings",
            resource: logicalName,
            message: `${resource} already has ${MAX_DIAGNOSTIC_SETTINGS} diagnostic settings (${names.slice(0, -1).join(", ")}); Azure allows at most ${MAX_DIAGNOSTIC_SETTINGS} per resource`,
            source: SOURCE,
          },
        ]
      : [];
  }
}

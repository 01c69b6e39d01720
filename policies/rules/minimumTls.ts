/**
 * Security baseline: TLS 1.2 or newer wherever a resource has the setting. Generic settings are found by
 * name (`minimumTlsVersion`, `minTlsVersion`, `minimalTlsVersion`, at any depth); API Management spells
 * its protocols as `customProperties` switches. The topology's resources only: another team's storage
 * account or database keeps its own setting.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../catalog/types";
import { known } from "../lib/resources";
import { requireTopology } from "../lib/scope";
import { ApimServiceInputs } from "../lib/shapes";

const MIN_TLS_SETTING = /^min(imum|imal)?_?tls_?version$/i;
const APIM_PROTOCOL =
  /^Microsoft\.WindowsAzure\.ApiManagement\.Gateway\.Security\.(Backend\.)?Protocols\.(Tls10|Tls11|Ssl30)$/i;

/** `TLS1_0`, `1.1`, `Tls10`, `TLS12` -> 1.0, 1.1, 1.0, 1.2. */
export function tlsVersion(value: string): number | undefined {
  const match = /(\d)[._]?(\d)/.exec(value);
  return match ? Number(`${match[1]}.${match[2]}`) : undefined;
}

/** Every minimum-TLS setting below `props`, as [path, value]; values a preview does not know are skipped. */
function tlsSettings(value: unknown, path: string): [string, string][] {
  if (typeof value !== "object" || value === null) return [];
  return Object.keys(value).flatMap(key => {
    const child = known(() => (value as Record<string, unknown>)[key]);
    const at = path ? `${path}.${key}` : key;
    return MIN_TLS_SETTING.test(key) && typeof child === "string"
      ? [[at, child] as [string, string]]
      : tlsSettings(child, at);
  });
}

export const minimumTls: ResourceValidationPolicy = {
  name: "minimum-tls",
  description:
    "Every resource of the topology that has a minimum TLS setting requires TLS 1.2 or newer. Decides on each resource's inputs, in preview and after update.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    requireTopology(args);
    for (const [path, value] of tlsSettings(args.props, "")) {
      const version = tlsVersion(value);
      if (version !== undefined && version < 1.2)
        report(`'${args.name}' allows ${value} (${path}): set it to TLS 1.2 (TLS1_2) or newer.`);
    }
    if (args.type !== TYPES.apimService) return;
    const custom = (args.props as ApimServiceInputs).customProperties ?? {};
    for (const key of Object.keys(custom).filter(
      k => APIM_PROTOCOL.test(k) && String(known(() => custom[k])).toLowerCase() === "true",
    )) {
      report(
        `API Management service '${args.name}' enables a protocol older than TLS 1.2: set customProperties["${key}"] to "False".`,
      );
    }
  },
};

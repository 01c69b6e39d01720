/**
 * ARM resource ids: `/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>[/<type>/<name>...]`.
 * Resources refer to each other by these ids; ARM compares them case-insensitively.
 */
import { sameName } from "./resources";

export interface ArmId {
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  /** The full type: `Microsoft.ApiManagement/service/backends`. */
  readonly type: string;
  /** One name per type segment: `[<service>, <backend>]`. */
  readonly names: readonly string[];
}

const ARM_ID = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/([^/]+)\/(.+?)\/*$/i;

export function parseArmId(id: string | undefined): ArmId | undefined {
  const match = id === undefined ? null : ARM_ID.exec(id);
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, namespace, path] = match;
  const segments = path.split("/");
  if (segments.length % 2 !== 0 || segments.some(s => s === "")) return undefined;
  return {
    subscriptionId,
    resourceGroup,
    type: [namespace, ...segments.filter((_, i) => i % 2 === 0)].join("/"),
    names: segments.filter((_, i) => i % 2 === 1),
  };
}

/**
 * Whether `id` is the ARM id of a resource of `type` named `name()` (its last segment). The name is read
 * only for an id of that type: it may be an output a preview does not know.
 */
export function namesResource(id: string | undefined, type: string, name: () => string | undefined): boolean {
  const parsed = parseArmId(id);
  return parsed !== undefined && sameName(parsed.type, type) && sameName(parsed.names[parsed.names.length - 1], name());
}

/**
 * ARM resource ids: `/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>[/<type>/<name>...]`.
 * Resources refer to each other by these ids; ARM compares them case-insensitively.
 */

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

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** What an id must name: the type, the resource's own name and, when known, its resource group. */
export interface ArmTarget {
  readonly type: string;
  readonly name: string | undefined;
  readonly resourceGroup?: string;
}

/** Whether `id` names `target`. */
export function refersTo(id: string | undefined, target: ArmTarget): boolean {
  const parsed = parseArmId(id);
  if (!parsed || !same(parsed.type, target.type) || !same(parsed.names[parsed.names.length - 1], target.name)) return false;
  return target.resourceGroup === undefined || same(parsed.resourceGroup, target.resourceGroup);
}

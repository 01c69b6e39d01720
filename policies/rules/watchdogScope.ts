/**
 * Least privilege for private mode's failover watchdog: its identity (tagged `bcdr-role: watchdog`, or declared
 * under the watchdog component, tagged or not) holds only the role/scope pairs the program grants it
 * (catalog/watchdog.ts WATCHDOG_GRANTS): Private DNS Zone Contributor on the gateway's private DNS zone or its
 * record set, Storage Blob Data Owner on its own storage account, Monitoring Metrics Publisher on its own
 * Application Insights. Any other role, a scope wider than one resource, or a scope not computed from those
 * resources is refused. It judges the role assignments whose principal was computed from such an identity.
 * https://learn.microsoft.com/azure/dns/dns-protect-private-zones-recordsets (record-level Azure RBAC).
 * Decides in preview and after update.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseArmId } from "../lib/armId";
import { onTopology } from "../lib/scope";
import { Typed, ofType, tagOf } from "../lib/resources";
import { RoleAssignmentOutputs, UserAssignedIdentityOutputs } from "../lib/shapes";
import { TAG } from "../../catalog/tags";
import { WATCHDOG_COMPONENT, WATCHDOG_GRANTS } from "../../catalog/watchdog";
import { TYPES } from "../../catalog/types";

/** A URN's type chain: its own type and every ancestor component's. */
const typeChain = (urn: string) => (urn.split("::")[2] ?? "").split("$");

/** Whether the identity is the watchdog's: tagged so, or declared under the watchdog component. */
export function isWatchdogIdentity(urn: string, role: string | undefined): boolean {
  return role === "watchdog" || typeChain(urn).includes(WATCHDOG_COMPONENT);
}

/**
 * What is wrong with a watchdog grant of `roleDefinitionId` at `scope`, whose scope was computed from the
 * resources `from` (URNs), if anything: only the role/scope pairs of WATCHDOG_GRANTS pass.
 */
export function scopeProblem(scope: string, roleDefinitionId: string, from: readonly string[]): string | undefined {
  const id = parseArmId(scope);
  if (!id) return `scope ${scope} is wider than one resource (a subscription, resource group or management group)`;
  const grant = WATCHDOG_GRANTS.find(g => roleDefinitionId.toLowerCase().endsWith(g.role));
  if (!grant)
    return `role ${roleDefinitionId} is none the watchdog needs (${WATCHDOG_GRANTS.map(g => g.name).join(", ")})`;
  const onType = id.type.toLowerCase().startsWith(grant.armType.toLowerCase()) && id.names.length <= grant.depth;
  const computed = from.some(urn => {
    const chain = typeChain(urn);
    return chain.includes(grant.component) && (grant.types as readonly string[]).includes(chain[chain.length - 1]);
  });
  if (!onType || !computed) return `${grant.name} at ${scope}: the watchdog may hold it on ${grant.what}, nothing else`;
  return undefined;
}

export const watchdogScope: StackValidationPolicy = {
  name: "watchdog-scope",
  description:
    "The failover watchdog's identity holds only the roles the program grants it: DNS on the gateway's zone or record, blob data on its own storage, telemetry on its own Application Insights. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const identities = ofType<UserAssignedIdentityOutputs>(args.resources, TYPES.userAssignedIdentity).filter(i =>
      isWatchdogIdentity(i.urn, tagOf(i, TAG.role)),
    );
    if (identities.length === 0) args.notApplicable("the stack has no failover watchdog");
    const assignments = ofType<RoleAssignmentOutputs>(args.resources, TYPES.roleAssignment);
    // Only the assignments whose principal the engine says was computed from a watchdog identity.
    const ofWatchdog = (a: Typed<RoleAssignmentOutputs>) =>
      (a.propertyDependencies.principalId ?? []).some(d => identities.some(i => i.urn === d.urn));
    for (const a of assignments.filter(ofWatchdog)) {
      const scope = verdict.read(`the scope of role assignment '${a.name}'`, () => a.props.scope);
      const role = verdict.read(`the role of role assignment '${a.name}'`, () => a.props.roleDefinitionId);
      if (scope === undefined || role === undefined) continue;
      const from = (a.propertyDependencies.scope ?? []).map(d => d.urn);
      const problem = scopeProblem(scope, role, from);
      if (problem) verdict.violation(`Role assignment '${a.name}' of the failover watchdog: ${problem}.`, a.urn);
    }
  }),
};

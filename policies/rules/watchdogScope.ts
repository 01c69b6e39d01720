/**
 * Least privilege for private mode's failover watchdog: the identity this program tags `bcdr-role: watchdog` may
 * change DNS only at the gateway's private DNS zone or one of its record sets, and holds no role wider than one
 * resource (a subscription, management group or resource group scope is refused). It judges only identities this
 * program tagged, and the role assignments whose principal was computed from them (or names their principal).
 * https://learn.microsoft.com/azure/dns/dns-protect-private-zones-recordsets (record-level Azure RBAC).
 * Decides in preview and after update.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseArmId } from "../lib/armId";
import { onTopology } from "../lib/scope";
import { Typed, ofType, tagOf } from "../lib/resources";
import { RoleAssignmentOutputs, UserAssignedIdentityOutputs } from "../lib/shapes";
import { TAG } from "../../catalog/tags";
import { TYPES } from "../../catalog/types";

/** Private DNS Zone Contributor (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/networking). */
const PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f";
const ZONE_TYPE = "Microsoft.Network/privateDnsZones";

/** What is wrong with `scope` for `roleDefinitionId`, if anything. */
export function scopeProblem(scope: string, roleDefinitionId: string): string | undefined {
  const id = parseArmId(scope);
  if (!id) return `scope ${scope} is wider than one resource (a subscription, resource group or management group)`;
  const dnsRole = roleDefinitionId.toLowerCase().endsWith(PRIVATE_DNS_ZONE_CONTRIBUTOR);
  // The zone (`.../privateDnsZones/<zone>`) or one record set (`.../privateDnsZones/<zone>/<type>/<name>`).
  const zoneOrRecord = id.type.toLowerCase().startsWith(`${ZONE_TYPE.toLowerCase()}`) && id.names.length <= 2;
  if (dnsRole && !zoneOrRecord)
    return `Private DNS Zone Contributor at ${scope}: the watchdog may change the gateway's zone or its record, nothing else`;
  return undefined;
}

export const watchdogScope: StackValidationPolicy = {
  name: "watchdog-scope",
  description:
    "The failover watchdog's identity changes the gateway's private DNS zone or record, and holds no role wider than one resource. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  validateStack: onTopology((args, verdict) => {
    const identities = ofType<UserAssignedIdentityOutputs>(args.resources, TYPES.userAssignedIdentity).filter(
      i => tagOf(i, TAG.role) === "watchdog",
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
      const problem = scopeProblem(scope, role);
      if (problem) verdict.violation(`Role assignment '${a.name}' of the failover watchdog: ${problem}.`, a.urn);
    }
  }),
};

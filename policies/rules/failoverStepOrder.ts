/**
 * BCDR rule 4, failover order: in every backend pool a workload's own PTU comes first, then the
 * enterprise PTU pool, then the standard deployments. API Management serves the lowest priority number
 * first, so each tier's numbers must be below the next tier's.
 *
 * Pools list their members by ARM id (`.../service/<service>/backends/<backendId>`), matched against the
 * backends' output `name`, which is unknown until they exist: decides after update (advisory in a first
 * preview).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { Backend, PoolMember, backendAccount, gatewayServices, isPool, poolMembers, serviceOf } from "../lib/gateway";
import { decide } from "../lib/links";
import { openAiAccounts } from "../lib/openai";
import { AccountRole, TAG } from "../../catalog/tags";
import { TYPES } from "../../catalog/types";
import { ofType, tagOf } from "../lib/resources";
import { BackendOutputs } from "../lib/shapes";

/** Who a pool serves first: a workload's own PTU, then the shared PTU pool, then pay-as-you-go. */
const TIER_ORDER: readonly AccountRole[] = ["workload-ptu", "enterprise-ptu", "standard"];

export const backendPoolPriorities: StackValidationPolicy = {
  name: "backend-pool-priorities",
  description:
    "Every backend pool serves workload PTU before enterprise PTU before standard backends. Decides after update (pool members name backends by ARM id).",
  enforcementLevel: "mandatory",
  validateStack: decide((args, verdict) => {
    const backends = ofType<BackendOutputs>(args.resources, TYPES.backend);
    const pools = backends.filter(isPool);
    if (pools.length === 0) args.notApplicable("the stack has no backend pools");
    const services = gatewayServices(args.resources);
    const accounts = openAiAccounts(args.resources);
    const tierOf = (backend: Backend) => {
      const [account] = verdict.resolve(backendAccount(backend, accounts)) ?? [];
      return account && TIER_ORDER.indexOf(tagOf(account, TAG.role) as AccountRole);
    };
    for (const pool of pools) {
      const service = serviceOf(pool, services, verdict);
      const members = poolMembers(
        pool,
        backends.filter(b => !isPool(b) && serviceOf(b, services, verdict) === service),
        verdict,
      );
      if (!members) continue;
      for (const missing of members.filter(m => !m.backend)) {
        verdict.violation(
          `Pool '${pool.name}' lists ${missing.id}, which is no backend of its gateway in this stack: point it at one of the gateway's OpenAI backends.`,
          pool.urn,
        );
      }
      const tiered = members.flatMap(m => {
        const tier = m.backend && tierOf(m.backend);
        return tier === undefined || tier < 0 ? [] : [{ ...m, tier }];
      });
      const inversion = tiered.flatMap(a =>
        tiered.filter(b => a.tier < b.tier && a.priority >= b.priority).map(b => [a, b] as const),
      )[0];
      if (inversion) {
        const [early, late] = inversion;
        const label = (m: PoolMember & { tier: number }) =>
          `'${m.backend!.name}' (${TIER_ORDER[m.tier]}, priority ${m.priority})`;
        verdict.violation(
          `Pool '${pool.name}' does not serve ${label(early)} before ${label(late)}: the order must be workload PTU, then enterprise PTU, then standard; ` +
            `give each tier a lower priority number than the next.`,
          pool.urn,
        );
      }
    }
  }),
};

/**
 * Availability: every model version the stack deploys is offered on its SKU in its region, in Microsoft's
 * model matrix (offline) and, with `quota.source: live`, in Azure's models API for the subscription that
 * deploys it.
 */
import { matrixCitation, offeringRegions } from "../../../catalog/modelMatrix";
import { findModel } from "../../../catalog/models";
import { MODELS_API, OfferLookup } from "../../availability";
import { resolvedPools } from "../derive";
import { Issues } from "../issues";
import {
  OfferSources,
  declaredOffer,
  declaredRegions,
  declaresVersion,
  requiredOffers,
  unavailableOffer,
} from "../offers";
import { Rule, rule } from "./rule";

/** The keys the required offers are computed from. */
export const OFFER_SECTIONS = [
  "regions",
  "standard",
  "overflowSubscriptions",
  "enterprisePtu",
  "workloadPtus",
] as const;

export const availabilityRules: readonly Rule[] = [
  // An offer the stack declares (standard.models[].offer) is planned with a warning instead (offers.ts). A version
  // neither the catalog knows nor the stack declares is refused by the models rule already.
  rule(OFFER_SECTIONS, (c, issues) => {
    for (const o of requiredOffers({ ...c, ...resolvedPools(c) })) {
      const regions = offeringRegions(o.sku, o.model, o.version);
      if (regions.includes(o.region) || declaredOffer(c, o)) continue;
      if (findModel(o.model)?.versions.includes(o.version)) {
        issues.push(unavailableOffer(o, matrixCitation(o.sku), regions));
      } else if (declaresVersion(c, o.model, o.version)) {
        issues.push(
          unavailableOffer(
            o,
            `the stack's declaration (standard.models[].offer), as ${c.standard.deploymentType} only`,
            declaredRegions(c, o),
          ),
        );
      }
    }
  }),
];

/**
 * Refuses every required offer the live models API does not make to the subscription that deploys it.
 * `subscriptionIds` maps `primary` and each overflow name to its subscription id.
 */
export async function checkLiveAvailability(
  c: OfferSources,
  subscriptionIds: Readonly<Record<string, string>>,
  offered: OfferLookup,
  issues: Issues,
): Promise<void> {
  for (const o of requiredOffers(c)) {
    if (!(await offered(subscriptionIds[o.subscription], o.region, o))) {
      issues.push(
        unavailableOffer(o, `Azure's models API for subscription '${o.subscription}' in ${o.region} (${MODELS_API})`),
      );
    }
  }
}

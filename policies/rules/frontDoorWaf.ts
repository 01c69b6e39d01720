/**
 * BCDR rule 6, public mode: clients reach the gateways through Azure Front Door (Standard/Premium), whose
 * every endpoint is protected by a WAF policy that blocks (Prevention mode), not one that only logs.
 *
 * A security policy's `parameters` input is computed from the endpoints it associates and the WAF policy
 * it applies: propertyDependencies of `parameters`, told apart by type (else the ARM ids it names, matched
 * against output names). Decides in preview and after update.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { namesResource as names } from "../lib/armId";
import { link } from "../lib/links";
import { onTopology } from "../lib/scope";
import { NETWORK_MODE_SCHEMA, requireFrontDoorEntry } from "../lib/network";
import { requireOpenAi } from "../lib/openai";
import { TYPES } from "../../catalog/types";
import { Typed, ofType, sameName } from "../lib/resources";
import { EndpointOutputs, FrontDoorProfileOutputs, SecurityPolicyOutputs, WafPolicyOutputs } from "../lib/shapes";

const FRONT_DOOR_SKUS = ["Standard_AzureFrontDoor", "Premium_AzureFrontDoor"];

type SecurityPolicy = Typed<SecurityPolicyOutputs>;

const associates = (policy: SecurityPolicy) => (endpoint: Typed<EndpointOutputs>) =>
  (policy.props.parameters?.associations ?? []).some(a =>
    (a.domains ?? []).some(d => names(d.id, "Microsoft.Cdn/profiles/afdEndpoints", () => endpoint.props.name)),
  );

export const frontDoorWaf: StackValidationPolicy = {
  name: "front-door-waf",
  description:
    "Where clients come through Front Door (public mode), Azure Front Door fronts the gateways and a WAF policy in Prevention mode protects every endpoint. Decides in preview and after update.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: onTopology((args, verdict) => {
    requireFrontDoorEntry(args);
    requireOpenAi(args);
    const profiles = ofType<FrontDoorProfileOutputs>(args.resources, TYPES.frontDoorProfile).filter(p =>
      FRONT_DOOR_SKUS.includes(p.props.sku.name ?? ""),
    );
    if (profiles.length === 0) {
      verdict.violation(
        "The stack has no Azure Front Door (Standard_AzureFrontDoor or Premium_AzureFrontDoor) profile: public mode needs Front Door, " +
          "with a WAF policy in Prevention mode, in front of the regional gateways.",
      );
      return;
    }
    const endpoints = ofType<EndpointOutputs>(args.resources, TYPES.frontDoorEndpoint);
    const wafs = ofType<WafPolicyOutputs>(args.resources, TYPES.wafPolicy);
    const guards = ofType<SecurityPolicyOutputs>(args.resources, TYPES.securityPolicy)
      .map(policy => ({
        endpoints: verdict.resolve(
          link(policy, "parameters", endpoints, {
            what: `the endpoints of security policy '${policy.name}'`,
            matches: associates(policy),
          }),
        ),
        // [] when the WAF policy is outside the stack (a shared one): its mode cannot be read here, so it is accepted.
        wafs: verdict.resolve(
          link(policy, "parameters", wafs, {
            what: `the WAF policy of security policy '${policy.name}'`,
            matches: w =>
              names(
                policy.props.parameters?.wafPolicy?.id,
                "Microsoft.Network/frontDoorWebApplicationFirewallPolicies",
                () => w.props.name,
              ),
          }),
        ),
      }))
      .map(g => ({ ...g, waf: g.wafs?.[0], external: g.wafs?.length === 0 }));
    if (guards.some(g => g.endpoints === undefined || (g.wafs === undefined && g.endpoints.length > 0))) return;
    for (const endpoint of endpoints) {
      if (guards.some(g => g.endpoints!.includes(endpoint) && g.external)) continue;
      const guarding = guards.filter(g => g.endpoints!.includes(endpoint) && g.waf);
      const modes = guarding.map(g => ({
        waf: g.waf!,
        blocks: verdict.read(
          `the mode of WAF policy '${g.waf!.name}'`,
          () =>
            sameName(g.waf!.props.policySettings?.mode, "Prevention") &&
            !sameName(g.waf!.props.policySettings?.enabledState, "Disabled"),
        ),
      }));
      if (modes.some(m => m.blocks === true) || modes.some(m => m.blocks === undefined)) continue;
      const lenient = modes[0]?.waf;
      verdict.violation(
        lenient
          ? `WAF policy '${lenient.name}' protecting Front Door endpoint '${endpoint.name}' does not block: set policySettings.mode to "Prevention" and enabledState to "Enabled".`
          : `Front Door endpoint '${endpoint.name}' has no WAF: add a security policy (type WebApplicationFirewall) that associates a WAF policy in Prevention mode with it.`,
        (lenient ?? endpoint).urn,
      );
    }
  }),
};

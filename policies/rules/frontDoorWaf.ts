/**
 * BCDR rule 6, public mode: clients reach the gateways through Azure Front Door (Standard/Premium), whose
 * every endpoint is protected by a WAF policy that blocks (Prevention mode), not one that only logs.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { refersTo } from "../lib/armId";
import { NETWORK_MODE_SCHEMA, requireNetworkMode } from "../lib/network";
import { TYPES, Typed, ofType, referenced, references, sameName } from "../lib/resources";
import { EndpointInputs, FrontDoorProfileInputs, SecurityPolicyInputs, WafPolicyInputs } from "../lib/shapes";

const FRONT_DOOR_SKUS = ["Standard_AzureFrontDoor", "Premium_AzureFrontDoor"];

type SecurityPolicy = Typed<SecurityPolicyInputs>;
type WafPolicy = Typed<WafPolicyInputs>;

function protects(policy: SecurityPolicy, endpoint: Typed<EndpointInputs>): boolean {
  return references(policy, endpoint, () => (policy.props.parameters?.associations ?? []).some(a => (a.domains ?? []).some(d =>
    refersTo(d.id, { type: "Microsoft.Cdn/profiles/afdEndpoints", name: endpoint.props.endpointName, resourceGroup: endpoint.props.resourceGroupName }))));
}

function wafOf(policy: SecurityPolicy, wafs: readonly WafPolicy[]): WafPolicy | undefined {
  return referenced(policy, wafs, w => refersTo(policy.props.parameters?.wafPolicy?.id,
    { type: "Microsoft.Network/frontDoorWebApplicationFirewallPolicies", name: w.props.policyName, resourceGroup: w.props.resourceGroupName }));
}

const blocks = (waf: WafPolicy) =>
  sameName(waf.props.policySettings?.mode, "Prevention") && !sameName(waf.props.policySettings?.enabledState, "Disabled");

export const frontDoorWaf: StackValidationPolicy = {
  name: "front-door-waf",
  description: "In public mode, Azure Front Door fronts the gateways and a WAF policy in Prevention mode protects every endpoint.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: (args, report) => {
    requireNetworkMode(args, "public");
    const profiles = ofType<FrontDoorProfileInputs>(args.resources, TYPES.frontDoorProfile).filter(p => FRONT_DOOR_SKUS.includes(p.props.sku?.name ?? ""));
    if (profiles.length === 0) {
      report("The stack has no Azure Front Door (Standard_AzureFrontDoor or Premium_AzureFrontDoor) profile: public mode needs Front Door, " +
        "with a WAF policy in Prevention mode, in front of the regional gateways.");
      return;
    }
    const securityPolicies = ofType<SecurityPolicyInputs>(args.resources, TYPES.securityPolicy);
    const wafs = ofType<WafPolicyInputs>(args.resources, TYPES.wafPolicy);
    for (const endpoint of ofType<EndpointInputs>(args.resources, TYPES.frontDoorEndpoint)) {
      const guarding = securityPolicies.filter(p => protects(p, endpoint)).map(p => ({ policy: p, waf: wafOf(p, wafs) }));
      if (guarding.some(g => g.waf && blocks(g.waf))) continue;
      const lenient = guarding.find(g => g.waf)?.waf;
      report(lenient
        ? `WAF policy '${lenient.name}' protecting Front Door endpoint '${endpoint.name}' does not block: set policySettings.mode to "Prevention" and enabledState to "Enabled".`
        : `Front Door endpoint '${endpoint.name}' has no WAF: add a security policy (type WebApplicationFirewall) that associates a WAF policy in Prevention mode with it.`,
        (lenient ?? endpoint).urn);
    }
  },
};

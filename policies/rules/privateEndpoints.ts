/**
 * BCDR rule 7, private mode: every gateway region reaches every OpenAI account through a private endpoint
 * in its own VNet, so a region's gateway never depends on another region's network to fail over.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { gatewayRegions } from "../lib/gateway";
import { NETWORK_MODE_SCHEMA, requireNetworkMode } from "../lib/network";
import { Account, openAiAccounts } from "../lib/openai";
import { refersTo } from "../lib/armId";
import { TYPES, Typed, ofType, referenced, regionName } from "../lib/resources";
import { PrivateEndpointInputs } from "../lib/shapes";

type PrivateEndpoint = Typed<PrivateEndpointInputs>;

/** The account a private endpoint connects to, by the ARM id of its (manual or automatic) connection. */
function endpointAccount(endpoint: PrivateEndpoint, accounts: readonly Account[]): Account | undefined {
  const { privateLinkServiceConnections = [], manualPrivateLinkServiceConnections = [] } = endpoint.props;
  return referenced(endpoint, accounts, a => [...privateLinkServiceConnections, ...manualPrivateLinkServiceConnections].some(c =>
    refersTo(c.privateLinkServiceId, { type: "Microsoft.CognitiveServices/accounts", name: a.props.accountName, resourceGroup: a.props.resourceGroupName })));
}

export const privateEndpoints: StackValidationPolicy = {
  name: "private-endpoints",
  description: "In private mode, every OpenAI account has a private endpoint in every gateway region.",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: (args, report) => {
    requireNetworkMode(args, "private");
    const regions = gatewayRegions(args.resources);
    if (regions.length === 0) args.notApplicable("the stack has no API Management gateway");
    const accounts = openAiAccounts(args.resources);
    const endpoints = ofType<PrivateEndpointInputs>(args.resources, TYPES.privateEndpoint)
      .map(endpoint => ({ region: regionName(endpoint.props.location), account: endpointAccount(endpoint, accounts) }));
    for (const account of accounts) {
      for (const region of regions.filter(r => !endpoints.some(e => e.account === account && e.region === r))) {
        report(`OpenAI account '${account.name}' has no private endpoint in gateway region ${region}: add one in ${region}'s VNet ` +
          `(group id "account") with an A record in that region's privatelink.openai.azure.com zone.`, account.urn);
      }
    }
  },
};

/**
 * BCDR rule 7, private mode: every gateway region reaches every OpenAI account through a private endpoint
 * in its own VNet, so a region's gateway never depends on another region's network to fail over.
 * An endpoint connects to the account its `privateLinkServiceConnections` were computed from (else the
 * one whose name its privateLinkServiceId names). Decides in preview and after update.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { namesResource } from "../lib/armId";
import { gatewayRegions } from "../lib/gateway";
import { link } from "../lib/links";
import { onTopology } from "../lib/scope";
import { NETWORK_MODE_SCHEMA, requirePrivateBackends } from "../lib/network";
import { Account, openAiAccounts } from "../lib/openai";
import { TYPES } from "../../catalog/types";
import { Typed, ofType, regionName } from "../lib/resources";
import { PrivateEndpointOutputs } from "../lib/shapes";

type PrivateEndpoint = Typed<PrivateEndpointOutputs>;

/** Whether the endpoint's connections name the account. An endpoint has automatic or manual connections (ARM), so the manual list is read only without automatic ones. */
const namesAccount = (endpoint: PrivateEndpoint) => (account: Account) => {
  const automatic = endpoint.props.privateLinkServiceConnections ?? [];
  const connections = automatic.length > 0 ? automatic : (endpoint.props.manualPrivateLinkServiceConnections ?? []);
  return connections.some(c =>
    namesResource(c.privateLinkServiceId, "Microsoft.CognitiveServices/accounts", () => account.props.name),
  );
};

export const privateEndpoints: StackValidationPolicy = {
  name: "private-endpoints",
  description:
    "Where the gateways reach the accounts through private endpoints, every OpenAI account has a private endpoint in every gateway region. " +
    "Decides after update, and in preview where the gateway's locations are known (a service that lists them).",
  enforcementLevel: "mandatory",
  configSchema: NETWORK_MODE_SCHEMA,
  validateStack: onTopology((args, verdict) => {
    requirePrivateBackends(args);
    const { regions, complete } = gatewayRegions(args.resources);
    if (regions.length === 0) args.notApplicable("the stack has no API Management gateway");
    if (!complete) verdict.cannotDecide("the gateway's additional locations are unknown");
    const accounts = openAiAccounts(args.resources);
    const endpoints = ofType<PrivateEndpointOutputs>(args.resources, TYPES.privateEndpoint).map(endpoint => ({
      region: regionName(
        verdict.read(`the location of private endpoint '${endpoint.name}'`, () => endpoint.props.location),
      ),
      accounts: verdict.resolve(
        link(endpoint, "privateLinkServiceConnections", accounts, {
          what: `the account private endpoint '${endpoint.name}' connects to`,
          matches: namesAccount(endpoint),
        }),
      ),
    }));
    // An endpoint the preview cannot place leaves "missing" undecided, never reported.
    if (endpoints.some(e => e.region === undefined || e.accounts === undefined)) return;
    for (const account of accounts) {
      for (const region of regions.filter(r => !endpoints.some(e => e.accounts!.includes(account) && e.region === r))) {
        verdict.violation(
          `OpenAI account '${account.name}' has no private endpoint in gateway region ${region}: add one in ${region}'s VNet ` +
            `(group id "account") with an A record in that region's privatelink.openai.azure.com zone.`,
          account.urn,
        );
      }
    }
  }),
};

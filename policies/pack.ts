/**
 * The aoai-bcdr-guardrails policy pack: its name, its settings and its rules, in the order they read in a
 * report. index.ts serves it to the Pulumi CLI; the offline plan, `npm run policy` and the tests run the
 * same entry in the real policy server (stacks/policyServer), never in-process.
 */
import type { PolicyPackArgs } from "@pulumi/policy";
import { accountLocalAuth } from "./rules/accountLocalAuth";
import { apiPolicyFailover } from "./rules/apiPolicyFailover";
import { failoverStepOrder } from "./rules/failoverStepOrder";
import { circuitBreakerBackends } from "./rules/circuitBreakerBackends";
import { dataZoneConsistency } from "./rules/dataZoneConsistency";
import { frontDoorOrigins } from "./rules/frontDoorOrigins";
import { frontDoorWaf } from "./rules/frontDoorWaf";
import { gatewayMultiRegion } from "./rules/gatewayMultiRegion";
import { keyVaultHardening } from "./rules/keyVaultHardening";
import { keyVaultNamedValues } from "./rules/keyVaultNamedValues";
import { minimumTls } from "./rules/minimumTls";
import { noSecretsInPolicyXml } from "./rules/noSecretsInPolicyXml";
import { oneDeploymentPerModel } from "./rules/oneDeploymentPerModel";
import { pairedOpenAiAccounts } from "./rules/pairedOpenAiAccounts";
import { privateAccountAccess } from "./rules/privateAccountAccess";
import { privateEndpoints } from "./rules/privateEndpoints";
import { ptuRegionSeparation } from "./rules/ptuRegionSeparation";
import { regionalStandardDeployment } from "./rules/regionalStandardDeployment";
import { splitBrainDns } from "./rules/splitBrainDns";
import { standardDeploymentSku } from "./rules/standardDeploymentSku";
import { standardModelParity } from "./rules/standardModelParity";
import { topologyTags } from "./rules/topologyTags";
import { watchdogScope } from "./rules/watchdogScope";

export const PACK_NAME = "aoai-bcdr-guardrails";

export const rules = [
  // What the pack judges
  topologyTags,
  // OpenAI accounts and deployments
  pairedOpenAiAccounts,
  standardModelParity,
  standardDeploymentSku,
  regionalStandardDeployment,
  dataZoneConsistency,
  oneDeploymentPerModel,
  ptuRegionSeparation,
  // The gateway
  gatewayMultiRegion,
  circuitBreakerBackends,
  failoverStepOrder,
  apiPolicyFailover,
  keyVaultNamedValues,
  noSecretsInPolicyXml,
  // Private mode
  privateAccountAccess,
  privateEndpoints,
  splitBrainDns,
  watchdogScope,
  // Public mode
  frontDoorWaf,
  frontDoorOrigins,
  // Security baseline
  accountLocalAuth,
  keyVaultHardening,
  minimumTls,
];

export const packArgs: PolicyPackArgs = {
  displayName: "Azure OpenAI BCDR guardrails",
  description:
    "Refuses an Azure OpenAI topology that breaks the aoai-bcdr business-continuity rules: paired regions, " +
    "duplicated deployments, PTU placement, a multi-region gateway with ordered failover, private or WAF-protected entry, secrets in Key Vault. " +
    "Judges only the topology's resources (its bcdr-role tags); other stacks are not applicable, but for literal secrets in API Management.",
  enforcementLevel: "mandatory",
  policies: rules,
};

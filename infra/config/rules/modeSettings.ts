/** Settings the chosen mode would ignore are refused rather than silently dropped. */
import { Rule, rule } from "./rule";

export const modeSettingRules: readonly Rule[] = [
  // What was written, not the defaults: an edge key set in private mode is refused even if it did not parse.
  rule(["network"], (c, issues, { raw }) => {
    if (raw.edge !== undefined && c.network.mode === "private") {
      issues.add(
        ["edge"],
        "is used in public mode only (Front Door in front of the gateways); private mode has no edge: remove it, or set network.mode: public",
      );
    }
  }),
  rule(["standard"], ({ standard }, issues) => {
    if (standard.allowRegionalStandard && standard.deploymentType !== "Standard") {
      issues.add(
        ["standard", "allowRegionalStandard"],
        `applies only to deploymentType: Standard, not ${standard.deploymentType}; remove it`,
      );
    }
  }),
  // The account keys are Key Vault-backed named values, and the vault's firewall admits no network in public mode.
  // API Management needs line of sight to a firewalled vault: "trusted service" connectivity is retired for it
  // (https://learn.microsoft.com/azure/api-management/breaking-changes/trusted-service-connectivity-retirement-march-2026;
  // https://learn.microsoft.com/azure/api-management/api-management-howto-properties#prerequisites-for-key-vault-integration).
  // Private mode gives it the vault's private endpoint in every gateway region.
  rule(["openai", "network"], ({ openai, network }, issues) => {
    if (openai.auth === "keys" && network.mode === "public") {
      issues.add(
        ["openai", "auth"],
        "keys are read from the stack's Key Vault, which public mode keeps behind its firewall with no network path for " +
          "API Management (its trusted-service access is retired): use managedIdentity (default), or network.mode: private",
      );
    }
  }),
  rule(["quota"], ({ quota }, issues) => {
    if (quota.source === "live" && quota.declared.length > 0) {
      issues.add(
        ["quota", "declared"],
        "is read only with quota.source: declared; with live the quota comes from Azure's usages API: remove the table, or set quota.source: declared",
      );
    }
  }),
];

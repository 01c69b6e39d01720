/**
 * The gateway: a region for each standard region, a tier that supports what the stack asks of it
 * (multi-region, availability zones, VNet injection), a certificate exactly when a custom domain needs one,
 * and PTU budgets and caller authentication that make sense together.
 */
import { checkUnique } from "../issues";
import { Rule, rule } from "./rule";

export const gatewayRules: readonly Rule[] = [
  rule(["gateway", "regions"], (c, issues) => {
    checkUnique(
      issues,
      c.gateway.regions,
      r => r,
      i => ["gateway", "regions", i],
      "gateway region",
    );
    for (const [role, r] of [
      ["primary", c.regions.primary],
      ["secondary", c.regions.secondary],
    ] as const) {
      if (!c.gateway.regions.includes(r)) {
        issues.add(
          ["gateway", "regions"],
          `must include the ${role} standard region '${r}' so its gateway survives the other region's outage`,
        );
      }
    }
  }),
  rule(["gateway"], ({ gateway: g }, issues) => {
    if (g.mode === "multi-region" && g.sku !== "Premium") {
      issues.add(
        ["gateway", "sku"],
        `${g.sku} cannot span regions; mode multi-region needs Premium, or set gateway.mode: per-region`,
      );
    }
    if (g.zoneRedundant && g.sku !== "Premium") {
      issues.add(["gateway", "zoneRedundant"], `availability zones need the Premium tier, not ${g.sku}`);
    } else if (g.zoneRedundant && g.capacity < 2) {
      issues.add(["gateway", "capacity"], "zone redundancy spreads units across zones: at least 2 units per region");
    }
  }),
  rule(["gateway", "network"], ({ gateway: g, network: n }, issues) => {
    if (n.mode === "private" && !["Developer", "Premium"].includes(g.sku)) {
      issues.add(
        ["gateway", "sku"],
        `private mode injects the gateway into a VNet (internal mode), which only Developer and Premium support, not ${g.sku}`,
      );
    }
    // A host name API Management has no certificate for gets every client a TLS name mismatch.
    if (n.mode === "private" && n.gatewayDomain && !g.certificate) {
      issues.add(
        ["gateway", "certificate"],
        `network.gatewayDomain '${n.gatewayDomain}' needs the TLS certificate the gateway serves for it: ` +
          "set gateway.certificate to { keyVaultId: <ARM id of the vault>, secretName: <secret holding the PFX> }",
      );
    } else if (g.certificate && n.mode === "public") {
      issues.add(
        ["gateway", "certificate"],
        "is the certificate for network.gatewayDomain, which private mode uses only (public mode's entry is Front Door's host): remove it",
      );
    } else if (g.certificate && !n.gatewayDomain) {
      issues.add(
        ["gateway", "certificate"],
        "is the certificate for network.gatewayDomain: set network.gatewayDomain, or remove it",
      );
    }
  }),
  // The first-byte bound is one attempt's: it must fit in the chain's deadline, or streamed attempts are cut by it instead.
  rule(["gateway"], ({ gateway: g }, issues) => {
    if (g.streamFirstByteSeconds > g.chainTimeoutSeconds) {
      issues.add(
        ["gateway", "streamFirstByteSeconds"],
        `must be at most gateway.chainTimeoutSeconds (${g.chainTimeoutSeconds}): one streamed attempt cannot wait longer than the whole chain`,
      );
    }
  }),
  rule(["gateway"], ({ gateway: { ptuBudget } }, issues) => {
    if (ptuBudget.priority3 > ptuBudget.priority2) {
      issues.add(
        ["gateway", "ptuBudget", "priority3"],
        `must be at most ptuBudget.priority2 (${ptuBudget.priority2}): lower-priority applications leave the PTU pools first`,
      );
    }
  }),
  // validate-azure-ad-token requires at least one client application id:
  // https://learn.microsoft.com/azure/api-management/validate-azure-ad-token-policy#elements
  rule(["gateway", "applications"], (c, issues) => {
    if (c.gateway.callerAuth !== "entra") return;
    c.applications.forEach((a, i) => {
      if (a.clientApplicationIds.length === 0) {
        issues.add(
          ["applications", i, "clientApplicationIds"],
          "must list at least one Entra client application id in callerAuth: entra (the gateway accepts tokens only from listed client applications)",
        );
      }
    });
  }),
];

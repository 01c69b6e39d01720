/**
 * Generated names satisfy their type's rule and stay unique: fitting names are kept as they are, replaced
 * characters and cuts add a hash of the whole name. (test/mockEngine.test.ts plans a whole stack with an
 * awkward name: the mock engine checks every name it declares.)
 */
import { NAMING_RULES, nameProblem } from "../catalog/namingRules";
import { roleAssignmentName } from "../infra/identity";
import { accountSubdomain, azureName } from "../infra/naming";
import { TYPES } from "../catalog/types";

const RG = TYPES.resourceGroup;

describe("azureName", () => {
  test("a name that fits is unchanged (existing resources keep their names)", () => {
    expect(azureName(RG, ["rg", "aoai", "prod", "standard-primary", "eastus2"])).toBe(
      "rg-aoai-prod-standard-primary-eastus2",
    );
    expect(azureName(TYPES.vault, ["kv", "prod", "eastus2"], "abc123")).toBe("kv-prod-eastus2-abc123");
    expect(azureName(TYPES.wafPolicy, ["waf", "dev", "aoai"])).toBe("wafdevaoai");
    // A resource group may hold `_` and `.`: a stack named team_a keeps its groups' names (no replacement).
    expect(azureName(RG, ["rg", "aoai", "team_a", "gateway", "eastus2"])).toBe("rg-aoai-team_a-gateway-eastus2");
  });

  test("`_` and `.` from a stack name become hyphens plus a hash, so team_a.dev and team-a-dev never meet", () => {
    const odd = azureName(TYPES.workspace, ["log", "aoai", "team_a.dev"]);
    expect(odd).toMatch(/^log-aoai-team-a-dev-[0-9a-f]{6}$/);
    expect(odd).not.toBe(azureName(TYPES.workspace, ["log", "aoai", "team-a-dev"]));
    expect(azureName(TYPES.wafPolicy, ["waf", "team_a.dev", "aoai"])).toMatch(/^wafteamadevaoai[0-9a-f]{6}$/);
  });

  test("over-long names are cut to the type's limit with a hash of the whole name: two names sharing a long prefix stay distinct", () => {
    const long = "x".repeat(80);
    const a = azureName(RG, ["rg", "aoai", long, "workload-claims", "eastus2"]);
    const b = azureName(RG, ["rg", "aoai", long, "workload-fraud", "eastus2"]);
    for (const n of [a, b]) expect(nameProblem(n, NAMING_RULES[RG][0].rule)).toBeUndefined();
    expect(a.length).toBe(90);
    expect(a).not.toBe(b);
    const pe = azureName(TYPES.privateEndpoint, [
      "pe",
      `overflow-${"s".repeat(24)}-germanywestcentral`,
      "germanywestcentral",
    ]);
    expect(pe.length).toBeLessThanOrEqual(64);
  });

  test("a custom subdomain fits a DNS label (63), though the account name rule allows 64; the random suffix stays at the end", () => {
    const sub = accountSubdomain(
      "s".repeat(40),
      "overflow-subscription-b-germanywestcentral",
      "germanywestcentral",
      "abc123",
    );
    expect(sub.length).toBe(63);
    expect(sub).toMatch(/-[0-9a-f]{6}-abc123$/);
    for (const { rule } of NAMING_RULES[TYPES.account]) expect(nameProblem(sub, rule)).toBeUndefined();
  });

  /** Names the program never builds from parts: GUIDs, fixed ids, DNS names given by config or by Microsoft. */
  const notGenerated: readonly string[] = [
    TYPES.roleAssignment,
    TYPES.apiPolicy,
    TYPES.apiDiagnostic,
    TYPES.privateZone,
    TYPES.record,
  ];
  test.each(Object.keys(NAMING_RULES).filter(t => !notGenerated.includes(t)))(
    "%s: a name from long, awkward parts satisfies the rule",
    type => {
      const name = azureName(type, ["n", "Team_A.Dev", "y".repeat(300)]);
      expect(nameProblem(name, NAMING_RULES[type][0].rule)).toBeUndefined();
    },
  );
});

describe("role assignment names", () => {
  test("derive from scope, principal and role: a replaced identity or scope gets a new name", () => {
    const base = roleAssignmentName(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
      "p1",
      "4633458b-17de-408a-b874-0445c86b69e6",
    );
    expect(base).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(
      roleAssignmentName(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        "p1",
        "4633458b-17de-408a-b874-0445c86b69e6",
      ),
    ).toBe(base);
    expect(
      roleAssignmentName(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        "p2",
        "4633458b-17de-408a-b874-0445c86b69e6",
      ),
    ).not.toBe(base);
    expect(
      roleAssignmentName(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv2",
        "p1",
        "4633458b-17de-408a-b874-0445c86b69e6",
      ),
    ).not.toBe(base);
    expect(
      roleAssignmentName(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        "p1",
        "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
      ),
    ).not.toBe(base);
  });
});

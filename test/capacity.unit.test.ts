import type { StackOutputs } from "../infra/outputs";
import { capacityAfterRegionLoss, renderCapacity } from "../stacks/cli/capacity";

const deployment = (sku: string, capacity: number) => ({
  model: "gpt-5.1",
  version: "2025-11-13",
  sku,
  capacity,
  capacitySource: "declared" as const,
});
const account = (region: string, sku: string, capacity: number) => ({
  role: "standard" as const,
  region,
  subscription: "primary",
  name: `oai-${region}`,
  endpoint: `https://oai-${region}.openai.azure.com/`,
  deployments: { "gpt-5.1": deployment(sku, capacity) },
});

/** Prod's shape before its overflow moved: two standard accounts and a PTU pool in eastus2, one account in centralus. */
const outputs: Pick<StackOutputs, "accounts" | "chains" | "applications"> = {
  accounts: {
    "standard-primary": account("eastus2", "DataZoneStandard", 450),
    "overflow-sub-b-eastus2": account("eastus2", "DataZoneStandard", 450),
    "standard-secondary": account("centralus", "DataZoneStandard", 450),
    "workload-claims": account("eastus2", "DataZoneProvisionedManaged", 50),
  },
  chains: {
    "shared-gpt-5.1": { name: "shared-gpt-5.1", deployment: "gpt-5.1", tiers: [] },
    "claims-gpt-5.1": { name: "claims-gpt-5.1", deployment: "gpt-5.1", workload: "claims", tiers: [] },
  },
  applications: {
    "claims-assistant": { priority: 1, workload: "claims", tokensPerMinute: 400000, chains: ["claims-gpt-5.1"] },
    "doc-search": { priority: 2, tokensPerMinute: 500000, chains: ["shared-gpt-5.1"] },
  },
};

describe("capacity after the loss of each region", () => {
  const report = capacityAfterRegionLoss(outputs);

  test("every region up, then each account region lost in turn", () => {
    expect(report.losses.map(l => [l.lost, l.deployments["gpt-5.1"]])).toEqual([
      [null, { standardK: 1350, ptu: 50 }],
      ["eastus2", { standardK: 450, ptu: 0 }],
      ["centralus", { standardK: 900, ptu: 50 }],
    ]);
    expect(report.applicationLimits).toEqual({ "gpt-5.1": 900000 });
  });

  test("the table marks a loss that leaves standard capacity below the applications' limits", () => {
    const [, , header, row] = renderCapacity(report).split("\n");
    expect(header.trim().split(/\s{2,}/)).toEqual(["deployment", "all up", "-eastus2", "-centralus", "app limits"]);
    expect(row.trim().split(/\s{2,}/)).toEqual(["gpt-5.1", "1350K + 50 PTU", "450K short", "900K + 50 PTU", "900K"]);
  });

  test("an application without a token limit makes the deployment's demand unlimited", () => {
    const unlimited = capacityAfterRegionLoss({
      ...outputs,
      applications: { ...outputs.applications, chatbot: { priority: 3, chains: ["shared-gpt-5.1"] } },
    });
    expect(unlimited.applicationLimits).toEqual({ "gpt-5.1": null });
    expect(
      renderCapacity(unlimited)
        .split("\n")[3]
        .trim()
        .split(/\s{2,}/),
    ).toEqual(["gpt-5.1", "1350K + 50 PTU", "450K", "900K + 50 PTU", "unlimited"]);
  });
});

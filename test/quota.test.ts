import { Usage, UsagesClient, usageName } from "../infra/quota";
import { DEFAULT_SUBSCRIPTION_ID } from "../stacks/engine/mocks";
import { TYPES } from "../catalog/types";
import { ofType, runStack } from "./support";
import type { Loose } from "./loose";

/** Answers like `GET .../locations/{location}/usages`: one row per quota name, paged as an async iterable. */
function usagesClient(limits: Record<string, Record<string, number>>): UsagesClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async *list(subscriptionId: string, location: string): AsyncIterable<Usage> {
      calls.push(`${subscriptionId}/${location}`);
      for (const [name, limit] of Object.entries(limits[`${subscriptionId}/${location}`] ?? {})) {
        yield { name: { value: name }, limit, currentValue: limit, unit: "Count" } as Usage;
      }
    },
  };
}

const live = (v: Loose) => {
  v.quota = { source: "live" };
};

describe("live quota (Azure's usages API)", () => {
  test("full becomes the quota limit read for each subscription and region, marked live", async () => {
    const client = usagesClient({
      [`${DEFAULT_SUBSCRIPTION_ID}/eastus2`]: {
        [usageName("DataZoneStandard", "gpt-5.1")]: 120,
        "OpenAI.Standard.gpt-5.1": 999,
      },
      [`${DEFAULT_SUBSCRIPTION_ID}/centralus`]: {
        [usageName("DataZoneStandard", "gpt-5.1")]: 80,
        [usageName("DataZoneStandard", "gpt-5.4-mini")]: 60,
      },
    });
    const run = await runStack("dev", { edit: live, usagesClient: client });
    const caps = ofType(run, TYPES.deployment).map(
      d => `${d.inputs.accountName}:${d.inputs.deploymentName}=${(d.inputs.sku as Loose).capacity}`,
    );
    expect(caps).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/primary-eastus2-.*:gpt-5\.1=120$/),
        expect.stringMatching(/secondary-centralus-.*:gpt-5\.1=80$/),
      ]),
    );
    expect((run.outputs.accounts as Loose)["standard-primary"].deployments["gpt-5.1"].capacitySource).toBe("live");
    // The stack owns the quota: its own deployments' current usage must not shrink it (currentValue = limit above).
    expect(client.calls.sort()).toEqual([`${DEFAULT_SUBSCRIPTION_ID}/centralus`, `${DEFAULT_SUBSCRIPTION_ID}/eastus2`]);
  });

  test("a numeric capacity above the live quota is refused", async () => {
    const client = usagesClient({
      [`${DEFAULT_SUBSCRIPTION_ID}/eastus2`]: {
        [usageName("DataZoneStandard", "gpt-5.1")]: 100,
        [usageName("DataZoneStandard", "gpt-5.4-mini")]: 20,
      },
      [`${DEFAULT_SUBSCRIPTION_ID}/centralus`]: {
        [usageName("DataZoneStandard", "gpt-5.1")]: 100,
        [usageName("DataZoneStandard", "gpt-5.4-mini")]: 200,
      },
    });
    await expect(runStack("dev", { edit: live, usagesClient: client })).rejects.toThrow(
      /aoai-bcdr:standard\.models\[0\]\.capacity: 50 exceeds the live quota of 20 for gpt-5\.4-mini DataZoneStandard in eastus2/,
    );
  });

  test("full with no quota row in Azure is refused", async () => {
    await expect(runStack("dev", { edit: live, usagesClient: usagesClient({}) })).rejects.toThrow(
      /aoai-bcdr:standard\.models\[1\]\.capacity: "full" found no OpenAI\.DataZoneStandard\.gpt-5\.1 quota/,
    );
  });
});

describe("declared quota", () => {
  test("a numeric capacity above the declared quota is refused", async () => {
    await expect(
      runStack("dev", {
        edit: v => {
          v.standard.models[0].capacity = 201;
        },
      }),
    ).rejects.toThrow(
      /aoai-bcdr:standard\.models\[0\]\.capacity: 201 exceeds the declared quota of 200 for gpt-5\.4-mini DataZoneStandard in eastus2 \(subscription 'primary'\); at most 200, or "full"/,
    );
  });

  test("full with no declared quota is refused", async () => {
    await expect(
      runStack("prod", {
        edit: v => {
          v.quota.declared = v.quota.declared.filter((q: Loose) => q.subscription !== "sub-b");
        },
      }),
    ).rejects.toThrow(
      /"full" needs the quota of gpt-5.1 DataZoneStandard in eastus2 \(subscription 'sub-b'\): add it to aoai-bcdr:quota\.declared/,
    );
  });
});

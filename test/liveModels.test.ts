/**
 * The availability catalog against the live models API (quota.source live), in whole-program runs.
 */
import type { ModelsClient, SupportedModel } from "../infra/availability";
import { matrixModelsClient } from "../stacks/engine/refusals/availability";
import type { Loose } from "./loose";
import { runStack } from "./support";

describe("quota.source live: the models API is asked too", () => {
  /** The mock engine's models API, minus the offers `drop` names (`<sku>/<model>@<version>` in a location). */
  const without = (location: string, drop: string): ModelsClient => ({
    async *list(subscriptionId: string, at: string): AsyncIterable<SupportedModel> {
      for await (const m of matrixModelsClient().list(subscriptionId, at)) {
        yield at !== location
          ? m
          : {
              ...m,
              model: {
                ...m.model,
                skus: (m.model?.skus ?? []).filter(s => `${s.name}/${m.model?.name}@${m.model?.version}` !== drop),
              },
            };
      }
    },
  });
  const usages = {
    async *list() {
      yield { name: { value: "OpenAI.DataZoneStandard.gpt-5.1" }, limit: 100 };
      yield { name: { value: "OpenAI.DataZoneStandard.gpt-5.4-mini" }, limit: 100 };
    },
  };

  test("an overflow subscription is asked about its own offers", async () => {
    const overflow = "22222222-2222-4222-8222-222222222222";
    const nothingForOverflow: ModelsClient = {
      async *list(subscriptionId: string, location: string) {
        if (subscriptionId !== overflow) yield* matrixModelsClient().list(subscriptionId, location);
      },
    };
    await expect(
      runStack("prod", {
        edit: v => {
          v.quota = { source: "live" };
        },
        usagesClient: usages,
        modelsClient: nothingForOverflow,
      }),
    ).rejects.toThrow(
      /aoai-bcdr:standard\.models\[0\]: gpt-5\.1 2025-11-13 is not offered as DataZoneStandard in eastus2 \(aoai-bcdr:overflowSubscriptions\[0\]\.regions\[0\]\)\. Source: Azure's models API for subscription 'sub-b'/,
    );
  });

  test("an offer the subscription does not get in a region is refused before anything is declared", async () => {
    await expect(
      runStack("dev", {
        edit: v => {
          v.quota = { source: "live" };
        },
        usagesClient: usages,
        modelsClient: without("centralus", "DataZoneStandard/gpt-5.1@2025-11-13"),
      }),
    ).rejects.toThrow(
      /aoai-bcdr:standard\.models\[1\]: gpt-5\.1 2025-11-13 is not offered as DataZoneStandard in centralus \(aoai-bcdr:regions\.secondary\)\. Source: Azure's models API/,
    );
  });
});

describe("an offer the catalog lacks, declared by the stack (standard.models[].offer)", () => {
  const SOURCE = "https://learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/models-sold-directly-by-azure";
  const declareNext = (v: Loose) => {
    v.standard.models.push({
      name: "gpt-5.6",
      version: "2026-10-01",
      capacity: 50,
      offer: { regions: ["eastus2", "centralus"], source: SOURCE },
    });
    for (const region of ["eastus2", "centralus"])
      v.quota.declared.push({ region, sku: "DataZoneStandard", model: "gpt-5.6", capacity: 100 });
  };
  const liveUsages = {
    async *list() {
      for (const m of ["gpt-5.1", "gpt-5.4-mini", "gpt-5.6"])
        yield { name: { value: `OpenAI.DataZoneStandard.${m}` }, limit: 100 };
    },
  };
  /** The mock engine's models API, plus gpt-5.6 where `also` says. */
  const withNext = (also: readonly string[]): ModelsClient => ({
    async *list(subscriptionId: string, location: string) {
      yield* matrixModelsClient().list(subscriptionId, location);
      if (also.includes(location))
        yield {
          kind: "OpenAI",
          model: { name: "gpt-5.6", version: "2026-10-01", skus: [{ name: "DataZoneStandard" }] },
        };
    },
  });

  test("plans (the engine takes the stack at its word) and warns naming the source to confirm", async () => {
    const run = await runStack("dev", { edit: declareNext });
    expect(run.outputs.declaredOffers).toEqual([expect.stringContaining(`confirm it at ${SOURCE}`)]);
    expect(Object.keys((run.outputs.accounts as Loose)["standard-primary"].deployments)).toContain("gpt-5.6");
  });

  test("under quota.source live it is refused when the models API does not list it, and planned when it does", async () => {
    const live = (v: Loose) => {
      declareNext(v);
      v.quota = { source: "live" };
    };
    await expect(
      runStack("dev", { edit: live, usagesClient: liveUsages, modelsClient: withNext(["eastus2"]) }),
    ).rejects.toThrow(
      /aoai-bcdr:standard\.models\[2\]: gpt-5\.6 2026-10-01 is not offered as DataZoneStandard in centralus \(aoai-bcdr:regions\.secondary\)\. Source: Azure's models API/,
    );
    const run = await runStack("dev", {
      edit: live,
      usagesClient: liveUsages,
      modelsClient: withNext(["eastus2", "centralus"]),
    });
    expect(run.outputs.declaredOffers).toHaveLength(1);
  });
});

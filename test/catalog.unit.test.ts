/**
 * The availability catalog at config time, and retirement warnings (against the live models API:
 * liveModels.test.ts).
 */
import { RequiredOffer, parseConfig, requiredOffers } from "../infra/config";
import { MATRIX_DATA } from "../catalog/modelMatrix.data";
import { MODEL_MATRIX } from "../catalog/modelMatrix";
import { RETIREMENTS } from "../catalog/retirements";
import { knownModels, findModel } from "../catalog/models";
import { findRegion, knownRegions } from "../catalog/regions";
import { planDate, retirementWarnings } from "../infra/retirement";
import { configRefusals, stackValues } from "./stackValues";

const refusals = (stack: string, edit: (v: Loose) => void, today?: string) => configRefusals(stack, edit, { today });
import type { Loose } from "./loose";

describe("the model matrix", () => {
  test("names only known regions and models, and records each table's source and the day it was read", () => {
    for (const table of Object.values(MATRIX_DATA)) {
      expect(table.read).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(table.source).toMatch(/^https:\/\/.*\/model-matrix\/[a-z-]+\.md$/);
    }
    for (const table of Object.values(MODEL_MATRIX)) {
      for (const [key, regions] of Object.entries(table)) {
        expect(knownModels()).toContain(key.split("@")[0]);
        for (const r of regions) expect(knownRegions()).toContain(r);
      }
    }
    for (const m of knownModels()) expect(findModel(m)!.versions.length).toBeGreaterThan(0);
  });

  test("every region a Data Zone table lists belongs to a data zone", () => {
    const dataZoneTables = [MODEL_MATRIX.DataZoneStandard, MODEL_MATRIX.DataZoneProvisionedManaged];
    const regions = dataZoneTables.flatMap(table => Object.values(table).flat());
    expect(regions.length).toBeGreaterThan(0);
    expect(regions.filter(r => !findRegion(r)?.dataZone)).toEqual([]);
  });

  test("prod's fraud pool in centralus (no Data Zone provisioned offer there) is refused naming the key, the offering regions and the source", () => {
    expect(
      refusals("prod", v => {
        v.workloadPtus[1].region = "centralus";
      }),
    ).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:workloadPtus\[1\]\.region: gpt-5\.1 2025-11-13 is not offered as DataZoneProvisionedManaged in centralus \(workload PTU pool 'fraud'\); regions offering it: eastus, eastus2, northcentralus, southcentralus, westus, westus3\. Source: https:\/\/learn\.microsoft\.com\/.*datazone-provisioned-managed\.md/,
      ),
    ]);
  });

  test("a standard model a region does not offer on the stack's SKU is refused at its models entry, naming the region's key", () => {
    // Judged before gpt-4.1-nano retired, so the matrix alone refuses it.
    expect(
      refusals(
        "dev",
        v => {
          v.standard = {
            ...v.standard,
            deploymentType: "Standard",
            allowRegionalStandard: true,
            models: [{ name: "gpt-4.1-nano", version: "2025-04-14", capacity: 10 }],
          };
        },
        "2026-06-01",
      ),
    ).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]: gpt-4\.1-nano 2025-04-14 is not offered as Standard in eastus2 \(aoai-bcdr:regions\.primary\); regions offering it: northcentralus, swedencentral\./,
      ),
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]: gpt-4\.1-nano 2025-04-14 is not offered as Standard in centralus \(aoai-bcdr:regions\.secondary\)/,
      ),
    ]);
  });

  test("dev and prod are accepted", () => {
    expect(refusals("dev", () => undefined)).toEqual([]);
    expect(refusals("prod", () => undefined)).toEqual([]);
  });
});

describe("retired model versions are refused at config time", () => {
  /** Prod as shipped before: gpt-4o 2024-11-20 on the standard deployments and (inherited) on every PTU pool. */
  const oldProd = (v: Loose) => {
    v.standard.models[0] = { name: "gpt-4o", version: "2024-11-20", capacity: "full" };
    v.quota.declared = v.quota.declared.map((q: Loose) => (q.model === "gpt-5.1" ? { ...q, model: "gpt-4o" } : q));
    for (const pool of [v.enterprisePtu, ...v.workloadPtus]) pool.model = "gpt-4o";
  };

  test("gpt-4o 2024-11-20 in prod is refused at every key that deploys it, with the replacement and the current versions", () => {
    const found = refusals("prod", oldProd, "2026-11-25");
    expect(found.map(f => f.split(":").slice(0, 2).join(":"))).toEqual([
      "aoai-bcdr:standard.models[0].version",
      "aoai-bcdr:enterprisePtu.version",
      "aoai-bcdr:workloadPtus[0].version",
      "aoai-bcdr:workloadPtus[1].version",
    ]);
    expect(found[0]).toMatch(
      /^aoai-bcdr:standard\.models\[0\]\.version: gpt-4o 2024-11-20 \(DataZoneStandard\) retired on 2026-10-01 \(as of 2026-11-25\): Azure refuses new deployments of it\. Suggested replacement \(Microsoft's, followed past retired ones\): gpt-5\.1\. Current versions offered as DataZoneStandard in eastus2, centralus: [^.]*gpt-5\.1 2025-11-13/,
    );
    expect(found[0]).not.toMatch(/gpt-4\.1 2025-04-14|gpt-4o-mini/);
    expect(found[0]).toMatch(
      /Sources: https:\/\/learn\.microsoft\.com\/azure\/ai-foundry\/openai\/concepts\/model-retirements; .*datazone-standard\.md/,
    );
    expect(found[1]).toMatch(
      /^aoai-bcdr:enterprisePtu\.version: gpt-4o 2024-11-20 \(DataZoneProvisionedManaged\) retired on 2026-10-01 .* in westus3: /,
    );
  });

  test("the refusal starts on the published date itself; the day before only warns", () => {
    expect(refusals("prod", oldProd, "2026-09-30")).toEqual([]);
    expect(refusals("prod", oldProd, "2026-10-01")).toHaveLength(4);
    expect(
      refusals(
        "dev",
        v => {
          v.standard.models[0] = { name: "gpt-4o-mini", version: "2024-07-18", capacity: 50 };
          v.quota.declared = [];
        },
        "2026-10-01",
      ),
    ).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]\.version: gpt-4o-mini 2024-07-18 \(DataZoneStandard\) retired on 2026-10-01/,
      ),
    ]);
  });

  test("a suggested replacement that has retired too is followed to the current one", () => {
    const mini = (today: string) =>
      refusals(
        "dev",
        v => {
          v.standard.models[0] = { name: "gpt-4o-mini", version: "2024-07-18", capacity: 50 };
          v.quota.declared = [];
        },
        today,
      );
    // gpt-4o-mini -> gpt-4.1-mini (Microsoft's suggestion; retired 2026-10-14) -> gpt-5-mini.
    expect(mini("2026-10-01")[0]).toMatch(/replacement [^:]*: gpt-4\.1-mini\. /);
    expect(mini("2026-11-25")[0]).toMatch(/replacement [^:]*: gpt-5-mini\. /);
  });

  test("a SKU's own date counts: regional Standard gpt-4o 2024-08-06 retired months before the other SKUs", () => {
    const regional = (v: Loose) => {
      v.standard = {
        ...v.standard,
        deploymentType: "Standard",
        allowRegionalStandard: true,
        models: [{ name: "gpt-4o", version: "2024-08-06", capacity: 10 }],
      };
      v.regions = { primary: "eastus2", secondary: "westus3" };
      v.gateway.regions = ["eastus2", "westus3"];
      v.network.vnets = {}; // dev's VNets are keyed by its own gateway regions
      v.quota.declared = [];
    };
    expect(refusals("dev", regional, "2026-04-01")).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]\.version: gpt-4o 2024-08-06 \(Standard\) retired on 2026-03-31/,
      ),
    ]);
    expect(refusals("dev", regional, "2026-03-30")).toEqual([]);
  });

  test("the plan date comes from AOAI_BCDR_TODAY, else the clock; a malformed one is refused", () => {
    expect(planDate({ AOAI_BCDR_TODAY: "2027-03-01" })).toBe("2027-03-01");
    expect(planDate({})).toBe(new Date().toISOString().slice(0, 10));
    expect(() => planDate({ AOAI_BCDR_TODAY: "March 1" })).toThrow(/AOAI_BCDR_TODAY must be an ISO date/);
  });

  test("the shipped stacks deploy no version that retires within the warning window of the tests' date", () => {
    const warned = (stack: string) =>
      retirementWarnings(requiredOffers(parseConfig(stackValues(stack))), "2026-11-25").map(
        w => `${w.model}@${w.version}`,
      );
    expect(warned("prod")).toEqual([]);
    expect(warned("dev")).toEqual([]);
  });
});

describe("model retirement", () => {
  const offers = (versions: [string, string, string][]) =>
    versions.map(([sku, model, version]) => ({
      sku: sku as RequiredOffer["sku"],
      model,
      version,
      region: "eastus2",
      subscription: "primary",
      path: [],
      versionPath: [],
      where: "",
    }));

  test("a version within 90 days of its published date warns; one further away does not; one past it says so", () => {
    const warnings = retirementWarnings(
      offers([
        ["DataZoneStandard", "gpt-5", "2025-08-07"],
        ["DataZoneStandard", "gpt-4.1", "2025-04-14"],
        ["DataZoneStandard", "text-embedding-3-large", "1"],
      ]),
      "2026-09-01",
    );
    expect(warnings.map(w => [w.model, w.retires, w.daysLeft])).toEqual([["gpt-4.1", "2026-10-14", 43]]);
    expect(warnings[0].message).toMatch(
      /retires on 2026-10-14, in 43 days; Microsoft suggests gpt-5; .*model-retirements/,
    );
    expect(
      retirementWarnings(offers([["DataZoneStandard", "gpt-4.1", "2025-04-14"]]), "2026-11-25")[0].message,
    ).toMatch(/retired on 2026-10-14 \(42 days ago\)/);
  });

  test("regional Standard gpt-4o retires earlier than the other SKUs", () => {
    const [standard, dataZone] = [
      offers([["Standard", "gpt-4o", "2024-08-06"]]),
      offers([["DataZoneStandard", "gpt-4o", "2024-08-06"]]),
    ].map(o => retirementWarnings(o, "2026-03-01")[0]);
    expect(standard.retires).toBe("2026-03-31");
    expect(dataZone).toBeUndefined();
    expect(RETIREMENTS["gpt-4o@2024-08-06"].date).toBe("2026-10-01");
  });

  test("the upgrade option is a config choice with a safe default", () => {
    expect(parseConfig(stackValues("dev")).standard.versionUpgradeOption).toBe("OnceCurrentVersionExpired");
    expect(
      refusals("dev", v => {
        v.standard.versionUpgradeOption = "Sometimes";
      }),
    ).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:standard\.versionUpgradeOption: Invalid option: expected one of "OnceCurrentVersionExpired"\|"OnceNewDefaultVersionAvailable"\|"NoAutoUpgrade"/,
      ),
    ]);
    expect(requiredOffers(parseConfig(stackValues("prod"))).length).toBe(4 * 3 + 3);
  });
});

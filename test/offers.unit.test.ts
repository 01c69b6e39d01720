/**
 * Offers at config time: the catalog's tables for every SKU and the newest models, and an offer the catalog lacks
 * that a stack declares (`standard.models[].offer`). The live check of a declared offer: liveModels.test.ts.
 */
import { offeringRegions } from "../catalog/modelMatrix";
import { parseConfig, requiredOffers, declaredOfferWarnings } from "../infra/config";
import type { Loose } from "./loose";
import { configRefusals, stackValues } from "./stackValues";

const SOURCE = "https://learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/models-sold-directly-by-azure";

/** Dev with one standard model on `sku`, and declared quota for it in both regions. */
const onlyModel =
  (model: Loose, sku = "DataZoneStandard") =>
  (v: Loose) => {
    v.standard = { ...v.standard, deploymentType: sku, models: [model] };
    v.quota = {
      source: "declared",
      declared: ["eastus2", "centralus"].map(region => ({ region, sku, model: model.name, capacity: 100 })),
    };
  };
/** A model version no table of the catalog lists, declared in both of dev's regions. */
const GPT_NEXT = { name: "gpt-5.6", version: "2026-10-01", capacity: 50 };
const declared = (regions = ["eastus2", "centralus"], source = SOURCE) => ({ ...GPT_NEXT, offer: { regions, source } });

describe("the catalog's own tables", () => {
  test("GlobalStandard gpt-5.1 is accepted (the Global table lists it)", () => {
    expect(
      configRefusals("dev", onlyModel({ name: "gpt-5.1", version: "2025-11-13", capacity: 50 }, "GlobalStandard")),
    ).toEqual([]);
  });

  test("gpt-5.4 is accepted in the regions its Data Zone table lists; gpt-5.4-pro is refused where the Global table lists none", () => {
    expect(configRefusals("dev", onlyModel({ name: "gpt-5.4", version: "2026-03-05", capacity: 50 }))).toEqual([]);
    // The Data Zone Standard table lists gpt-5.4 in the US zone only.
    expect(offeringRegions("DataZoneStandard", "gpt-5.4", "2026-03-05")).toContain("centralus");
    expect(offeringRegions("DataZoneStandard", "gpt-5.4", "2026-03-05")).not.toContain("swedencentral");
    expect(
      configRefusals("dev", onlyModel({ name: "gpt-5.4-pro", version: "2026-03-05", capacity: 50 }, "GlobalStandard")),
    ).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]: gpt-5\.4-pro 2026-03-05 is not offered as GlobalStandard in centralus \(aoai-bcdr:regions\.secondary\); regions offering it: eastus2, polandcentral, southcentralus, swedencentral\. Source: .*standard-global\.md, read/,
      ),
    ]);
  });
});

describe("an offer the catalog lacks, declared by the stack", () => {
  test("without a declaration it is refused, saying how to declare it", () => {
    expect(configRefusals("dev", onlyModel(GPT_NEXT))).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:quota\.declared\[0\]\.model: unknown model 'gpt-5\.6'; known models: .*; for a model the catalog lacks, declare its offer at standard\.models\[\]\.offer/,
      ),
      expect.stringMatching(/^aoai-bcdr:quota\.declared\[1\]\.model: unknown model 'gpt-5\.6'/),
      expect.stringMatching(/^aoai-bcdr:standard\.models\[0\]\.name: unknown model 'gpt-5\.6'/),
    ]);
  });

  test("declared, it is accepted and warns naming the key, the regions and the source to confirm", () => {
    const values = stackValues("dev");
    onlyModel(declared())(values);
    const config = parseConfig(values);
    expect(declaredOfferWarnings(config, requiredOffers(config))).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]\.offer: gpt-5\.6 2026-10-01 as DataZoneStandard in eastus2, centralus is not in the catalog's model matrix \(.*datazone-standard\.md, read \d{4}-\d\d-\d\d\)\); planned on this declaration: confirm it at https:\/\/learn\.microsoft\.com\/azure\/ai-foundry\/foundry-models\/concepts\/models-sold-directly-by-azure/,
      ),
    ]);
  });

  test("a newer version of a catalogued model is declared the same way; the shipped stacks declare nothing", () => {
    const values = stackValues("dev");
    onlyModel({
      name: "gpt-5.1",
      version: "2026-06-30",
      capacity: 50,
      offer: { regions: ["eastus2", "centralus"], source: SOURCE },
    })(values);
    const config = parseConfig(values);
    expect(declaredOfferWarnings(config, requiredOffers(config))).toHaveLength(1);
    for (const stack of ["dev", "prod"]) {
      const shipped = parseConfig(stackValues(stack));
      expect(declaredOfferWarnings(shipped, requiredOffers(shipped))).toEqual([]);
    }
  });

  test("a region the declaration does not list is refused, naming the declared ones", () => {
    expect(configRefusals("dev", onlyModel(declared(["eastus2"])))).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]: gpt-5\.6 2026-10-01 is not offered as DataZoneStandard in centralus \(aoai-bcdr:regions\.secondary\); regions offering it: eastus2\. Source: the stack's declaration/,
      ),
    ]);
  });

  test("a malformed declaration is refused at its key", () => {
    expect(configRefusals("dev", onlyModel(declared(["eastus2", "mars"], "http://example.com")))).toEqual([
      expect.stringMatching(/^aoai-bcdr:standard\.models\[0\]\.offer\.regions\[1\]: unknown region 'mars'/),
      "aoai-bcdr:standard.models[0].offer.source: must be the https URL of the page or table that states the offer",
    ]);
    expect(configRefusals("dev", onlyModel(declared([])))).toEqual([
      "aoai-bcdr:standard.models[0].offer.regions: must list at least one region that offers the model version",
    ]);
  });

  test("a PTU pool of a model without published PTU sizing is refused (fail safe)", () => {
    expect(
      configRefusals("prod", v => {
        v.standard.models.push(declared());
        v.quota.declared.push({
          region: "westus3",
          sku: "DataZoneProvisionedManaged",
          model: "gpt-5.6",
          capacity: 100,
        });
        v.enterprisePtu = { region: "westus3", model: "gpt-5.6", ptu: 100 };
      }),
    ).toContainEqual(
      expect.stringMatching(
        /^aoai-bcdr:enterprisePtu\.model: gpt-5\.6 has no provisioned \(PTU\) minimum and increment in the catalog/,
      ),
    );
  });
});

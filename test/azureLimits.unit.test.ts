/**
 * Azure's limits refused at config time (infra/config/rules/azureLimits.ts), each naming the keys that drive the
 * count and the limit: the generated policy document's size per API Management tier, the products and named
 * values per service, Front Door's origin priorities.
 */
import { APIM_PRODUCTS, POLICY_SIZE_SOURCES } from "../catalog/serviceLimits";
import { largeTopology } from "../stacks/bench/largeTopology";
import { stackRefusals as refusals } from "./stackValues";

describe("the generated policy document's size", () => {
  test("the large topology fits Premium's 256 KiB; five times its applications are refused, naming the keys that drive the size", async () => {
    expect(await refusals("prod", v => Object.assign(v, largeTopology(v, "2026-11-25")))).toEqual([]);
    const found = await refusals("prod", v => {
      Object.assign(v, largeTopology(v, "2026-11-25"));
      const apps = v.applications as { name: string }[];
      v.applications = [0, 1, 2, 3, 4].flatMap(k => apps.map(a => ({ ...a, name: `${a.name}-${k}` })));
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^aoai-bcdr:gateway\.sku: the generated API policy document is \d+ bytes \(\d+\.\d KiB\), over the 256\.0 KiB a Premium service accepts/,
      ),
    ]);
    expect(found[0]).toContain("applications (500), workloadPtus (20), standard.models (");
    expect(found[0]).toContain("overflowSubscriptions (1)");
    expect(found[0]).toContain(POLICY_SIZE_SOURCES.classic);
  });

  test("a v2 tier holds the document to 16 KiB: prod's document on StandardV2 is refused", async () => {
    const found = await refusals("prod", v => {
      // Public mode: the tiers must fail over within Front Door's timeout (another rule).
      Object.assign(v.gateway, {
        sku: "StandardV2",
        mode: "per-region",
        zoneRedundant: false,
        tierTimeoutSeconds: { workloadPtu: 30, enterprisePtu: 30, standard: 40 },
      });
      v.network = { mode: "public" };
      v.edge = { routing: "active-active" };
      // Private mode's failover watchdog has no place in public mode.
      delete v.gateway.watchdog;
    });
    expect(found).toEqual([expect.stringContaining("over the 16.0 KiB a StandardV2 service accepts")]);
    expect(found[0]).toContain(POLICY_SIZE_SOURCES.v2);
  });

  test("prod's document fits its Premium tier", async () => {
    expect(await refusals("prod", () => undefined)).toEqual([]);
  });
});

test("more applications than the tier's products are refused with subscription keys, naming applications", async () => {
  const limit = APIM_PRODUCTS.BasicV2;
  const found = await refusals("dev", v => {
    // Basic v2: the smallest product limit (it cannot integrate with dev's VNets).
    v.gateway.sku = "BasicV2";
    v.network.vnets = {};
    v.applications = Array.from({ length: limit + 1 }, (_, i) => ({ name: `app-${i}`, priority: 3 }));
  });
  expect(found).toEqual([
    `aoai-bcdr:applications: ${limit + 1} applications need ${limit + 1} API Management products (one each with ` +
      `gateway.callerAuth: subscription-key), more than the ${limit} a BasicV2 service allows ` +
      "(https://learn.microsoft.com/azure/api-management/service-limits): use gateway.callerAuth: entra, or a larger gateway.sku",
  ]);
});

describe("Front Door origin priorities", () => {
  const six = ["eastus2", "centralus", "eastus", "westus", "westus3", "southcentralus"];

  test("a sixth gateway region in active-passive (priority 6) is refused, naming gateway.regions and edge.routing", async () => {
    const found = await refusals("dev", v => {
      v.gateway.regions = six;
      v.network.vnets = {}; // dev's VNets are keyed by its own gateway regions
    });
    expect(found).toEqual([
      "aoai-bcdr:gateway.regions: with edge.routing active-passive, gateway region 6 ('southcentralus') would be " +
        "Front Door origin priority 6, and Front Door takes priorities 1 to 5 " +
        "(https://learn.microsoft.com/javascript/api/@azure/arm-cdn/afdorigin): list at most 5 gateway regions, " +
        "or set edge.routing: active-active",
    ]);
  });

  test("active-active puts every region at priority 1: six regions are not refused for their priority", async () => {
    const found = await refusals("dev", v => {
      v.gateway.regions = six;
      v.network.vnets = {}; // dev's VNets are keyed by its own gateway regions
      v.edge.routing = "active-active";
    });
    expect(found.filter(f => f.includes("origin priority"))).toEqual([]);
  });
});

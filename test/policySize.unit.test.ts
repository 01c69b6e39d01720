/**
 * `npm run bench:policy`: the generated API policy's size for dev, prod and the large topology, the bytes per
 * application, and the gateway rework's goals held on the current policy builder.
 */
import { EXIT } from "../stacks/cli/cli";
import { LARGE, currentModels, largeTopology } from "../stacks/bench/largeTopology";
import { GOALS, PolicySizes, policySizeCli, policySizes, report } from "../stacks/bench/policySize";
import { stackValues } from "./stackValues";

let sizes: PolicySizes;
beforeAll(async () => {
  sizes = await policySizes();
});

test("the large topology: 100 applications, every current standard model, 20 workload pools, 3 gateway regions", () => {
  const large = largeTopology(stackValues("prod"), "2026-11-25");
  const models = currentModels("DataZoneStandard", ["eastus2", "centralus"], "2026-11-25");
  expect(large.applications).toHaveLength(LARGE.applications);
  expect(large.workloadPtus).toHaveLength(LARGE.workloadPools);
  expect(large.gateway.regions).toEqual(["eastus2", "centralus", "eastus"]);
  expect(large.standard.models.map((m: { name: string }) => m.name)).toEqual(models.map(m => m.name));
  // Prod's models are among the current ones: the generator is not narrower than the stack it grows.
  for (const m of stackValues("prod").standard.models)
    expect(models).toContainEqual({ name: m.name, version: m.version });
});

test("the report prints each stack's bytes, the per-application increment and every goal", () => {
  const text = report(sizes);
  for (const stack of ["dev", "prod", "large"] as const)
    expect(text).toMatch(new RegExp(`^${stack}\\s+${sizes[stack].bytes}\\s`, "m"));
  expect(text).toContain(`per application: +${sizes.perApplication} bytes`);
  expect(text.match(/^goal (met|MISSED): /gm)).toHaveLength(3);
});

test("the large topology is refused at config time, naming the limit, unless it fits in 256 KiB", () => {
  if (sizes.large.bytes < GOALS.largeBytes) return expect(sizes.large.refusals).toEqual([]);
  expect(sizes.large.refusals).toEqual([expect.stringContaining("256.0 KiB a Premium service accepts")]);
});

test("the command exits 0 exactly when every goal is met", async () => {
  const lines: string[] = [];
  const code = await policySizeCli([], { log: t => lines.push(t), error: t => lines.push(t) });
  expect(code).toBe(lines.join("\n").includes("goal MISSED") ? EXIT.violation : EXIT.ok);
});

describe("the gateway rework's size goals", () => {
  test(`prod's document is under ${GOALS.prodBytes} bytes`, () => {
    expect(sizes.prod.bytes).toBeLessThan(GOALS.prodBytes);
  });

  test(`each extra application adds under ${GOALS.perApplicationBytes} bytes`, () => {
    expect(sizes.perApplication).toBeGreaterThan(0);
    expect(sizes.perApplication).toBeLessThan(GOALS.perApplicationBytes);
  });

  test("dev's document fits its BasicV2 tier (16 KiB)", () => {
    expect(sizes.dev.refusals).toEqual([]);
  });
});

/**
 * The config check measures what the program declares: the policy document the config check builds (ids of
 * the right length in place of Azure's) is the planned one, byte for byte, and the named values and products it
 * counts per service are the planned ones.
 */
import { TYPES } from "../catalog/types";
import { validateStack } from "../infra/config";
import { gatewayFootprint } from "../infra/gateway/footprint";
import { buildTopology } from "../infra/topology";
import { ProgramRun } from "../stacks/engine/runner";
import { programRun } from "./policySupport";
import { ofType, runStack } from "./support";
import { stackValues } from "./stackValues";

async function footprintOf(values: ReturnType<typeof stackValues>) {
  const { config, capacities } = await validateStack(values);
  return gatewayFootprint(config, buildTopology(config, capacities));
}

/** Per API Management service: how many resources of `type` the plan declares. */
function perService(run: ProgramRun, type: string): number[] {
  const counts = new Map<string, number>();
  for (const r of ofType(run, type)) {
    const service = String((r.inputs as Record<string, unknown>).serviceName);
    counts.set(service, (counts.get(service) ?? 0) + 1);
  }
  return [...counts.values()];
}

test("prod: the measured policy document is the planned one", async () => {
  const [run, footprint] = await Promise.all([programRun("prod"), footprintOf(stackValues("prod"))]);
  const [policy] = ofType(run, TYPES.apiPolicy);
  expect(footprint.policyBytes).toBe(Buffer.byteLength(String((policy.inputs as Record<string, unknown>).value)));
  expect(footprint.products).toBe(0);
});

test("dev's shape on a classic tier (subscription keys, public mode): policy and products per service", async () => {
  const values = stackValues("dev");
  values.gateway.sku = "Basic";
  values.network.vnets = {}; // a classic Basic gateway cannot integrate with dev's VNets
  const [run, footprint] = await Promise.all([
    runStack("dev", { edit: v => Object.assign(v, values) }),
    footprintOf(structuredClone(values)),
  ]);
  for (const policy of ofType(run, TYPES.apiPolicy))
    expect(Buffer.byteLength(String((policy.inputs as Record<string, unknown>).value))).toBe(footprint.policyBytes);
  expect(perService(run, TYPES.product)).toEqual([footprint.products, footprint.products]);
  expect(footprint.products).toBe(values.applications.length);
});

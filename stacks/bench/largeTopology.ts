/**
 * A large stack, generated from prod's values, to measure how the gateway's policy document grows: 100
 * applications, every model the catalog currently offers as a standard deployment in both standard regions,
 * 20 workload PTU pools and 3 gateway regions. Also: a stack with one more application, for the per-application
 * increment. Plain values, as a stack file's `aoai-bcdr:*` keys parse.
 */
import { DeploymentSku, knownModels } from "../../catalog/models";
import { matrixVersions, offeringRegions } from "../../catalog/modelMatrix";
import { isRetired } from "../../catalog/retirements";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a stack file's values

export const LARGE = { applications: 100, workloadPools: 20, gatewayRegions: ["eastus2", "centralus", "eastus"] };

/** The newest version of each catalog model offered on `sku` in every one of `regions` and not retired on `today`. */
export function currentModels(
  sku: DeploymentSku,
  regions: readonly string[],
  today: string,
): { name: string; version: string }[] {
  return knownModels().flatMap(name => {
    const offered = matrixVersions(name).filter(
      v => regions.every(r => offeringRegions(sku, name, v).includes(r)) && !isRetired(name, v, sku, today),
    );
    return offered.length ? [{ name, version: offered[offered.length - 1] }] : [];
  });
}

/** A GUID per index, for client application ids. */
const guid = (i: number) => `3f1c2a4e-0b1d-4c8e-9a6f-${i.toString(16).padStart(12, "0")}`;

/** An application as the config takes it; every third one critical, the first 40 bound to a workload pool. */
function application(i: number, workloadPools: number): Values {
  return {
    name: `app-${String(i + 1).padStart(3, "0")}`,
    priority: (i % 3) + 1,
    ...(i < 2 * workloadPools ? { workload: `pool-${String((i % workloadPools) + 1).padStart(2, "0")}` } : {}),
    tokensPerMinute: 100000,
    clientApplicationIds: [guid(i + 1)],
  };
}

/** The same stack with one more application, shaped like the generated ones. */
export function withOneMoreApplication(values: Values): Values {
  const next = structuredClone(values);
  next.applications = [...next.applications, application(next.applications.length, 0)];
  return next;
}

/** Prod's values grown to the large topology (`today`: the date retirements are judged on). */
export function largeTopology(prod: Values, today: string): Values {
  const v = structuredClone(prod);
  const sku = v.standard.deploymentType ?? "DataZoneStandard";
  const standardRegions = [v.regions.primary, v.regions.secondary];
  const models = currentModels(sku, standardRegions, today);
  v.standard.models = models.map(m => ({ ...m, capacity: "full" }));
  const quotaPlaces = [
    ...standardRegions.map(region => ({ region })),
    ...v.overflowSubscriptions.flatMap((s: Values) =>
      s.regions.map((region: string) => ({ subscription: s.name, region })),
    ),
  ];
  v.quota.declared = quotaPlaces.flatMap(p => models.map(m => ({ ...p, sku, model: m.name, capacity: 100 })));
  // gpt-5.1 has Data Zone provisioned offers in both regions (prod's workload pools use them).
  v.workloadPtus = Array.from({ length: LARGE.workloadPools }, (_, i) => ({
    name: `pool-${String(i + 1).padStart(2, "0")}`,
    region: i % 2 ? "southcentralus" : "eastus2",
    model: "gpt-5.1",
    ptu: 15,
  }));
  v.applications = Array.from({ length: LARGE.applications }, (_, i) => application(i, LARGE.workloadPools));
  v.gateway.regions = LARGE.gatewayRegions;
  v.network.vnets.eastus = {
    addressSpace: "10.42.0.0/22",
    apimSubnet: "10.42.0.0/27",
    privateEndpointSubnet: "10.42.1.0/26",
    hubVnetId: v.network.vnets.eastus2.hubVnetId.replace(/eastus2/g, "eastus"),
  };
  return v;
}

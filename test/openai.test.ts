import { findRegion } from "../catalog/regions";
import { ACCOUNT_ROLES, REGION_ROLES, SHARED_ROLES } from "../catalog/tags";
import { PlannedResource, ProgramRun } from "../stacks/engine/runner";
import { TYPES } from "../catalog/types";
import { ofType, runStack, takesArmTags } from "./support";
import type { Loose } from "./loose";

/** Every role the program tags with. */
const ROLES: readonly string[] = [...ACCOUNT_ROLES, ...SHARED_ROLES];
const tagsOf = (r: PlannedResource) => r.inputs.tags as Record<string, string>;
const accountOf = (run: ProgramRun, d: PlannedResource) =>
  ofType(run, TYPES.account).find(a => a.inputs.accountName === d.inputs.accountName)!;

describe.each(["dev", "prod"])("%s: the OpenAI core", stack => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack(stack);
  });

  const standardAccounts = () => ofType(run, TYPES.account).filter(a => tagsOf(a)["bcdr-role"] === "standard");
  const deploymentsOn = (a: PlannedResource) =>
    ofType(run, TYPES.deployment).filter(d => d.inputs.accountName === a.inputs.accountName);

  test("paired accounts in two regions of one data zone, each with a custom subdomain and an identity", () => {
    const paired = standardAccounts().filter(a => ["primary", "secondary"].includes(tagsOf(a)["bcdr-region-role"]));
    const regions = paired.map(a => a.inputs.location as string);
    expect(new Set(regions).size).toBe(2);
    expect(new Set(regions.map(r => findRegion(r)?.dataZone)).size).toBe(1);
    for (const a of ofType(run, TYPES.account)) {
      expect(a.inputs).toMatchObject({ kind: "OpenAI", sku: { name: "S0" }, identity: { type: "SystemAssigned" } });
      expect((a.inputs.properties as Loose).customSubDomainName).toBe(a.inputs.accountName);
      expect((a.inputs.properties as Loose).disableLocalAuth).toBe(true);
    }
  });

  test("every standard model is on every standard account with the same model, version and SKU, once", () => {
    const signature = (a: PlannedResource) =>
      deploymentsOn(a)
        .map(d =>
          JSON.stringify([d.inputs.deploymentName, (d.inputs.properties as Loose).model, (d.inputs.sku as Loose).name]),
        )
        .sort();
    const [first, ...rest] = standardAccounts();
    expect(signature(first).length).toBeGreaterThan(0);
    for (const a of rest) expect(signature(a)).toEqual(signature(first));
    for (const a of standardAccounts()) {
      const models = deploymentsOn(a).map(d => (d.inputs.properties as Loose).model.name);
      expect(new Set(models).size).toBe(models.length);
    }
  });

  test("deployments on one account are serialized", () => {
    for (const a of ofType(run, TYPES.account)) {
      const deps = deploymentsOn(a);
      deps.slice(1).forEach((d, i) => expect(d.dependsOn).toContain(deps[i].urn));
    }
  });

  test("every taggable resource carries the common tags and its bcdr-role", () => {
    const taggable = run.resources.filter(r => r.custom && takesArmTags(r.type));
    expect(new Set(taggable.map(r => r.type)).size).toBeGreaterThanOrEqual(8);
    for (const r of taggable) {
      expect(tagsOf(r)).toMatchObject({
        "managed-by": "pulumi",
        "bcdr-stack": `aoai-bcdr/${stack}`,
        environment: stack,
      });
      expect(ROLES).toContain(tagsOf(r)["bcdr-role"]);
    }
    for (const a of ofType(run, TYPES.account)) expect(ACCOUNT_ROLES).toContain(tagsOf(a)["bcdr-role"]);
    for (const a of standardAccounts()) expect(REGION_ROLES).toContain(tagsOf(a)["bcdr-region-role"]);
  });
});

test("taggable types are read from the SDK: ARM tag maps only", () => {
  expect(takesArmTags(TYPES.account)).toBe(true);
  expect(takesArmTags(TYPES.namedValue)).toBe(false); // its `tags` is a list of labels
  expect(takesArmTags(TYPES.roleAssignment)).toBe(false);
});

test("public mode without network.vnets leaves the accounts on every network, and declares no VNet", async () => {
  const run = await runStack("dev", {
    edit: v => {
      v.network.vnets = {};
      v.gateway.sku = "BasicV2";
    },
  });
  for (const a of ofType(run, TYPES.account)) {
    expect(a.inputs.properties).toMatchObject({
      publicNetworkAccess: "Enabled",
      networkAcls: { defaultAction: "Allow" },
    });
  }
  expect(ofType(run, TYPES.virtualNetwork)).toEqual([]);
  expect(ofType(run, TYPES.apimService).map(s => s.inputs.virtualNetworkType)).toEqual(["None", "None"]);
});

describe("dev: cheap and public", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("dev");
  });

  test("accounts take no public traffic (the gateways reach them through their VNets) and nothing is protected", () => {
    for (const a of ofType(run, TYPES.account)) {
      expect(a.inputs.properties).toMatchObject({
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny" },
      });
    }
    expect(run.resources.filter(r => r.protect)).toEqual([]);
  });

  test("capacities: a number is taken as given, full is the declared quota", () => {
    const caps = ofType(run, TYPES.deployment).map(d => [d.inputs.deploymentName, (d.inputs.sku as Loose).capacity]);
    expect(caps).toEqual(
      expect.arrayContaining([
        ["gpt-5.4-mini", 50],
        ["gpt-5.1", 100],
      ]),
    );
    const out = (run.outputs.accounts as Loose)["standard-primary"].deployments;
    expect(out["gpt-5.4-mini"]).toMatchObject({ capacity: 50, capacitySource: "config" });
    expect(out["gpt-5.1"]).toMatchObject({ capacity: 100, capacitySource: "declared" });
  });
});

describe("prod: the full topology", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  });
  const byRole = (role: string) => ofType(run, TYPES.account).filter(a => tagsOf(a)["bcdr-role"] === role);

  test("standard deployments get the whole declared quota of their subscription and region", () => {
    const d = ofType(run, TYPES.deployment).filter(d => tagsOf(d)["bcdr-role"] === "standard");
    // 3 models on each of 4 accounts: primary, secondary and sub-b's in both regions.
    expect(d).toHaveLength(12);
    for (const x of d) {
      expect((x.inputs.sku as Loose).name).toBe("DataZoneStandard");
      expect((x.inputs.sku as Loose).capacity).toBe(
        { "gpt-5.1": 450, "gpt-5.4": 300, "gpt-5.4-mini": 2000 }[x.inputs.deploymentName as string],
      );
    }
  });

  test("the enterprise PTU pool is DataZoneProvisionedManaged, away from the primary standard region", () => {
    const [enterprise] = byRole("enterprise-ptu");
    const primary = byRole("standard").find(a => tagsOf(a)["bcdr-region-role"] === "primary")!;
    expect(enterprise.inputs.location).not.toBe(primary.inputs.location);
    const [pool] = ofType(run, TYPES.deployment).filter(d => accountOf(run, d) === enterprise);
    expect(pool.inputs.sku).toEqual({ name: "DataZoneProvisionedManaged", capacity: 100 });
    expect(pool.inputs.deploymentName).toBe("gpt-5.1");
  });

  test("workload PTU pools have their own accounts, never in the enterprise pool's region", () => {
    const [enterprise] = byRole("enterprise-ptu");
    const workloads = byRole("workload-ptu");
    expect(workloads.map(w => tagsOf(w)["bcdr-workload"]).sort()).toEqual(["claims", "fraud"]);
    for (const w of workloads) expect(w.inputs.location).not.toBe(enterprise.inputs.location);
  });

  test("the extra subscription's accounts are declared through its own provider", () => {
    const overflow = byRole("standard").filter(a => tagsOf(a)["bcdr-region-role"] === "overflow");
    const provider = run.resources.find(r => r.type === "pulumi:providers:azure-native")!;
    expect(provider.inputs.subscriptionId).toBe("22222222-2222-4222-8222-222222222222");
    expect(overflow.map(a => a.inputs.location)).toEqual(["eastus2", "centralus"]);
    for (const a of overflow) expect(a.provider!.startsWith(`${provider.urn}::`)).toBe(true);
    for (const a of byRole("standard").filter(a => !overflow.includes(a))) expect(a.provider).toBeUndefined();
  });

  test("private mode: no public network access, ACLs deny by default", () => {
    for (const a of ofType(run, TYPES.account)) {
      expect(a.inputs.properties).toMatchObject({
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny" },
      });
    }
  });

  test("stateful resources are protected: accounts, resource groups, every deployment (PTU and standard) and the name suffix", () => {
    const protectedOnes = [
      ...ofType(run, TYPES.account),
      ...ofType(run, TYPES.resourceGroup),
      ...ofType(run, TYPES.deployment),
      ...ofType(run, TYPES.randomString),
    ];
    expect(
      ofType(run, TYPES.deployment).filter(d => !(d.inputs.sku as Loose).name.endsWith("ProvisionedManaged")).length,
    ).toBeGreaterThan(0);
    for (const r of protectedOnes) expect([r.name, r.protect]).toEqual([r.name, true]);
  });

  test("the version upgrade option is the config's safe default on every deployment", () => {
    for (const d of ofType(run, TYPES.deployment))
      expect((d.inputs.properties as Loose).versionUpgradeOption).toBe("OnceCurrentVersionExpired");
  });

  test("outputs give each account's endpoint and the resolved capacities", () => {
    const accounts = run.outputs.accounts as Loose;
    expect(accounts["standard-secondary"].endpoint).toMatch(
      /^https:\/\/oai-prod-standard-secondary-centralus-[a-z0-9]{6}\.openai\.azure\.com\/$/,
    );
    expect(accounts["enterprise-ptu"].deployments["gpt-5.1"]).toMatchObject({
      capacity: 100,
      capacitySource: "config",
      sku: "DataZoneProvisionedManaged",
    });
  });
});

describe("a refused config declares nothing", () => {
  test("the run fails with the config message before any resource is registered", async () => {
    const registered: PlannedResource[] = [];
    await expect(
      runStack("prod", {
        edit: v => {
          v.enterprisePtu.region = "eastus2";
        },
        record: registered,
      }),
    ).rejects.toThrow(/aoai-bcdr:enterprisePtu\.region: must differ from the primary standard region/);
    expect(registered.filter(r => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });
});

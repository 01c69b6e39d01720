import { ConfigError, namespaceIssues, parseConfig, validateStack } from "../infra/config";
import { configRefusals as refusals, stackValues } from "./stackValues";
import type { Loose } from "./loose";

describe("stack config", () => {
  test.each(["dev", "prod"])("%s is accepted", stack => {
    expect(refusals(stack, () => undefined)).toEqual([]);
  });

  test("derives the data zone and fills defaults", () => {
    const c = parseConfig(stackValues("dev"));
    expect(c.dataZone).toBe("US");
    expect(c.quota.source).toBe("declared");
    expect(c.openai.auth).toBe("managedIdentity");
  });

  test("PTU pools inherit the standard version and the provisioned SKU of the stack's boundary", () => {
    const c = parseConfig(stackValues("prod"));
    expect(c.enterprisePtu).toEqual({
      region: "westus3",
      model: "gpt-5.1",
      version: "2025-11-13",
      ptu: 100,
      sku: "DataZoneProvisionedManaged",
    });
  });
});

describe("refused configs name the key and what is allowed", () => {
  const cases: [string, string, (v: Loose) => void, RegExp][] = [
    [
      "account keys in public mode, where the vault admits no network API Management can use",
      "dev",
      v => {
        v.openai = { auth: "keys" };
      },
      /^aoai-bcdr:openai\.auth: keys are read from the stack's Key Vault, .*use managedIdentity \(default\), or network\.mode: private$/,
    ],
    [
      "unknown region",
      "dev",
      v => {
        v.regions.primary = "eastus9";
      },
      /^aoai-bcdr:regions\.primary: unknown region 'eastus9'; allowed: .*eastus2/,
    ],
    [
      "secondary equal to primary",
      "dev",
      v => {
        v.regions.secondary = v.regions.primary;
      },
      /^aoai-bcdr:regions\.secondary: must differ from regions\.primary/,
    ],
    [
      "regions in different data zones",
      "dev",
      v => {
        v.regions.secondary = "swedencentral";
      },
      /^aoai-bcdr:regions\.secondary: 'swedencentral' is outside the US data zone of this stack; allowed: eastus,/,
    ],
    [
      "an EU stack with a non-EU region",
      "dev",
      v => {
        v.regions = { primary: "swedencentral", secondary: "switzerlandnorth", dataZone: "EU" };
      },
      /^aoai-bcdr:regions\.secondary: 'switzerlandnorth' is outside the EU data zone .*allowed: francecentral/,
    ],
    [
      "a pinned data zone the regions are not in",
      "dev",
      v => {
        v.regions.dataZone = "EU";
      },
      /^aoai-bcdr:regions\.primary: 'eastus2' is outside the EU data zone/,
    ],
    [
      "a data-zone SKU in a region outside any zone",
      "dev",
      v => {
        v.regions = { primary: "japaneast", secondary: "australiaeast" };
      },
      /^aoai-bcdr:regions\.primary: 'japaneast' is in no data zone, which DataZoneStandard needs/,
    ],
    [
      "enterprise PTU in the primary standard region",
      "prod",
      v => {
        v.enterprisePtu.region = v.regions.primary;
      },
      /^aoai-bcdr:enterprisePtu\.region: must differ from the primary standard region 'eastus2'/,
    ],
    [
      "a workload PTU in the enterprise PTU region",
      "prod",
      v => {
        v.workloadPtus[0].region = v.enterprisePtu.region;
      },
      /^aoai-bcdr:workloadPtus\[0\]\.region: must differ from enterprisePtu\.region 'westus3'/,
    ],
    [
      "a PTU pool in a region outside the data zone",
      "prod",
      v => {
        v.enterprisePtu.region = "swedencentral";
      },
      /^aoai-bcdr:enterprisePtu\.region: 'swedencentral' is outside the US data zone/,
    ],
    // Upper bounds (infra/config.ts cites them): Azure's 100,000 PTU per deployment; standard capacity within 32 bits of tokens per minute.
    [
      "PTUs above Azure's per-deployment maximum",
      "prod",
      v => {
        v.enterprisePtu.ptu = 100_005;
      },
      /^aoai-bcdr:enterprisePtu\.ptu: must be at most 100000 \(Azure's maximum of provisioned throughput units per deployment\)$/,
    ],
    [
      "a workload pool above Azure's per-deployment maximum",
      "prod",
      v => {
        v.workloadPtus[0].ptu = 1_000_000;
      },
      /^aoai-bcdr:workloadPtus\[0\]\.ptu: must be at most 100000/,
    ],
    [
      "a standard capacity beyond 32 bits of tokens per minute",
      "dev",
      v => {
        v.standard.models[0].capacity = 99_999_999;
      },
      /^aoai-bcdr:standard\.models\[0\]\.capacity: must be at most 2147483 \(thousands of tokens per minute/,
    ],
    [
      "a declared quota beyond 32 bits of tokens per minute",
      "dev",
      v => {
        v.quota.declared[0].capacity = 99_999_999;
      },
      /^aoai-bcdr:quota\.declared\[0\]\.capacity: must be at most 2147483/,
    ],
    [
      "capacity 0",
      "dev",
      v => {
        v.standard.models[0].capacity = 0;
      },
      /^aoai-bcdr:standard\.models\[0\]\.capacity: must be "full" \(the whole declared quota\) or a whole number above 0/,
    ],
    [
      "a negative capacity",
      "dev",
      v => {
        v.standard.models[0].capacity = -10;
      },
      /^aoai-bcdr:standard\.models\[0\]\.capacity: must be "full".* or a whole number above 0/,
    ],
    [
      "a malformed capacity",
      "dev",
      v => {
        v.standard.models[0].capacity = "lots";
      },
      /^aoai-bcdr:standard\.models\[0\]\.capacity: must be "full"/,
    ],
    [
      "duplicate model names",
      "dev",
      v => {
        v.standard.models.push({ ...v.standard.models[0] });
      },
      /^aoai-bcdr:standard\.models\[2\]\.name: duplicate model 'gpt-5\.4-mini'/,
    ],
    [
      "an unknown model",
      "dev",
      v => {
        v.standard.models[0].name = "gpt-17";
      },
      /^aoai-bcdr:standard\.models\[0\]\.name: unknown model 'gpt-17'; known models: .*gpt-5\.4-mini, .*; for a model the catalog lacks, declare its offer at standard\.models\[\]\.offer/,
    ],
    [
      "an unknown model version",
      "dev",
      v => {
        v.standard.models[0].version = "2020-01-01";
      },
      /^aoai-bcdr:standard\.models\[0\]\.version: unknown version '2020-01-01' of gpt-5\.4-mini; known: 2026-03-17; if Azure offers it, declare the offer: standard\.models\[0\]\.offer/,
    ],
    [
      "a PTU model missing from the standard models",
      "prod",
      v => {
        v.enterprisePtu.model = "o3";
      },
      /^aoai-bcdr:enterprisePtu\.model: model 'o3' is not among standard\.models/,
    ],
    [
      "a PTU version that differs from the standard one",
      "prod",
      v => {
        v.workloadPtus[0].version = "2024-08-06";
      },
      /^aoai-bcdr:workloadPtus\[0\]\.version: must equal the standard deployment's version of gpt-5.1/,
    ],
    [
      "duplicate workload names",
      "prod",
      v => {
        v.workloadPtus[1].name = v.workloadPtus[0].name;
      },
      /^aoai-bcdr:workloadPtus\[1\]\.name: duplicate workload name 'claims'/,
    ],
    [
      "an application pointing at a missing workload",
      "prod",
      v => {
        v.applications[0].workload = "billing";
      },
      /^aoai-bcdr:applications\[0\]\.workload: unknown workload 'billing'; defined in workloadPtus: claims, fraud/,
    ],
    [
      "duplicate application names",
      "prod",
      v => {
        v.applications[1].name = v.applications[0].name;
      },
      /^aoai-bcdr:applications\[1\]\.name: duplicate application name 'claims-assistant'/,
    ],
    [
      "data-zone PTUs below 15",
      "prod",
      v => {
        v.enterprisePtu.ptu = 10;
      },
      /^aoai-bcdr:enterprisePtu\.ptu: 10 PTU is refused by Azure for gpt-5.1 on DataZoneProvisionedManaged: at least 15, in steps of 5/,
    ],
    [
      "data-zone PTUs off the step of 5",
      "prod",
      v => {
        v.workloadPtus[0].ptu = 52;
      },
      /^aoai-bcdr:workloadPtus\[0\]\.ptu: 52 PTU is refused .* at least 15, in steps of 5/,
    ],
    [
      "regional PTUs off the model's own step",
      "prod",
      v => {
        v.standard.deploymentType = "Standard";
        v.standard.allowRegionalStandard = true;
        v.enterprisePtu.ptu = 75;
      },
      /^aoai-bcdr:enterprisePtu\.ptu: 75 PTU is refused by Azure for gpt-5.1 on ProvisionedManaged: at least 50, in steps of 50/,
    ],
    [
      "a negative PTU count",
      "prod",
      v => {
        v.enterprisePtu.ptu = -5;
      },
      /^aoai-bcdr:enterprisePtu\.ptu: must be a whole number above 0 \(provisioned throughput units\)/,
    ],
    [
      "regional Standard without the explicit opt-out",
      "dev",
      v => {
        v.standard.deploymentType = "Standard";
      },
      /^aoai-bcdr:standard\.deploymentType: regional Standard gives up the data-zone capacity pool/,
    ],
    [
      "an unknown deployment type",
      "dev",
      v => {
        v.standard.deploymentType = "Premium";
      },
      /^aoai-bcdr:standard\.deploymentType: .*"DataZoneStandard"\|"GlobalStandard"\|"Standard"/,
    ],
    [
      "a malformed (non-boolean) YAML value",
      "dev",
      v => {
        v.protect = "yes";
      },
      /^aoai-bcdr:protect: Invalid input: expected boolean, received string/,
    ],
    [
      "a misspelt key inside a value",
      "dev",
      v => {
        v.regions.secundary = "centralus";
      },
      /^aoai-bcdr:regions: Unrecognized key: "secundary"/,
    ],
    [
      "an unknown top-level key",
      "dev",
      v => {
        v.standrad = {};
      },
      /^aoai-bcdr:standrad: unknown config key; allowed keys: regions, standard,/,
    ],
    [
      "an overflow subscription id that is not a GUID",
      "prod",
      v => {
        v.overflowSubscriptions[0].subscriptionId = "sub-b";
      },
      /^aoai-bcdr:overflowSubscriptions\[0\]\.subscriptionId: must be a subscription id \(a GUID\)/,
    ],
    [
      "an overflow region outside the data zone",
      "prod",
      v => {
        v.overflowSubscriptions[0].regions = ["westeurope"];
      },
      /^aoai-bcdr:overflowSubscriptions\[0\]\.regions\[0\]: 'westeurope' is outside the US data zone/,
    ],
    [
      "quota declared for an unknown subscription",
      "prod",
      v => {
        v.quota.declared[6].subscription = "sub-z";
      },
      /^aoai-bcdr:quota\.declared\[6\]\.subscription: unknown subscription 'sub-z'; allowed: primary, sub-b/,
    ],
    [
      "a gateway region list that misses a standard region",
      "prod",
      v => {
        v.gateway.regions = ["eastus2", "westus3"];
      },
      /^aoai-bcdr:gateway\.regions: must include the secondary standard region 'centralus'/,
    ],
    [
      "a gateway in one region only",
      "prod",
      v => {
        v.gateway.regions = ["eastus2"];
      },
      /^aoai-bcdr:gateway\.regions: must list at least two regions/,
    ],
    [
      "a gateway region outside the data zone",
      "prod",
      v => {
        v.gateway.regions.push("northeurope");
      },
      /^aoai-bcdr:gateway\.regions\[2\]: 'northeurope' is outside the US data zone/,
    ],
    [
      "a multi-region gateway on a tier that cannot span regions",
      "prod",
      v => {
        v.gateway.sku = "StandardV2";
        v.gateway.zoneRedundant = false;
        v.network.mode = "public";
      },
      /^aoai-bcdr:gateway\.sku: StandardV2 cannot span regions; mode multi-region needs Premium, or set gateway\.mode: per-region/,
    ],
    [
      "a private gateway on a tier without VNet injection",
      "prod",
      v => {
        v.gateway.mode = "per-region";
        v.gateway.sku = "StandardV2";
        v.gateway.zoneRedundant = false;
      },
      /^aoai-bcdr:gateway\.sku: private mode injects the gateway into a VNet \(internal mode\), which only Developer and Premium support/,
    ],
    [
      "zone redundancy off Premium",
      "dev",
      v => {
        v.gateway.zoneRedundant = true;
      },
      /^aoai-bcdr:gateway\.zoneRedundant: availability zones need the Premium tier, not StandardV2/,
    ],
    [
      "zone redundancy with a single unit",
      "prod",
      v => {
        v.gateway.capacity = 1;
      },
      /^aoai-bcdr:gateway\.capacity: zone redundancy spreads units across zones: at least 2 units per region/,
    ],
    [
      "an unknown APIM tier",
      "dev",
      v => {
        v.gateway.sku = "Consumption";
      },
      /^aoai-bcdr:gateway\.sku: Invalid option: expected one of "Developer"\|"Basic"\|"Standard"\|"Premium"\|"BasicV2"\|"StandardV2"/,
    ],
    [
      "a publisher e-mail that is not one",
      "dev",
      v => {
        v.gateway.publisherEmail = "platform team";
      },
      /^aoai-bcdr:gateway\.publisherEmail: must be an e-mail address/,
    ],
    [
      "priority-3 budget above priority-2",
      "dev",
      v => {
        v.gateway.ptuBudget = { priority2: 800, priority3: 950 };
      },
      /^aoai-bcdr:gateway\.ptuBudget\.priority3: must be at most ptuBudget\.priority2 \(800\)/,
    ],
    [
      "a tier timeout APIM may not honour",
      "dev",
      v => {
        v.gateway.tierTimeoutSeconds = { standard: 300 };
      },
      /^aoai-bcdr:gateway\.tierTimeoutSeconds\.standard: must be at most 240 seconds \(APIM's forward-request limit\)/,
    ],
    [
      "the removed failover strategy, whatever its value",
      "prod",
      v => {
        v.gateway.strategy = "backend-pool";
      },
      /^aoai-bcdr:gateway\.strategy: was removed: the gateway walks each chain's steps itself \(docs\/gateway\.md.*send-request strategy buffered every answer .*delete the key$/,
    ],
    [
      "a chain deadline past forward-request's limit",
      "prod",
      v => {
        v.gateway.chainTimeoutSeconds = 300;
      },
      /^aoai-bcdr:gateway\.chainTimeoutSeconds: must be at most 240 seconds \(APIM's forward-request limit\)/,
    ],
    [
      "a first-byte bound longer than the chain deadline",
      "prod",
      v => {
        v.gateway.chainTimeoutSeconds = 30;
        v.gateway.streamFirstByteSeconds = 45;
      },
      /^aoai-bcdr:gateway\.streamFirstByteSeconds: must be at most gateway\.chainTimeoutSeconds \(30\)/,
    ],
    [
      "a suspect time of zero",
      "prod",
      v => {
        v.gateway.suspectSeconds = 0;
      },
      /^aoai-bcdr:gateway\.suspectSeconds: must be a whole number of seconds above 0/,
    ],
    [
      "a client application id that is no GUID",
      "prod",
      v => {
        v.applications[0].clientApplicationIds = ["claims-app"];
      },
      /^aoai-bcdr:applications\[0\]\.clientApplicationIds\[0\]: must be an Entra application \(client\) id, a GUID/,
    ],
    [
      "entra callers without a client application id",
      "prod",
      v => {
        delete v.applications[2].clientApplicationIds;
      },
      /^aoai-bcdr:applications\[2\]\.clientApplicationIds: must list at least one Entra client application id/,
    ],
    [
      "a duplicated quota entry",
      "dev",
      v => {
        v.quota.declared.push({ ...v.quota.declared[0] });
      },
      /^aoai-bcdr:quota\.declared\[4\]: duplicate quota entry \(subscription\/region\/sku\/model\) 'primary\/eastus2\/DataZoneStandard\/gpt-5\.4-mini'/,
    ],
    [
      "a reserved bcdr-* tag that would relabel a resource",
      "prod",
      v => {
        v.tags["bcdr-region-role"] = "secondary";
      },
      /^aoai-bcdr:tags\.bcdr-region-role: is set by the program \(managed-by, bcdr-stack, bcdr-role, bcdr-region-role, bcdr-workload; every bcdr-\* name is reserved\)/,
    ],
    [
      "a reserved tag in another case",
      "dev",
      v => {
        v.tags["BCDR-Role"] = "edge";
      },
      /^aoai-bcdr:tags\.BCDR-Role: is set by the program/,
    ],
    [
      "the program's managed-by tag",
      "dev",
      v => {
        v.tags["managed-by"] = "terraform";
      },
      /^aoai-bcdr:tags\.managed-by: is set by the program/,
    ],
    [
      "a tag name with a character Azure refuses",
      "dev",
      v => {
        v.tags["team/ai"] = "x";
      },
      /^aoai-bcdr:tags\.team\/ai: tag names may not contain < > % & \\ \? \//,
    ],
    [
      "a tag name over 512 characters",
      "dev",
      v => {
        v.tags["k".repeat(513)] = "x";
      },
      /: tag names are 1 to 512 characters/,
    ],
    [
      "a tag value over 256 characters",
      "dev",
      v => {
        v.tags.owner = "v".repeat(257);
      },
      /^aoai-bcdr:tags\.owner: the value has 257 characters; Azure allows at most 256/,
    ],
    [
      "a tag name private DNS zones refuse",
      "prod",
      v => {
        v.tags["cost center"] = "x";
      },
      /^aoai-bcdr:tags\.cost center: private DNS zones refuse tag names with spaces/,
    ],
    [
      "a tag name with parentheses",
      "prod",
      v => {
        v.tags["cost(center)"] = "x";
      },
      /^aoai-bcdr:tags\.cost\(center\): private DNS zones refuse tag names with spaces, parentheses/,
    ],
    [
      "a TLS certificate in public mode",
      "dev",
      v => {
        v.gateway.certificate = {
          keyVaultId:
            "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs",
          secretName: "gateway-tls",
          reachedBy: "public-network",
        };
      },
      /^aoai-bcdr:gateway\.certificate: is the certificate for network\.gatewayDomain, which private mode uses only/,
    ],
    [
      "more tags than Azure allows beside the program's",
      "dev",
      v => {
        for (let i = 0; i < 46; i++) v.tags[`t${i}`] = "x";
      },
      /^aoai-bcdr:tags: 48 tags; Azure allows 50 per resource and the program sets up to 5 .* so at most 45/,
    ],
    [
      "tokensPerMinute beyond a 32-bit integer",
      "prod",
      v => {
        v.applications[0].tokensPerMinute = 3_000_000_000;
      },
      /^aoai-bcdr:applications\[0\]\.tokensPerMinute: must be at most 2147483647/,
    ],
    [
      "a publisher name over 100 characters",
      "dev",
      v => {
        v.gateway.publisherName = "n".repeat(101);
      },
      /^aoai-bcdr:gateway\.publisherName: must be at most 100 characters/,
    ],
    [
      "an empty publisher name",
      "dev",
      v => {
        v.gateway.publisherName = "";
      },
      /^aoai-bcdr:gateway\.publisherName: must not be empty/,
    ],
    [
      "PTUs above the declared PTU quota",
      "prod",
      v => {
        v.quota.declared.push({ region: "westus3", sku: "DataZoneProvisionedManaged", model: "gpt-5.1", capacity: 50 });
      },
      /^aoai-bcdr:enterprisePtu\.ptu: 100 PTU exceeds the declared quota of 50 \(quota\.declared\[12\]\) for gpt-5.1 DataZoneProvisionedManaged in westus3/,
    ],
    [
      "two pools in one region above its declared PTU quota together",
      "prod",
      v => {
        v.workloadPtus.push({ name: "audit", region: "eastus2", model: "gpt-5.1", ptu: 50 });
        v.quota.declared.push({ region: "eastus2", sku: "DataZoneProvisionedManaged", model: "gpt-5.1", capacity: 80 });
      },
      /^aoai-bcdr:workloadPtus\[0\]\.ptu: 100 PTU \(the 2 pools in eastus2 together\) exceeds the declared quota of 80/,
    ],
    [
      "a declared PTU quota of 0",
      "prod",
      v => {
        v.quota.declared.push({ region: "westus3", sku: "DataZoneProvisionedManaged", model: "gpt-5.1", capacity: 0 });
      },
      /^aoai-bcdr:enterprisePtu\.ptu: the declared quota \(quota\.declared\[12\]\) of gpt-5.1 DataZoneProvisionedManaged in westus3 is 0/,
    ],
    [
      "edge settings in private mode",
      "prod",
      v => {
        v.edge = { routing: "active-active" };
      },
      /^aoai-bcdr:edge: is used in public mode only .* remove it, or set network\.mode: public/,
    ],
    [
      "the regional opt-out on a data-zone stack",
      "dev",
      v => {
        v.standard.allowRegionalStandard = true;
      },
      /^aoai-bcdr:standard\.allowRegionalStandard: applies only to deploymentType: Standard, not DataZoneStandard/,
    ],
    [
      "a declared quota table with live quota",
      "dev",
      v => {
        v.quota.source = "live";
      },
      /^aoai-bcdr:quota\.declared: is read only with quota\.source: declared/,
    ],
  ];

  test.each(cases)("%s", (_what, stack, edit, expected) => {
    // The refusal leads; a cascade (e.g. quota rows outside a changed zone) may follow it.
    const found = refusals(stack, edit);
    expect(found[0]).toMatch(expected);
  });

  test("every problem is reported at once", () => {
    const found = refusals("prod", v => {
      v.regions.secondary = "eastus2";
      v.enterprisePtu.ptu = 12;
    });
    expect(found).toHaveLength(2);
  });

  /** Dev as a GlobalStandard stack in `regions`, without its declared Data Zone quota. */
  const globalStandard = (v: Loose, regions: { primary: string; secondary: string; dataZone?: string }) => {
    v.standard.deploymentType = "GlobalStandard";
    v.regions = regions;
    v.gateway.regions = [regions.primary, regions.secondary];
    // Dev's VNets are keyed by its own gateway regions: without them the accounts stay public.
    v.network.vnets = {};
    v.quota.declared = [];
    v.standard.models.forEach((m: Loose) => {
      m.capacity = 10;
    });
  };

  test.each([
    ["eastus2", "swedencentral"],
    ["swedencentral", "eastus2"],
    ["japaneast", "eastus2"],
    ["eastus2", "japaneast"],
  ])("GlobalStandard: %s + %s is accepted whichever region is primary", (primary, secondary) => {
    const found = refusals("dev", v => {
      globalStandard(v, { primary, secondary });
    });
    expect(found).toEqual([]);
  });

  test("GlobalStandard with a pinned zone still binds every region to it", () => {
    const found = refusals("dev", v => {
      globalStandard(v, { primary: "japaneast", secondary: "eastus2", dataZone: "US" });
    });
    expect(found[0]).toMatch(/^aoai-bcdr:regions\.primary: 'japaneast' is outside the US data zone/);
  });

  test("GlobalStandard in US regions accepts a declared quota row in an EU region (no data-zone rule applies)", () => {
    const found = refusals("dev", v => {
      globalStandard(v, { primary: "eastus2", secondary: "centralus" });
      v.quota.declared = [
        { region: "swedencentral", sku: "GlobalStandard", model: v.standard.models[0].name, capacity: 10 },
      ];
    });
    expect(found).toEqual([]);
  });

  test("GlobalStandard stacks may use regions outside any data zone", () => {
    const found = refusals("dev", v => {
      globalStandard(v, { primary: "japaneast", secondary: "australiaeast" });
    });
    expect(found).toEqual([]);
  });
});

describe("keys and quotas outside the schema", () => {
  test("a misspelt project namespace is refused, naming the key it was meant to be", () => {
    expect(
      namespaceIssues([
        "aoai-bdcr:workloadPtus",
        "aoai-bcdr:regions",
        "azure-native:location",
        "aoaibcdr:tags",
        "contoso:team",
      ]),
    ).toEqual([
      {
        key: "aoai-bdcr:workloadPtus",
        message:
          "unknown namespace 'aoai-bdcr'; did you mean aoai-bcdr:workloadPtus? (the program reads only aoai-bcdr:<key>)",
      },
      {
        key: "aoaibcdr:tags",
        message: expect.stringMatching(/^unknown namespace 'aoaibcdr'; did you mean aoai-bcdr:tags\?/),
      },
    ]);
    expect(() => parseConfig(stackValues("prod"), ["aoai-bcdr:regions", "aoai-bdcr:workloadPtus"])).toThrow(
      /aoai-bdcr:workloadPtus: unknown namespace 'aoai-bdcr'; did you mean aoai-bcdr:workloadPtus\?/,
    );
  });

  test('a number against a declared quota of 0 is told so, without offering "full" (which 0 refuses too)', async () => {
    const values = stackValues("dev");
    const model = values.standard.models[0];
    model.capacity = 10;
    const row = values.quota.declared.findIndex(
      (q: Loose) => q.model === model.name && q.region === values.regions.primary,
    );
    values.quota.declared[row].capacity = 0;
    const refused = validateStack(values);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `aoai-bcdr:standard\\.models\\[0\\]\\.capacity: 10 exceeds the declared quota of ${model.name.replace(/\./g, "\\.")} \\S+ in ${values.regions.primary} .*, which is 0: request quota for it, or remove the model`,
      ),
    );
    await expect(refused).rejects.not.toThrow(/"full"/);
  });

  test("a declared standard quota of 0 is named as such, not as missing", async () => {
    const values = stackValues("dev");
    values.quota.declared[2].capacity = 0;
    await expect(validateStack(values)).rejects.toThrow(
      /aoai-bcdr:standard\.models\[1\]\.capacity: "full" found a declared quota of 0 for gpt-5\.1 DataZoneStandard in eastus2 \(subscription 'primary'\): request quota for it, or remove the model/,
    );
  });
});

describe("one pass reports every phase", () => {
  test("a misspelt namespace, a schema error, a cross-field error, a quota and a failover-timing refusal come in one ConfigError", async () => {
    const values = stackValues("dev");
    values.observability = { retentionInDays: 5 };
    values.gateway.ptuBudget = { priority2: 100, priority3: 200 };
    values.standard.models[0].capacity = 201;
    values.gateway.chainTimeoutSeconds = 235;
    const refused = await validateStack(values, ["aoai-bcdr:regions", "aoai-bdcr:tags"]).then(
      () => [],
      e => (e as ConfigError).issues.map(i => `${i.key}: ${i.message}`),
    );
    expect(refused).toEqual([
      expect.stringMatching(/^aoai-bdcr:tags: unknown namespace 'aoai-bdcr'; did you mean aoai-bcdr:tags\?/),
      "aoai-bcdr:observability.retentionInDays: must be 30 to 730 days",
      "aoai-bcdr:gateway.ptuBudget.priority3: must be at most ptuBudget.priority2 (100): lower-priority applications leave the PTU pools first",
      expect.stringMatching(
        /^aoai-bcdr:standard\.models\[0\]\.capacity: 201 exceeds the declared quota of 200 for gpt-5\.4-mini DataZoneStandard in eastus2/,
      ),
      expect.stringMatching(/^aoai-bcdr:standard\.models\[0\]\.capacity: 201 exceeds .* in centralus/),
      expect.stringMatching(/^aoai-bcdr:gateway\.chainTimeoutSeconds: is 235 s, more than the 230 s Front Door leaves/),
    ]);
  });
});

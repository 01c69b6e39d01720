/**
 * The pack as a whole: what the Pulumi CLI is served, the invariants the policy server enforces with
 * process.exit, policy config as the CLI resolves it, the evaluator's fidelity to the server, and the
 * `npm run policy` command.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PolicyResource, ResourceValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PolicyConfigError, evaluatePack, resolvePolicies } from "../policies/evaluate";
import { PACK_NAME, packArgs, rules } from "../policies/pack";
import { policyCli } from "../stacks/policy";
import { resource } from "./policySupport";

const root = path.resolve(__dirname, "..");
const policiesDir = path.join(root, "policies");
const PACK_VERSION = JSON.parse(fs.readFileSync(path.join(policiesDir, "package.json"), "utf8")).version;

/** Serves the pack the way the Pulumi CLI runs it, and asks it what it serves over the analyzer protocol. */
async function servedPack(): Promise<{ name: string; version: string; policies: [string, number][] }> {
  // The client must use the same gRPC and protobuf copies as the SDK's generated stubs.
  const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] }));
  const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [sdk] }));
  const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
  // As `pulumi preview --policy-pack policies` does: @pulumi/pulumi's runner, in the pack's folder, TypeScript type-checked.
  const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."], { cwd: policiesDir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", d => { stderr += d; });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", d => resolve(String(d).trim()));
      child.once("exit", code => reject(new Error(`the pack exited (${code}) before serving:\n${stderr}`)));
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      return await new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err: Error | null, info: any) => err ? reject(err) : resolve({
        name: info.getName(), version: info.getVersion(),
        policies: info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]),
      })));
    } finally {
      client.close();
    }
  } finally {
    child.kill();
  }
}

describe("the pack", () => {
  test("serves every rule from policies/index.ts, as the Pulumi CLI runs it", async () => {
    const served = await servedPack();
    expect(served.name).toBe(PACK_NAME);
    expect(served.version).toBe(PACK_VERSION);
    // Enforcement levels on the wire: 0 advisory, 1 mandatory.
    expect(served.policies).toEqual(rules.map(r => [r.name, r.enforcementLevel === "advisory" ? 0 : 1]));
  }, 30000);

  test("every rule a module under policies/rules exports is in the pack", () => {
    const exported = fs.readdirSync(path.join(policiesDir, "rules")).flatMap(file =>
      Object.values(require(path.join(policiesDir, "rules", file)) as Record<string, unknown>)
        .filter((v): v is { name: string } => typeof v === "object" && v !== null && ("validateStack" in v || "validateResource" in v)));
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.filter(p => !(rules as readonly object[]).includes(p)).map(p => p.name)).toEqual([]);
  });

  test("holds to the invariants the policy server enforces by exiting", () => {
    expect(PACK_NAME).toMatch(/^[a-zA-Z0-9._-]+$/);
    const names = rules.map(r => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(rule.name).toMatch(/^[a-zA-Z0-9._-]{1,100}$/);
      expect(rule.name).not.toBe("all");
      expect(rule.description.length).toBeGreaterThan(0);
      expect(["advisory", "mandatory"]).toContain(rule.enforcementLevel);
      expect(rule.configSchema?.properties?.enforcementLevel).toBeUndefined();
      expect(rule.configSchema?.required ?? []).not.toContain("enforcementLevel");
    }
  });
});

describe("policy config, as the CLI resolves it", () => {
  const levels = (config: Parameters<typeof resolvePolicies>[0]) =>
    Object.fromEntries(resolvePolicies(config).map(p => [p.policy.name, p.level]));

  test("a policy's own entry wins over `all`, which wins over the policy's default", () => {
    const resolved = levels({ all: "advisory", "gateway-multi-region": { enforcementLevel: "mandatory" } });
    expect(resolved["gateway-multi-region"]).toBe("mandatory");
    expect(resolved["paired-openai-accounts"]).toBe("advisory");
    expect(levels({})["regional-standard-deployment"]).toBe("advisory");
  });

  test("settings get the schema's defaults", () => {
    const config = (name: string) => resolvePolicies({ "private-endpoints": "advisory" }).find(p => p.policy.name === name)!.config;
    expect(config("private-endpoints")).toEqual({ networkMode: "auto" });
    expect(config("paired-openai-accounts")).toEqual({ minRegions: 2 });
    expect(config("data-zone-consistency")).toEqual({});
  });

  test("a config the CLI would refuse is refused, every problem named", () => {
    expect(() => resolvePolicies({
      "no-such-policy": "mandatory",
      "paired-openai-accounts": { minRegions: 1 },
      "data-zone-consistency": { allowedDataZones: ["APAC"] },
      "split-brain-dns": { networkmode: "private" },
      "minimum-tls": "strict" as never,
    })).toThrow(new PolicyConfigError([
      "Invalid policy config:",
      "  - no-such-policy: no such policy in aoai-bcdr-guardrails",
      "  - paired-openai-accounts.minRegions: must be >= 2",
      "  - data-zone-consistency.allowedDataZones.0: must be equal to one of the allowed values",
      "  - split-brain-dns: must NOT have additional properties (networkmode)",
      "  - minimum-tls: enforcement level must be one of advisory, mandatory, remediate, disabled, not \"strict\"",
    ].join("\n")));
  });

  test("the stacks' policy config files are valid", () => {
    for (const stack of ["dev", "prod"]) expect(() => resolvePolicies(JSON.parse(fs.readFileSync(path.join(policiesDir, `policy-config.${stack}.json`), "utf8")))).not.toThrow();
  });
});

describe("the evaluator, as the policy server runs a pack", () => {
  const lone = [resource("azure-native:cognitiveservices:Account", "only", { kind: "OpenAI", location: "eastus2" })];

  test("a disabled policy does not run; a remediate level reports as mandatory", async () => {
    const only = (level: string) => evaluatePack(lone, { all: "disabled", "paired-openai-accounts": level as never });
    expect((await only("disabled")).violations).toEqual([]);
    expect((await only("remediate")).violations.map(v => [v.policy, v.enforcementLevel])).toEqual([["paired-openai-accounts", "mandatory"]]);
  });

  test("builds resource and stack arguments as the server does", async () => {
    const seen: { resource?: ResourceValidationArgs; stack?: PolicyResource[] } = {};
    const provider = resource("pulumi:providers:azure-native", "sub-b", { subscriptionId: "2222" });
    const account = { ...resource("azure-native:cognitiveservices:Account", "a", { kind: "OpenAI", nested: { late: require("@pulumi/policy/proxy").unknownStringValue } }), provider: `${provider.urn}::id-1` };
    const probe = { name: "probe", description: "records its arguments", enforcementLevel: "advisory" as const, configSchema: { properties: { limit: { type: "integer" as const, default: 3 } } } };
    const pack = {
      ...packArgs,
      policies: [
        { ...probe, validateResource: (args: ResourceValidationArgs) => { if (args.type === account.type) seen.resource = args; } },
        { ...probe, name: "stack-probe", validateStack: (args => { seen.stack = args.resources; }) as StackValidationPolicy["validateStack"] },
      ],
    };
    const { violations, notApplicable } = await evaluatePack([provider, account], {}, pack);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual([]);
    const args = seen.resource!;
    expect(args).toMatchObject({ urn: account.urn, name: "a", props: { kind: "OpenAI" }, provider: { urn: provider.urn, props: { subscriptionId: "2222" } } });
    expect(args.getConfig()).toEqual({ limit: 3 });
    expect(args.stackTags.size).toBe(0);
    expect(() => args.props.nested.late).toThrow(/string value at .nested.late can't be known during preview/);
    expect(() => args.notApplicable("why")).toThrow("why");
    expect(args.isType({ __pulumiType: account.type } as never)).toBe(true);
    // Providers are not analyzed as resources, but stack policies see every resource.
    expect(seen.stack!.map(r => r.name)).toEqual(["sub-b", "a"]);
  });

  test("a rule that throws fails the evaluation, naming the rule and the resource", async () => {
    const broken = { name: "broken", description: "throws", enforcementLevel: "mandatory" as const, validateResource: () => { throw new Error("boom"); } };
    await expect(evaluatePack(lone, {}, { ...packArgs, policies: [broken] }))
      .rejects.toThrow(`Error validating resource ${lone[0].urn} with policy 'broken' from policy pack 'aoai-bcdr-guardrails@v${PACK_VERSION}': boom`);
  });

  test("on a hand-built stack each missing piece is reported by its own rule, and rules of the other network mode do not apply", async () => {
    const { violations, notApplicable } = await evaluatePack(lone, {});
    // Public by inference (no VNet, no privatelink zone), so Front Door is required.
    expect(violations.map(v => v.policy)).toEqual(["paired-openai-accounts", "gateway-multi-region", "front-door-waf", "account-local-auth"]);
    expect(notApplicable.filter(n => !n.urn).map(n => n.policy)).toEqual([
      "circuit-breaker-backends", "backend-pool-priorities", "api-policy-failover", "private-account-access", "private-endpoints", "split-brain-dns", "front-door-origins",
    ]);
  });
});

describe("npm run policy", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-policy-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const planFile = write("plan.json", JSON.stringify({ project: "aoai-bcdr", stack: "test", resources: [
    resource("azure-native:cognitiveservices:Account", "only", { kind: "OpenAI", location: "eastus2", properties: { disableLocalAuth: true } }),
    resource("azure-native:apimanagement:ApiManagementService", "gw", { location: "eastus2", additionalLocations: [{ location: "centralus" }] }),
  ] }));
  const run = async (...argv: string[]) => {
    const out = { log: [] as string[], error: [] as string[] };
    const code = await policyCli(argv, { log: t => out.log.push(t), error: t => out.error.push(t) });
    return { code, stdout: out.log.join("\n"), stderr: out.error.join("\n") };
  };

  test("prints the violations and exits 1 on a mandatory one, 0 when all are advisory", async () => {
    const strict = await run(planFile);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("aoai-bcdr/test: 2 resources,");
    expect(strict.stdout).toMatch(/\[mandatory\] paired-openai-accounts: The OpenAI accounts span 1 region\(s\) \(eastus2\)[^\n]*\n {6}at urn:pulumi:test::aoai-bcdr::azure-native:cognitiveservices:Account::only/);
    const lenient = await run(planFile, "--policy-config", write("advisory.json", JSON.stringify({ all: "advisory" })));
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("[advisory] paired-openai-accounts");
  });

  test.each([
    ["a missing plan", () => [path.join(dir, "none.json")], /none\.json: no such file/],
    ["a plan that is not JSON", () => [write("bad.json", "{")], /bad\.json: not JSON/],
    ["a JSON file that is not a plan", () => [write("other.json", JSON.stringify({ stack: "x", resources: [{ urn: "u", type: "t", name: "n" }] }))], /other\.json: not a plan written by `npm run plan`: resources\[0\]\.inputs must be an object/],
    ["a refused policy config", () => [planFile, "--policy-config", write("config.json", JSON.stringify({ nope: "advisory" }))], /Invalid policy config:\n {2}- nope: no such policy/],
    ["no plan at all", () => [], /usage: npm run policy -- path\/to\/plan.json/],
    ["an unknown flag", () => [planFile, "--polcy-config", "x"], /Unknown option '--polcy-config'/],
  ])("%s exits 2 with a message", async (_what, argv, message) => {
    const result = await run(...argv());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test("the command exits with that code and no stack trace", () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "stacks/ts.js"), path.join(root, "stacks/policy.ts"), ...args],
      { cwd: root, encoding: "utf8", timeout: 30000 });
    const missing = cli(path.join(dir, "none.json"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^policy: .*none\.json: no such file\n$/);
    expect(cli(planFile).status).toBe(1);
  });
});

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { BENCH, benchCli } from "../stacks/bench/cli";
import { EXIT, countResources, formatCount, npmScript, resolvePolicyConfig, runCommand } from "../stacks/cli/cli";
import { AzureRefusalError } from "../stacks/engine/refusals/refusal";
import { readPolicyConfig } from "../stacks/policyServer/config";
import { MANIFEST } from "../stacks/cli/outDir";
import { PLAN, Plan, makePlan, parsePlanArgs, planCli, writePlan } from "../stacks/cli/plan";
import { POLICY, policyCli } from "../stacks/cli/policy";
import * as pulumi from "@pulumi/pulumi";
import {
  SECRET,
  StackFileError,
  loadStackConfig,
  redactSecrets,
  withoutApiVersionAliases,
} from "../stacks/engine/runner";
import { TYPES } from "../catalog/types";
import { stackFile } from "../stacks/cli/stackFile";
import type { Loose } from "./loose";
import { policyServer } from "./policySupport";

const root = path.resolve(__dirname, "..");
const made: string[] = [];
const tmp = () => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), "aoai-plan-")));
  return made[made.length - 1];
};
afterAll(() => made.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

// The plans below evaluate the pack in the process's shared server: the suite starts it and stops it when done.
policyServer();
/** One plan of prod for the whole file. */
let plan: Plan;
beforeAll(async () => {
  plan = await makePlan({ stack: "prod", config: stackFile("prod") });
});

describe("npm run plan", () => {
  let out: string;
  beforeAll(() => {
    out = path.join(tmp(), "out");
    writePlan(plan, out);
  });

  test("flags: defaults to dev, out/<stack>, the stack's own file; --config names the stack unless --stack does", () => {
    expect(parsePlanArgs([])).toEqual({ stack: "dev", config: stackFile("dev"), out: path.join("out", "dev") });
    expect(parsePlanArgs(["--config", "x/Pulumi.eu-west.yaml"])).toEqual({
      stack: "eu-west",
      config: "x/Pulumi.eu-west.yaml",
      out: path.join("out", "eu-west"),
    });
    expect(
      parsePlanArgs(["--stack", "prod", "--config", "x/Pulumi.eu.yaml", "--out", "o", "--policy-config", "p.json"]),
    ).toEqual({ stack: "prod", config: "x/Pulumi.eu.yaml", out: "o", policyConfig: "p.json" });
    expect(() => parsePlanArgs(["--config", "x/stack.yaml"])).toThrow(
      /--config x\/stack\.yaml: cannot tell the stack from the file name; name it Pulumi\.<stack>\.yaml or give --stack <name>/,
    );
    expect(() => parsePlanArgs(["--stack", "../etc"])).toThrow(/--stack '\.\.\/etc': a stack name has letters, digits/);
    expect(() => parsePlanArgs(["--stak", "prod"])).toThrow(/Unknown option '--stak'/);
    expect(() => parsePlanArgs(["prod"])).toThrow(/Unexpected argument 'prod'/);
  });

  test("plan.json has the documented shape", () => {
    const saved = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(Object.keys(saved)).toEqual(["project", "stack", "resources", "outputs", "violations"]);
    expect(saved).toMatchObject({ project: "aoai-bcdr", stack: "prod" });
    for (const r of saved.resources) {
      expect(r).toEqual(
        expect.objectContaining({
          urn: expect.stringMatching(/^urn:pulumi:prod::aoai-bcdr::/),
          type: expect.any(String),
          name: expect.any(String),
          inputs: expect.any(Object),
        }),
      );
    }
    expect(Object.keys(saved.outputs.accounts)).toHaveLength(7);
  });

  test("the command-line page quotes prod's count as plan prints it", () => {
    const readme = fs.readFileSync(path.join(root, "docs", "cli.md"), "utf8");
    const quoted = [...readme.matchAll(/`aoai-bcdr\/prod: (\d+ resources, \d+ components, \d+ providers)`/g)].map(
      m => m[1],
    );
    expect(quoted.length).toBeGreaterThan(0);
    for (const q of quoted) expect(q).toBe(formatCount(countResources(plan.resources)));
  });

  test("is deterministic: the same stack plans the same, byte for byte", async () => {
    const again = await makePlan({ stack: "prod", config: stackFile("prod") });
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
  });

  test("the diagram shows every region, account and chain", () => {
    const text = fs.readFileSync(path.join(out, "topology.txt"), "utf8");
    for (const region of ["eastus2", "centralus", "westus3"]) expect(text).toContain(`\n  ${region}\n`);
    expect(text).toMatch(
      /workload-claims \(gpt-5.1\): \[1\] workload-claims@eastus2 -> \[2\] enterprise-ptu@westus3 -> \[3\] standard-primary@eastus2/,
    );
    const mermaid = fs.readFileSync(path.join(out, "topology.mmd"), "utf8");
    expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid).toContain('subgraph westus3["westus3"]');
  });
});

describe("secrets never reach plan.json", () => {
  test("secure config values are secret and redacted", () => {
    const dir = tmp();
    const file = path.join(dir, "Pulumi.s.yaml");
    fs.writeFileSync(file, "config:\n  aoai-bcdr:token:\n    secure: v1:abc\n  plain: 1\n");
    expect(loadStackConfig(file)).toEqual({
      values: { "aoai-bcdr:token": SECRET, "aoai-bcdr:plain": "1" },
      secretKeys: ["aoai-bcdr:token"],
    });
  });

  test("secret-wrapped values anywhere in inputs become [secret]", () => {
    const wrapped = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "p@ss" };
    expect(redactSecrets({ a: [1, { b: wrapped }], c: "x" })).toEqual({ a: [1, { b: SECRET }], c: "x" });
  });
});

/** A command run in-process: its exit code and what it printed. */
async function run(
  cli: (argv: string[], out: { log(t: string): void; error(t: string): void }) => Promise<number>,
  ...argv: string[]
) {
  const out = { log: [] as string[], error: [] as string[] };
  const code = await cli(argv, { log: t => out.log.push(t), error: t => out.error.push(t) });
  return { code, stdout: out.log.join("\n"), stderr: out.error.join("\n") };
}
const NO_TRACE = /\n\s+at /;

/** The dev stack file with `edit` applied, written as Pulumi.<name>.yaml in a new directory. */
function editedStack(name: string, edit: (config: Loose) => void, from = "dev"): string {
  const doc = parseYaml(fs.readFileSync(stackFile(from), "utf8"));
  edit(doc.config);
  const file = path.join(tmp(), `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, stringifyYaml(doc));
  return file;
}

describe("--out never loses a file it did not write", () => {
  test("a directory holding someone else's files is refused, untouched, before the program runs", async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, ".git"));
    fs.writeFileSync(path.join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
    fs.writeFileSync(path.join(dir, "notes.md"), "mine");
    const r = await run(planCli, "--out", dir);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(
      /^plan: --out .*: the directory holds files plan did not write \(\.git, notes\.md\); give a new or empty directory; nothing was changed$/,
    );
    expect(fs.readdirSync(dir).sort()).toEqual([".git", "notes.md"]);
    expect(fs.readFileSync(path.join(dir, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
  });

  test("a file given as --out is refused", async () => {
    const file = path.join(tmp(), "f.txt");
    fs.writeFileSync(file, "x");
    expect((await run(planCli, "--out", file)).stderr).toMatch(/--out .*f\.txt: is a file, not a directory/);
    expect(fs.readFileSync(file, "utf8")).toBe("x");
  });

  test("a re-plan replaces exactly its own files: stale ones go, a file someone added stays", () => {
    const dir = path.join(tmp(), "out");
    writePlan(plan, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), "utf8"));
    expect(manifest.files).toEqual(["plan.json", "apim/gateway-api-policy.xml", "topology.txt", "topology.mmd"]);
    fs.writeFileSync(path.join(dir, "apim", "stale.xml"), "<old/>");
    manifest.files.push("apim/stale.xml", "../outside.txt");
    fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest));
    fs.writeFileSync(path.join(path.dirname(dir), "outside.txt"), "not in out");
    fs.writeFileSync(path.join(dir, "README.local"), "added by a person");
    writePlan({ ...plan, resources: plan.resources.filter(r => !r.type.endsWith("ApiPolicy")) }, dir);
    expect(fs.readdirSync(dir).sort()).toEqual([MANIFEST, "README.local", "plan.json", "topology.mmd", "topology.txt"]);
    expect(fs.readFileSync(path.join(path.dirname(dir), "outside.txt"), "utf8")).toBe("not in out");
  });
});

describe("--out follows no symbolic link", () => {
  /** A planned directory, and a folder elsewhere holding a file that must survive. */
  function setup() {
    const dir = path.join(tmp(), "out");
    writePlan(plan, dir);
    const elsewhere = tmp();
    fs.writeFileSync(path.join(elsewhere, "gateway-api-policy.xml"), "keep");
    return { dir, elsewhere };
  }
  const kept = (elsewhere: string) =>
    expect(fs.readFileSync(path.join(elsewhere, "gateway-api-policy.xml"), "utf8")).toBe("keep");

  test("a symbolic link as --out is refused", async () => {
    const { elsewhere } = setup();
    const link = path.join(tmp(), "link");
    fs.symlinkSync(elsewhere, link);
    const r = await run(planCli, "--out", link);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/^plan: .*link: is a symbolic link; .*nothing was changed$/);
    kept(elsewhere);
  });

  test("a subfolder replaced by a symbolic link is refused: nothing is deleted or written through it", () => {
    const { dir, elsewhere } = setup();
    fs.rmSync(path.join(dir, "apim"), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(dir, "apim"));
    expect(() => writePlan(plan, dir)).toThrow(/apim: is a symbolic link/);
    kept(elsewhere);
    expect(fs.readdirSync(elsewhere)).toEqual(["gateway-api-policy.xml"]);
  });

  test("a file replaced by a symbolic link is refused, its target untouched", () => {
    const { dir, elsewhere } = setup();
    const file = path.join(dir, "apim", "gateway-api-policy.xml");
    fs.rmSync(file);
    fs.symlinkSync(path.join(elsewhere, "gateway-api-policy.xml"), file);
    expect(() => writePlan(plan, dir)).toThrow(/gateway-api-policy\.xml: is a symbolic link/);
    kept(elsewhere);
  });
});

describe("stack, policy config and quota", () => {
  test("--config Pulumi.<name>.yaml plans stack <name>: its names; with no policy config of its own, the pack's defaults, said so", async () => {
    // dev's file copied elsewhere as Pulumi.staging.yaml: before, it was planned as dev, with dev's names and policy config.
    const file = editedStack("staging", () => undefined, "dev");
    const out = path.join(tmp(), "o");
    const r = await run(planCli, "--config", file, "--out", out);
    expect(r.stdout).toContain(
      "policy (config: the pack's defaults (no policies/policy-config.staging.json; give --policy-config to choose one))",
    );
    const saved = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(saved.stack).toBe("staging");
    expect(saved.resources.every((x: { urn: string }) => x.urn.startsWith("urn:pulumi:staging::"))).toBe(true);
    expect(
      saved.resources.find((x: { type: string }) => x.type === TYPES.resourceGroup).inputs.resourceGroupName,
    ).toMatch(/^rg-aoai-staging-/);
    // --policy-config taking effect is shown end to end by the exit-1 process test below.
    const missing = await run(
      planCli,
      "--config",
      file,
      "--policy-config",
      path.join(tmp(), "none.json"),
      "--out",
      path.join(tmp(), "o"),
    );
    expect(missing).toMatchObject({ code: EXIT.usage, stderr: expect.stringMatching(/none\.json: no such file$/) });
  });

  test("the policy config: --policy-config, else the stack's own file, else the pack's defaults", () => {
    const own = resolvePolicyConfig("prod");
    expect(own.source).toMatch(/(^|\/)policies\/policy-config\.prod\.json$/);
    expect(own.config).toEqual(readPolicyConfig(path.join(root, "policies/policy-config.prod.json")));
    expect(resolvePolicyConfig("prod", path.join(root, "policies/policy-config.dev.json")).config).toEqual(
      resolvePolicyConfig("dev").config,
    );
    expect(resolvePolicyConfig("nope")).toEqual({
      config: new Map(),
      source: expect.stringMatching(/^the pack's defaults \(no .*policy-config\.nope\.json/),
    });
  });

  test("quota.source live offline: one line naming the key and what to do, exit 2, nothing written", async () => {
    const file = editedStack("live", c => {
      c["aoai-bcdr:quota"] = { source: "live" };
    });
    const out = path.join(tmp(), "o");
    const r = await run(planCli, "--config", file, "--out", out);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(
      /^plan: aoai-bcdr:quota\.source: live reads Azure's usages API, which the offline plan cannot reach; set aoai-bcdr:quota\.source: declared .*$/,
    );
    expect(r.stderr.split("\n")).toHaveLength(1);
    expect(fs.existsSync(out)).toBe(false);
  });

  test.each([
    ["an empty file", "", /the file is empty; a stack file holds a 'config:' map/],
    [
      "the project file",
      "name: aoai-bcdr\nruntime: nodejs\n",
      /not a stack file: no 'config:' key \(this looks like the project file, Pulumi\.yaml/,
    ],
    ["a list", "- a\n- b\n", /not a stack file: expected a map with a 'config:' key/],
    ["an empty config", "config:\n", /'config' is empty/],
  ])("%s is refused in one line", (_what, text, message) => {
    const file = path.join(tmp(), "Pulumi.x.yaml");
    fs.writeFileSync(file, text);
    expect(() => loadStackConfig(file)).toThrow(StackFileError);
    expect(() => loadStackConfig(file)).toThrow(message);
  });
});

describe("commands: help, arguments, exit codes, one resource count", () => {
  test("what Azure would refuse ends every command with exit 1 and the refusal, no stack trace", async () => {
    const lines: string[] = [];
    const refusal = {
      rule: "name",
      resource: "rg",
      message: "resourceGroupName 'x' is too long",
      source: "https://learn.microsoft.com/",
    };
    const code = await runCommand(
      PLAN,
      async () => {
        throw new AzureRefusalError([refusal]);
      },
      { log: t => lines.push(t), error: t => lines.push(t) },
    );
    expect(code).toBe(EXIT.violation);
    expect(lines.join("\n")).toMatch(
      /^plan: Azure would refuse this deployment:\n {2}- \[name\] rg: resourceGroupName 'x' is too long/,
    );
    expect(lines.join("\n")).not.toMatch(/\n\s+at /);
  });

  test.each([
    ["plan", planCli, PLAN],
    ["policy", policyCli, POLICY],
    ["bench", benchCli, BENCH],
  ] as const)("%s --help prints its usage and exits 0", async (_name, cli, cmd) => {
    for (const flag of ["--help", "-h"]) {
      const r = await run(cli, flag);
      expect(r).toEqual({ code: EXIT.ok, stdout: cmd.usage, stderr: "" });
    }
    expect(cmd.usage).toMatch(/^usage: npm run \w+ -- /);
    expect(cmd.usage).toMatch(/\nexit codes: 0 .*, 2 .*, 3 /);
  });

  test.each([
    [["--runs", "0"], /^bench: --runs must be a whole number from 1 to 50, not '0'$/],
    [["--runs", "abc"], /^bench: --runs must be a whole number from 1 to 50, not 'abc'$/],
    [["--runs", "2.5"], /not '2\.5'/],
    [["--runs"], /^bench: Option '--runs <value>' argument missing/],
    [["--stacks", "dev,nope"], /^bench: --stacks: no stack file for 'nope'/],
    [["--stack", "dev"], /^bench: Unknown option '--stack'/],
  ])("bench %j exits 2 without a stack trace", async (argv, message) => {
    const r = await run(benchCli, ...argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(NO_TRACE);
  });

  test("a mandatory violation exits 1: dev with public accounts planned with --policy-config of prod's private-mode policy", async () => {
    const dir = tmp();
    const out = path.join(dir, "out");
    // Dev without its VNets: the accounts take public traffic, which prod's policy refuses.
    const stack = parseYaml(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8"));
    delete stack.config["aoai-bcdr:network"].vnets;
    stack.config["aoai-bcdr:gateway"].sku = "BasicV2";
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, stringifyYaml(stack));
    const prodPolicy = path.join(root, "policies/policy-config.prod.json");
    const r = await run(planCli, "--config", file, "--policy-config", prodPolicy, "--out", out);
    expect(r.code).toBe(EXIT.violation);
    expect(r.stdout).toContain(`policy (config: ${prodPolicy})`);
    expect(r.stdout).toMatch(/\[mandatory\] private-account-access \(\w+\): /);
    const saved = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(saved.violations.some((v: { policy: string }) => v.policy === "private-account-access")).toBe(true);
  });

  test("every command's exit codes are documented in the command-line page, word for word", () => {
    const readme = fs.readFileSync(path.join(root, "docs", "cli.md"), "utf8");
    for (const cmd of [PLAN, POLICY, BENCH]) expect(readme).toContain(cmd.usage.split("\n").pop()!);
    for (const [name, code] of Object.entries(EXIT))
      expect(readme).toMatch(new RegExp(`\\|\\s*${code}\\s*\\|\\s*${name}\\s*\\|`));
  });

  test("plan and policy count a plan's resources the same way: custom resources, then components and providers", async () => {
    const dir = path.join(tmp(), "o");
    writePlan(plan, dir);
    const count = countResources(plan.resources);
    expect(count.resources + count.components + count.providers).toBe(plan.resources.length);
    expect(count).toEqual({
      resources: plan.resources.filter(r => r.custom && !r.type.startsWith("pulumi:providers:")).length,
      components: plan.resources.filter(r => !r.custom).length,
      providers: plan.resources.filter(r => r.type.startsWith("pulumi:providers:")).length,
    });
    expect(count.providers).toBeGreaterThan(0);
    const policy = await run(policyCli, path.join(dir, "plan.json"));
    expect(policy.stdout.split("\n")[0]).toContain(`aoai-bcdr/prod: ${formatCount(count)},`);
    const { summary } = await import("../stacks/cli/plan");
    expect(summary(plan, [], "x").split("\n")[0]).toContain(`aoai-bcdr/prod: ${formatCount(count)},`);
    // A saved plan without the `custom` flag counts the same (this project's types are its components).
    const stripped = plan.resources.map(r => ({ type: r.type }));
    expect(countResources(stripped)).toEqual(count);
  });
});

// A process where only a process shows the property: its exit status and all it prints (no stack trace from anywhere,
// the SDK's exit hooks included), and that a server it preloaded does not hold it open. Everything else runs planCli
// in-process: it returns the exit status the command's main sets.
describe("the CLI as a process", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [...npmScript("plan"), ...args], { cwd: root, encoding: "utf8", timeout: 60000 });

  test("plan and policy load neither the engine nor gRPC until they plan or evaluate: --help answers at once", () => {
    const probe = [
      'require("./stacks/cli/plan"); require("./stacks/cli/policy");',
      "const loaded = Object.keys(require.cache);",
      'console.log(JSON.stringify(["@pulumi/pulumi", "@grpc/grpc-js", "stacks/engine/runner"].filter(m => loaded.some(f => f.includes(m)))));',
    ].join("\n");
    const r = spawnSync(process.execPath, ["-r", path.join(root, "stacks/loader/ts.js"), "-e", probe], {
      cwd: root,
      encoding: "utf8",
    });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  test("a refused config exits 2 with the key named and no stack trace", () => {
    const bad = editedStack("bad", c => {
      c["aoai-bcdr:regions"].secondary = "eastus2";
    });
    const out = path.join(tmp(), "out");
    const r = cli("--config", bad, "--out", out);
    expect(r.status).toBe(EXIT.usage);
    expect(r.stderr).toContain("aoai-bcdr:regions.secondary: must differ from regions.primary");
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("a command that ends before asking for the policy server it preloaded (--help, a refused flag) exits at once", () => {
    const help = cli("--help");
    expect([help.status, help.signal]).toEqual([EXIT.ok, null]);
    expect(help.stdout).toContain(PLAN.usage);
    const refused = cli("--stak", "dev");
    expect([refused.status, refused.signal]).toEqual([EXIT.usage, null]);
  });

  test("a missing stack file exits 2 and says how to name one", async () => {
    const r = await run(planCli, "--stack", "staging", "--out", path.join(tmp(), "out"));
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/Pulumi\.staging\.yaml: no such stack file \(give --stack <name>/);
  });

  test("a stack file that is not YAML exits 2 naming the file, in one line", async () => {
    const bad = path.join(tmp(), "Pulumi.bad.yaml");
    fs.writeFileSync(bad, "config:\n  aoai-bcdr:regions: {primary: eastus2\n");
    const r = await run(planCli, "--config", bad, "--out", path.join(tmp(), "out"));
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain(bad);
    expect(r.stderr.split("\n")).toHaveLength(1);
  });
});

describe("the offline run drops only the SDK's API-version aliases", () => {
  const args = (
    type: string,
    aliases: pulumi.Input<string | pulumi.Alias>[] | undefined,
  ): pulumi.ResourceTransformationArgs => ({
    resource: undefined as unknown as pulumi.Resource,
    type,
    name: "n",
    props: { a: 1 },
    opts: aliases ? { aliases, protect: true } : { protect: true },
  });

  test("versioned tokens of the resource's own type go; every other alias, the props and the other options stay", () => {
    const mine: pulumi.Alias[] = [
      { name: "old-name" },
      { type: "aoai-bcdr:network:Old" },
      { type: TYPES.virtualNetwork },
    ];
    const sdk: pulumi.Alias[] = [
      { type: "azure-native:network/v20230501:VirtualNetwork" },
      { type: "azure-native:network/v20240101:VirtualNetwork" },
    ];
    const a = args(TYPES.virtualNetwork, [...sdk, ...mine]);
    const result = withoutApiVersionAliases(a)!;
    expect(result.opts).toEqual({ aliases: mine, protect: true });
    expect(result.props).toBe(a.props);
    // Another type's versioned token, or a versioned token with more than a type, is not the SDK's own list.
    const other: pulumi.Alias[] = [
      { type: "azure-native:network/v20230501:Subnet" },
      { type: "azure-native:network/v20230501:VirtualNetwork", name: "x" },
    ];
    expect(withoutApiVersionAliases(args(TYPES.virtualNetwork, other))).toBeUndefined();
    expect(withoutApiVersionAliases(args(TYPES.virtualNetwork, undefined))).toBeUndefined();
  });

  test("the SDK does declare such aliases (what the transformation exists for)", () => {
    const src = fs.readFileSync(require.resolve("@pulumi/azure-native/network/virtualNetwork.js"), "utf8");
    expect(src).toMatch(/aliases: \[\{ type: "azure-native:network\/v[0-9a-z]+:VirtualNetwork" \}/);
  });
});

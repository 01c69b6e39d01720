/**
 * The pack as the Pulumi CLI runs it: served by the real @pulumi/policy server (the suite's loaded through the
 * cached transpile; one started exactly the way the CLI starts it, type-checked by ts-node, must agree), the
 * invariants the server enforces by exiting, policy config read as the CLI reads it, and `npm run policy`.
 */
import { spawnSync } from "child_process";
import { npmScript, resolvePolicyConfig } from "../stacks/cli/cli";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { PACK_NAME, rules } from "../policies/pack";
import { PolicyConfigError, parsePolicyConfig, reconcile, warnings } from "../stacks/policyServer/config";
import { PolicyServer } from "../stacks/policyServer/server";
import { sharedLaunch } from "../stacks/policyServer/launch";
import { policyCli } from "../stacks/cli/policy";
import { Plan, makePlan } from "../stacks/cli/plan";
import { PackEvaluator } from "../stacks/policyServer/evaluate";
import { stackFile } from "../stacks/cli/stackFile";
import { clone, edit, policyServer } from "./policySupport";

const root = path.resolve(__dirname, "..");
const policiesDir = path.join(root, "policies");
const PACK_VERSION = JSON.parse(fs.readFileSync(path.join(policiesDir, "package.json"), "utf8")).version;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-policy-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

const server = policyServer();

describe("the pack, as the Pulumi CLI runs it", () => {
  test("serves every rule from policies/index.ts, with its level and settings", () => {
    const { name, version, policies } = server.current.pack;
    expect([name, version]).toEqual([PACK_NAME, PACK_VERSION]);
    expect(policies.map(p => [p.name, p.enforcementLevel])).toEqual(rules.map(r => [r.name, r.enforcementLevel]));
    expect(policies.find(p => p.name === "paired-openai-accounts")!.configSchema!.properties.minRegions).toMatchObject({
      default: 2,
      minimum: 2,
    });
  });

  test("a type error in a pack stops it from starting, as the CLI's ts-node type-check does", async () => {
    const pack = fs.mkdtempSync(path.join(dir, "pack-"));
    fs.symlinkSync(path.join(root, "node_modules"), path.join(pack, "node_modules"));
    fs.writeFileSync(
      path.join(pack, "package.json"),
      JSON.stringify({ name: "broken", version: "0.0.1", main: "index.ts" }),
    );
    fs.writeFileSync(
      path.join(pack, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, skipLibCheck: true, module: "commonjs", target: "es2022", types: [] },
        files: ["index.ts"],
      }),
    );
    fs.writeFileSync(path.join(pack, "index.ts"), 'export const level: number = "mandatory";\n');
    // One file that imports nothing (and no ambient types): the check costs what checking it costs. A start other
    // than the shared one launches a process of its own: the shared server would serve.
    await expect(PolicyServer.start({ packDir: pack, launch: "cli" })).rejects.toThrow(
      /TS2322: Type 'string' is not assignable to type 'number'/,
    );
    // Without a type-check the same file runs, and ends without serving: what refused it above is the type-check.
    await expect(PolicyServer.start({ packDir: pack, launch: "transpiled" })).rejects.toThrow(
      /the policy pack exited \(0\) before serving/,
    );
  }, 60000);

  test("the server npm run plan and npm run policy preload (early.ts) is the process's shared one, which their evaluator takes, and which never keeps the command alive", () => {
    // `npm run policy`'s own preloads, then what its evaluator asks (stacks/policyServer/evaluate.ts sharedEvaluator).
    const preloads = npmScript("policy").slice(0, -1);
    const asks = [
      'const { SHARED_SERVER, serving, sharedLaunch } = require("./stacks/policyServer/launch");',
      'const preloaded = require("child_process").ChildProcess[SHARED_SERVER];',
      "serving(sharedLaunch()).then(port => console.log(JSON.stringify({ taken: !!preloaded && sharedLaunch() === preloaded, port })));",
    ].join("\n");
    const r = spawnSync(process.execPath, [...preloads, "-e", asks], { cwd: root, encoding: "utf8", timeout: 30000 });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({ taken: true, port: expect.stringMatching(/^\d+$/) });
  });

  test("the worker's suites share its server: a suite closing its client leaves it serving the next", async () => {
    const shared = sharedLaunch();
    const suite = await PolicyServer.shared();
    suite.close();
    const next = await PolicyServer.shared();
    try {
      expect(sharedLaunch()).toBe(shared);
      expect(shared.child.exitCode).toBeNull();
      expect((await next.info()).policies.map(p => p.name)).toEqual(server.current.pack.policies.map(p => p.name));
    } finally {
      next.close();
    }
  });

  test("npm test type-checks every file of the pack: the type-check's config (tsconfig.typecheck.json) includes policies/", () => {
    const file = path.join(root, "tsconfig.typecheck.json");
    const { config } = ts.readConfigFile(file, ts.sys.readFile);
    const checked = new Set(
      ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, file).fileNames.map(f => path.resolve(f)),
    );
    const pack = ts.sys.readDirectory(policiesDir, [".ts"], ["node_modules"]).map(f => path.resolve(f));
    expect(pack).toContain(path.join(policiesDir, "index.ts"));
    expect(pack.filter(f => !checked.has(f))).toEqual([]);
  });

  test("every rule a module under policies/rules exports is in the pack", async () => {
    const modules: Record<string, unknown>[] = await Promise.all(
      fs.readdirSync(path.join(policiesDir, "rules")).map(file => import(path.join(policiesDir, "rules", file))),
    );
    const exported = modules.flatMap(m =>
      Object.values(m).filter(
        (v): v is { name: string } =>
          typeof v === "object" && v !== null && ("validateStack" in v || "validateResource" in v),
      ),
    );
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.filter(p => !(rules as readonly object[]).includes(p)).map(p => p.name)).toEqual([]);
  });

  test("holds to the invariants the policy server enforces by exiting", () => {
    const names = rules.map(r => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(rule.name).toMatch(/^[a-zA-Z0-9._-]{1,100}$/);
      expect(rule.name).not.toBe("all");
      expect(rule.configSchema?.properties?.enforcementLevel).toBeUndefined();
    }
  });
});

describe("policy config, as the CLI reads it", () => {
  const policies = () => server.current.pack.policies;
  const resolved = (config: object) => reconcile(policies(), parsePolicyConfig(JSON.stringify(config), "config.json"));

  test("`all` as a string or an object sets every level; a policy's own entry wins; schema defaults fill the settings", () => {
    for (const all of ["advisory", { enforcementLevel: "advisory" }]) {
      const r = resolved({ all, "gateway-multi-region": { enforcementLevel: "mandatory" } });
      expect(r.get("gateway-multi-region")!.enforcementLevel).toBe("mandatory");
      expect(r.get("paired-openai-accounts")).toEqual({ enforcementLevel: "advisory", properties: { minRegions: 2 } });
    }
    expect(resolved({}).get("regional-standard-deployment")!.enforcementLevel).toBe("advisory");
    expect(resolved({}).get("private-endpoints")!.properties).toEqual({ networkMode: "auto" });
  });

  test("unknown names and settings pass, as in the CLI, and are warned about", () => {
    const config = parsePolicyConfig(
      JSON.stringify({
        "paired-openai-acounts": "disabled",
        "split-brain-dns": { networkmode: "private" },
        all: { enforcementLevel: "mandatory", x: 1 },
      }),
      "c.json",
    );
    expect(() => reconcile(policies(), config)).not.toThrow();
    expect(warnings(policies(), config)).toEqual([
      expect.stringMatching(/^"paired-openai-acounts": no policy of that name in the pack; this entry is ignored/),
      expect.stringMatching(
        /^"split-brain-dns": "networkmode" is no setting of this policy; it is ignored \(known: networkMode\)/,
      ),
      expect.stringMatching(/^"all": setting "x" applies to no policy/),
    ]);
    expect(
      warnings(
        policies(),
        parsePolicyConfig(fs.readFileSync(path.join(policiesDir, "policy-config.prod.json"), "utf8"), "prod"),
      ),
    ).toEqual([]);
  });

  test("what the CLI refuses is refused, naming the key", () => {
    expect(() => parsePolicyConfig('{"minimum-tls": "strict"}', "c.json")).toThrow(
      /c.json: "minimum-tls": "strict" is not an enforcement level/,
    );
    expect(() => parsePolicyConfig('{"all": {"enforcementLevel": 1}}', "c.json")).toThrow(
      /"all".enforcementLevel: 1 is not an enforcement level/,
    );
    expect(() => parsePolicyConfig('{"minimum-tls": 3}', "c.json")).toThrow(
      /"minimum-tls": must be an enforcement level or an object/,
    );
    expect(() =>
      resolved({
        "paired-openai-accounts": { minRegions: 1 },
        "data-zone-consistency": { allowedDataZones: ["APAC"] },
      }),
    ).toThrow(
      new PolicyConfigError(
        [
          "Invalid policy config:",
          "  - paired-openai-accounts.minRegions: must be >= 2",
          "  - data-zone-consistency.allowedDataZones.0: must be equal to one of the allowed values",
        ].join("\n"),
      ),
    );
  });
});

describe("npm run policy", () => {
  let plan: Plan;
  let clean: string;
  let broken: string;
  beforeAll(async () => {
    plan = await makePlan({ stack: "dev", config: stackFile("dev") });
    clean = write("plan.json", JSON.stringify(plan));
    broken = write(
      "broken.json",
      JSON.stringify({
        ...plan,
        resources: edit("standard-secondary-account", p => {
          p.location = "eastus2";
        })(clone(plan.resources)),
      }),
    );
  }, 60000);
  const cli = async (...argv: string[]) => {
    const out = { log: [] as string[], error: [] as string[] };
    const code = await policyCli(argv, { log: t => out.log.push(t), error: t => out.error.push(t) });
    return { code, stdout: out.log.join("\n"), stderr: out.error.join("\n") };
  };
  /** `npm run policy` on the clean plan, run once for the tests that read it. */
  let cleanRun: ReturnType<typeof cli> | undefined;
  const cliClean = () => (cleanRun ??= cli(clean));

  test("npm run plan and npm run policy report what the server reports", async () => {
    expect(plan.violations).toEqual(await server.current.evaluate(plan, resolvePolicyConfig("dev").config));
    expect(plan.violations.length).toBeGreaterThan(0);
    const r = await cliClean();
    for (const v of plan.violations)
      expect(r.stdout).toContain(`[${v.enforcementLevel}] ${v.policy} (${v.phase}): ${v.message.replace(/\n/g, " ")}`);
  });

  test("started the CLI's way (run-policy-pack, ts-node type-check), the pack serves the same rules and verdicts", async () => {
    const cliLaunched = await PackEvaluator.start("cli");
    try {
      expect(cliLaunched.pack).toEqual(server.current.pack);
      const config = resolvePolicyConfig("dev").config;
      // The clean plan's verdicts from the transpiled launch are the plan's own (the test above checks them).
      expect(await cliLaunched.evaluate(JSON.parse(fs.readFileSync(clean, "utf8")), config)).toEqual(plan.violations);
      const saved = JSON.parse(fs.readFileSync(broken, "utf8"));
      const verdicts = await cliLaunched.evaluate(saved, config);
      expect(verdicts).toEqual(await server.current.evaluate(saved, config));
      expect(verdicts.filter(v => v.enforcementLevel === "mandatory").length).toBeGreaterThan(0);
    } finally {
      cliLaunched.close();
    }
  }, 60000);

  test("a clean plan passes; what preview cannot decide is listed as advisory", async () => {
    const r = await cliClean();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^aoai-bcdr\/dev: \d+ resources, \d+ components, \d+ providers, \d+ violation\(s\), 0 mandatory/,
    );
    expect(r.stdout).toMatch(/\[advisory\] failover-step-order \(preview\): .*cannot decide until the update/);
  });

  test("a broken plan fails in preview and after update, and exits 1; `all: advisory` lets it through", async () => {
    const r = await cli(broken);
    expect(r.code).toBe(1);
    for (const phase of ["preview", "update"])
      expect(r.stdout).toContain(`[mandatory] paired-openai-accounts (${phase}): `);
    const lenient = await cli(
      broken,
      "--policy-config",
      write("advisory.json", JSON.stringify({ all: { enforcementLevel: "advisory" } })),
    );
    expect(lenient.code).toBe(0);
  });

  test("warns about a misspelt policy name instead of ignoring it silently", async () => {
    const r = await cli(
      broken,
      "--policy-config",
      write("typo.json", JSON.stringify({ "paired-openai-acounts": "disabled" })),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /policy: warning: .*typo\.json: "paired-openai-acounts": no policy of that name in the pack/,
    );
  });

  test.each([
    ["a missing plan", () => [path.join(dir, "none.json")], /none\.json: no such file/],
    ["a plan that is not JSON", () => [write("bad.json", "{")], /bad\.json: not JSON/],
    [
      "a JSON file that is not a plan",
      () => [
        write(
          "other.json",
          JSON.stringify({ project: "p", stack: "x", resources: [{ urn: "u", type: "t", name: "n", inputs: {} }] }),
        ),
      ],
      /other\.json: not a plan written by `npm run plan`: resources\[0\]\.outputs must be an object/,
    ],
    [
      "a refused policy config",
      () => [clean, "--policy-config", write("config.json", JSON.stringify({ all: "strict" }))],
      /"all": "strict" is not an enforcement level/,
    ],
    ["no plan at all", () => [], /usage: npm run policy -- path\/to\/plan.json/],
  ])("%s exits 2 with a message", async (_what, argv, message) => {
    const r = await cli(...argv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test("the command exits with that code and no stack trace", () => {
    const r = spawnSync(process.execPath, [...npmScript("policy"), path.join(dir, "none.json")], {
      cwd: root,
      encoding: "utf8",
      timeout: 30000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^policy: .*none\.json: no such file\n$/);
  });
});

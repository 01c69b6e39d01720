import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { Plan, makePlan, parsePlanArgs, writePlan } from "../stacks/plan";
import { SECRET, loadStackConfig, redactSecrets, stackFile } from "../stacks/runner";

const root = path.resolve(__dirname, "..");
const made: string[] = [];
const tmp = () => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), "aoai-plan-")));
  return made[made.length - 1];
};
afterAll(() => made.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

describe("npm run plan", () => {
  let plan: Plan;
  let out: string;
  beforeAll(async () => {
    plan = await makePlan({ stack: "prod", config: stackFile("prod") });
    out = tmp();
    writePlan(plan, out);
  });

  test("flags: defaults to dev, out/<stack>, the stack's own file; --config takes any path", () => {
    expect(parsePlanArgs([])).toEqual({ stack: "dev", config: stackFile("dev"), out: path.join("out", "dev") });
    expect(parsePlanArgs(["--stack", "prod", "--config", "x/Pulumi.eu.yaml", "--out", "o"]))
      .toEqual({ stack: "prod", config: "x/Pulumi.eu.yaml", out: "o" });
    expect(() => parsePlanArgs(["--stak", "prod"])).toThrow(/Unknown option '--stak'/);
  });

  test("plan.json has the documented shape", () => {
    const saved = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(Object.keys(saved)).toEqual(["project", "stack", "resources", "outputs", "violations"]);
    expect(saved).toMatchObject({ project: "aoai-bcdr", stack: "prod" });
    for (const r of saved.resources) {
      expect(r).toEqual(expect.objectContaining({ urn: expect.stringMatching(/^urn:pulumi:prod::aoai-bcdr::/), type: expect.any(String), name: expect.any(String), inputs: expect.any(Object) }));
    }
    expect(Object.keys(saved.outputs.accounts)).toHaveLength(6);
  });

  test("is deterministic: the same stack plans the same, byte for byte", async () => {
    const again = await makePlan({ stack: "prod", config: stackFile("prod") });
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
  });

  test("the diagram shows every region, account and chain", () => {
    const text = fs.readFileSync(path.join(out, "topology.txt"), "utf8");
    for (const region of ["eastus2", "centralus", "westus3"]) expect(text).toContain(`\n  ${region}\n`);
    expect(text).toMatch(/workload-claims \(gpt-4o\): \[1\] workload-claims@eastus2 -> \[2\] enterprise-ptu@westus3 -> \[3\] standard-primary@eastus2/);
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
    expect(loadStackConfig(file)).toEqual({ values: { "aoai-bcdr:token": SECRET, "aoai-bcdr:plain": "1" }, secretKeys: ["aoai-bcdr:token"] });
  });

  test("secret-wrapped values anywhere in inputs become [secret]", () => {
    const wrapped = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "p@ss" };
    expect(redactSecrets({ a: [1, { b: wrapped }], c: "x" })).toEqual({ a: [1, { b: SECRET }], c: "x" });
  });
});

describe("the CLI", () => {
  const cli = (...args: string[]) => spawnSync(process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(root, "stacks/plan.ts"), ...args],
    { cwd: root, encoding: "utf8", timeout: 60000 });

  test("a refused config exits 2 with the key named and no stack trace", () => {
    const dir = tmp();
    const bad = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(bad, fs.readFileSync(stackFile("dev"), "utf8").replace("secondary: centralus", "secondary: eastus2"));
    const r = cli("--config", bad, "--out", path.join(dir, "out"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("aoai-bcdr:regions.secondary: must differ from regions.primary");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, "out", "plan.json"))).toBe(false);
  });

  test("a mandatory violation exits 1: prod switched to public mode breaks its private-mode policy", () => {
    const dir = tmp();
    const doc = parseYaml(fs.readFileSync(stackFile("prod"), "utf8"));
    doc.config["aoai-bcdr:network"] = { mode: "public" };
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, stringifyYaml(doc));
    const r = cli("--stack", "prod", "--config", file, "--out", path.join(dir, "out"));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\[mandatory\] private-account-access: /);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, "out", "plan.json"), "utf8"));
    expect(saved.violations.some((v: { policy: string }) => v.policy === "private-account-access")).toBe(true);
  });

  test("a missing stack file exits 2 and says how to name one", () => {
    const r = cli("--stack", "staging", "--out", path.join(tmp(), "out"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Pulumi\.staging\.yaml: no such stack file \(give --stack <name>/);
  });

  test("a stack file that is not YAML exits 2 naming the file", () => {
    const dir = tmp();
    const bad = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(bad, "config:\n  aoai-bcdr:regions: {primary: eastus2\n");
    const r = cli("--config", bad, "--out", path.join(dir, "out"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(bad);
  });
});

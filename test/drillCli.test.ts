/**
 * `npm run drill` as a command: the shared flags, help and exit codes, and files it never loses: its charts
 * live in a directory of their own (a manifest, like the plan's) beside the plan, `--json` replaces only a
 * report the drill wrote; `--only` picks scenarios. No program run: the fixture plan; a 4-minute drill window.
 * Each test drills the scenarios its property needs (`--only`); one drills the whole set.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT } from "../stacks/cli/cli";
import { DRILL, cli, planStack } from "../stacks/drill/cli";
import { slug } from "../stacks/drill/scenarios";
import { GENERATED_BY, MANIFEST } from "../stacks/cli/outDir";
import { Plan, writePlan } from "../stacks/cli/plan";
import { fixturePlan } from "./drillFixture";

let dir: string;
let plan: Plan;
let drillFile: string;
const cwd = process.cwd();
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-cli-"));
  // The drill reads no violations: a hand-made plan in the gateway's shape (drillFixture.ts) stands in for a planned one.
  plan = { ...fixturePlan(), violations: [] } as unknown as Plan;
  drillFile = path.join(dir, "short.yaml");
  fs.writeFileSync(drillFile, "window: { minutes: 4, faultFrom: 1, faultTo: 3 }\noperatorMinutes: 1\n");
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The drill run in-process: its exit code and what it printed. */
async function drill(...argv: string[]) {
  const out = { log: [] as string[], error: [] as string[] };
  const code = await cli(argv, { log: t => out.log.push(t), error: t => out.error.push(t) });
  return { code, stdout: out.log.join("\n"), stderr: out.error.join("\n") };
}
const NO_TRACE = /\n\s+at /;
const savedPlan = (name: string) => {
  const file = path.join(dir, name, "plan.json");
  writePlan(plan, path.dirname(file));
  return file;
};

describe("flags and exit codes (the shared CLI)", () => {
  test("--help prints the usage with the exit codes and exits 0", async () => {
    const r = await drill("--help");
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe(DRILL.usage);
    expect(r.stdout).toMatch(/exit codes: 0 drilled, 2 .*, 3 internal error/);
  });

  test("the command-line page documents drill's exit codes word for word", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "..", "docs", "cli.md"), "utf8");
    expect(readme).toContain(`- drill — ${DRILL.usage.split("\n").pop()}`);
  });

  test.each([
    [["--stak", "dev"], /^drill: Unknown option '--stak'/],
    [["--seed", "abc"], /^drill: --seed must be a whole number from 0 to 2147483647, not 'abc'/],
    [["--seed", "1.5"], /^drill: --seed must be a whole number/],
    [["--stack", "dev", "--plan", "x.json"], /^drill: give --stack or --plan, not both/],
    [["--plan", "missing.json"], /^drill: --plan missing\.json: no such plan/],
    [["--only", "gateway,"], /^drill: --only: 'gateway,': give scenario classes or scenarios, separated by commas/],
  ])("%j exits 2 with one message, no stack trace, nothing written", async (argv, message) => {
    const before = fs.readdirSync(dir).sort();
    const r = await drill(...argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  test("--seed is used: the report says which", async () => {
    const r = await drill("--plan", savedPlan("seeded"), "--drill", drillFile, "--seed", "7", "--only", "baseline");
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/, seed 7, /);
  });
});

describe("--only drills some scenarios", () => {
  test("a name that is no class or scenario of the plan exits 2, listing the allowed ones; nothing written", async () => {
    const planFile = savedPlan("only");
    const json = path.join(dir, "only.json");
    const r = await drill("--plan", planFile, "--drill", drillFile, "--json", json, "--only", "gateway,eastus2 dwn");
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(
      /^drill: --only: 'eastus2 dwn' names no scenario class or scenario of this drill; allowed: the classes baseline, region, gateway, account, ptu, quota; the scenarios baseline, eastus2-down-5xx, .*, eastus2-down-with-its-gateway/,
    );
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(fs.existsSync(json)).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(planFile), "drill"))).toBe(false);
  });

  test("classes and scenarios, by name or chart file name: the table, charts and report cover just those", async () => {
    const planFile = savedPlan("only-some");
    const json = path.join(dir, "only-some.json");
    const only = "account,centralus-unreachable,eastus2 down (5xx)";
    const r = await drill("--plan", planFile, "--drill", drillFile, "--json", json, "--only", only);
    expect(r.code).toBe(EXIT.ok);
    // In the set's order, whatever the order given.
    const names = [
      "eastus2 down (5xx)",
      "centralus unreachable",
      "standard-primary timing out",
      "standard-primary answering 408",
    ];
    expect(r.stdout.startsWith(`failover drill: aoai-bcdr/fixture, 4 of 14 scenarios (--only ${only}), `)).toBe(true);
    const rows = r.stdout.split("\n").filter(l => /^\S.* (claims|chat) +\d/.test(l));
    expect(rows.map(l => names.find(n => l.startsWith(`${n} `)))).toEqual(names);
    const report = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(report.only).toEqual(only.split(","));
    expect(report.scenarios.map((x: { name: string; class: string }) => [x.name, x.class])).toEqual(
      names.map((n, i) => [n, i < 2 ? "region" : "account"]),
    );
    const charts = fs.readdirSync(path.join(path.dirname(planFile), "drill")).filter(f => f !== MANIFEST);
    expect(charts.sort()).toEqual(names.map(n => `${slug(n)}.svg`).sort());
  });
});

describe("--min-served gates the exit code", () => {
  test("a scenario below its class's threshold exits 4 after writing everything, naming it; above it exits 0", async () => {
    const planFile = savedPlan("gated");
    const json = path.join(dir, "gated.json");
    // One gateway location: with eastus2 down with its gateway nothing is served (class gateway).
    const only = ["--only", "eastus2 down with its gateway"];
    const below = await drill("--plan", planFile, "--drill", drillFile, "--json", json, "--min-served", "99", ...only);
    expect(below.code).toBe(EXIT.gate);
    expect(below.stdout).toMatch(/\n {2}eastus2 down with its gateway \(gateway, min 99 %\): claims 0\.0%/);
    expect(
      fs.existsSync(path.join(path.dirname(planFile), "drill", `${slug("eastus2 down with its gateway")}.svg`)),
    ).toBe(true);
    const report = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(report.minServed).toEqual({ all: 99 });
    expect(report.belowMinServed).toEqual(
      expect.arrayContaining([
        {
          scenario: "eastus2 down with its gateway",
          class: "gateway",
          application: "claims",
          served: 0,
          minServed: 99,
        },
      ]),
    );
    // The scenarios those thresholds judge: baseline, and the account's (timing out, answering 408).
    const above = await drill(
      "--plan",
      planFile,
      "--drill",
      drillFile,
      "--min-served",
      "baseline=99,account=50",
      "--only",
      "baseline,account",
    );
    expect(above.code).toBe(EXIT.ok);
    expect(above.stdout).toMatch(
      /min served \(per application\): baseline 99 %, account 50 %\nevery scenario is at or above it/,
    );
  });

  test("the drill file's minServed gates when no flag is given; the flag replaces it", async () => {
    const planFile = savedPlan("gated-file");
    const gated = path.join(dir, "gated.yaml");
    fs.writeFileSync(gated, `${fs.readFileSync(drillFile, "utf8")}minServed: { gateway: 90 }\n`);
    // The gateway scenarios only: the file's threshold holds them, the flag's does not.
    expect((await drill("--plan", planFile, "--drill", gated, "--only", "gateway")).code).toBe(EXIT.gate);
    expect(
      (await drill("--plan", planFile, "--drill", gated, "--min-served", "baseline=99", "--only", "gateway")).code,
    ).toBe(EXIT.ok);
  });

  test.each([
    [
      "gatway=95",
      /^drill: --min-served: 'gatway' is not a scenario class; allowed: all, baseline, watchdog, region, gateway, account, ptu, quota/,
    ],
    ["101", /^drill: --min-served: '101': give a percent from 0 to 100/],
    ["gateway=", /^drill: --min-served: 'gateway=': give a percent/],
  ])("--min-served %s exits 2 with one message", async (spec, message) => {
    const r = await drill("--plan", savedPlan("bad-gate"), "--drill", drillFile, "--min-served", spec);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
  });
});

describe("plan and drill share out/<stack>", () => {
  test("npm run plan, then drill --stack, twice each: both work; each replaces only its own files", async () => {
    const out = path.join("out", plan.stack);
    const charts = () => fs.readdirSync(path.join(out, "drill")).filter(f => f !== MANIFEST);
    const manifest = () => JSON.parse(fs.readFileSync(path.join(out, "drill", MANIFEST), "utf8"));
    writePlan(plan, out); // npm run plan
    // The whole scenario set first: a chart per scenario; then --only: the drill's directory holds just those.
    const drilled: string[][] = [];
    for (const only of [[], ["--only", "baseline,gateway"]]) {
      await planStack(plan.stack, async () => plan); // what drill --stack does before drilling
      const json = path.join(dir, `shared-${drilled.length}.json`);
      const r = await drill("--plan", path.join(out, "plan.json"), "--drill", drillFile, "--json", json, ...only);
      expect(r.code).toBe(EXIT.ok);
      const names = JSON.parse(fs.readFileSync(json, "utf8")).scenarios.map((x: { name: string }) => x.name);
      drilled.push(names);
      expect(charts().sort()).toEqual(names.map((n: string) => `${slug(n)}.svg`).sort());
      expect(manifest()).toEqual({ writer: "drill", files: expect.arrayContaining(charts()) });
      writePlan(plan, out);
    }
    const [all, some] = drilled;
    expect(all.length).toBeGreaterThan(10);
    expect(all).toContain("baseline");
    expect(some).toEqual(["baseline", "gateway eastus2 down", "eastus2 down with its gateway"]);
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(["plan.json", "drill", MANIFEST]));
  });

  test("drill --stack refuses its other inputs before it writes the plan", async () => {
    const out = path.join("out", "refused");
    await expect(
      planStack(
        "refused",
        async () => plan,
        () => {
          throw new Error("refused");
        },
      ),
    ).rejects.toThrow("refused");
    expect(fs.existsSync(path.join(out, "plan.json"))).toBe(false);
  });
});

describe("the drill never overwrites a file it did not write", () => {
  test("--json: a file someone else wrote is refused before the drill runs; the drill's own report is replaced", async () => {
    const file = path.join(dir, "notes.json");
    fs.writeFileSync(file, '{"mine": true}\n');
    const planFile = savedPlan("json");
    const r = await drill("--plan", planFile, "--drill", drillFile, "--json", file);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(
      /--json .*notes\.json: the file exists and drill did not write it; give a new file name; nothing was changed$/,
    );
    expect(fs.readFileSync(file, "utf8")).toBe('{"mine": true}\n');
    expect(fs.existsSync(path.join(path.dirname(planFile), "drill"))).toBe(false);

    const own = path.join(dir, "report.json");
    for (let i = 0; i < 2; i++)
      expect((await drill("--plan", planFile, "--drill", drillFile, "--json", own, "--only", "baseline")).code).toBe(
        EXIT.ok,
      );
    const report = JSON.parse(fs.readFileSync(own, "utf8"));
    expect(report[GENERATED_BY]).toBe("drill");
    expect(report.scenarios[0].applications[0]).toEqual(expect.objectContaining({ served: expect.any(Number) }));
  });

  test("--json through a symbolic link is refused", async () => {
    const target = path.join(dir, "target.txt");
    fs.writeFileSync(target, "kept");
    fs.symlinkSync(target, path.join(dir, "link.json"));
    const r = await drill("--plan", savedPlan("link"), "--drill", drillFile, "--json", path.join(dir, "link.json"));
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/link\.json: is a symbolic link/);
    expect(fs.readFileSync(target, "utf8")).toBe("kept");
  });

  test("--plan X: a drill/ folder beside X holding someone else's files is refused, untouched", async () => {
    const planFile = savedPlan("foreign");
    const charts = path.join(path.dirname(planFile), "drill");
    fs.mkdirSync(charts);
    fs.writeFileSync(path.join(charts, "baseline.svg"), "<svg>mine</svg>");
    const r = await drill("--plan", planFile, "--drill", drillFile);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(
      /^drill: the charts' directory .*drill: the directory holds files drill did not write \(baseline\.svg\)/,
    );
    expect(fs.readdirSync(charts)).toEqual(["baseline.svg"]);
    expect(fs.readFileSync(path.join(charts, "baseline.svg"), "utf8")).toBe("<svg>mine</svg>");
  });
});

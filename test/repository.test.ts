/**
 * The repository's own scripts: `npm test` waits for its type-check, which is TypeScript 7's with the project's
 * options and resolves imports as TypeScript 5 does under `pulumi up`; the pack's prepack removes only what it
 * created; and jest's workers end in time. (Dead exports are knip's job and long functions ESLint's: `npm run lint`.)
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..");
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;
const made: string[] = [];
const tmp = (prefix: string) => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return made[made.length - 1];
};
afterAll(() => made.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

describe("npm test waits for its type-check", () => {
  // The script runs with stand-ins for npm (which runs the type-check, `npm run build`) and jest: it must wait for
  // the type-check whatever jest's result, and fail when either fails.
  const script: string = scripts.test;

  /** Runs the script (with sh, as npm does) with a type-check that takes a moment and records that it finished. */
  function runScript(checkCode: number, jestCode: number) {
    const bin = tmp("test-script-");
    const done = path.join(bin, "check-finished");
    fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\nsleep 0.2\ntouch "${done}"\nexit ${checkCode}\n`, {
      mode: 0o755,
    });
    fs.writeFileSync(path.join(bin, "jest"), `#!/bin/sh\nexit ${jestCode}\n`, { mode: 0o755 });
    const r = spawnSync("sh", ["-c", script], {
      stdio: "ignore",
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    });
    return { code: r.status, checkFinished: fs.existsSync(done) };
  }

  test("the type-check it starts is npm run build, on one thread: jest's workers hold the cores", () => {
    expect(script).toMatch(/^npm run -s build -- --singleThreaded & /);
  });

  test.each([
    [0, 0, 0],
    [0, 1, 1],
    [2, 0, 2],
    [2, 1, 2],
  ])("type-check %i, jest %i: exits %i, after the type-check finished", (check, jest, expected) => {
    const r = runScript(check, jest);
    expect(r.checkFinished).toBe(true);
    expect(r.code).toBe(expected);
  });
});

describe("the type-check (npm run build): TypeScript 7 over tsconfig.typecheck.json", () => {
  // `node <compiler> -p <config>`, as the script names them.
  const [node, compiler, project, config, ...rest] = scripts.build.split(" ");
  const typeScript7 = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, compiler), ...args], { cwd: root, encoding: "utf8" });

  test("runs TypeScript 7 on the type-check's config, nothing else", () => {
    expect([node, project, config, rest]).toEqual(["node", "-p", "tsconfig.typecheck.json", []]);
    expect(typeScript7("--version").stdout).toMatch(/^Version 7\./);
  });

  test("holds the project's options: a type error and an unused local fail it, each named", () => {
    const dir = tmp("typecheck-");
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    fs.writeFileSync(
      path.join(dir, "bad.ts"),
      'export function f(): number {\n  const unused = 1;\n  return "one";\n}\n',
    );
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      // `include: []`: the project's own files (tsconfig.json's include) are not this check's.
      JSON.stringify({
        extends: path.join(root, config),
        compilerOptions: { incremental: false },
        include: [],
        files: ["bad.ts"],
      }),
    );
    const r = typeScript7("-p", path.join(dir, "tsconfig.json"));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/bad\.ts\(2,9\): error TS6133: 'unused' is declared but its value is never read/);
    expect(r.stdout).toMatch(/bad\.ts\(3,3\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });

  test("resolves every import of the repository's files as tsconfig.json's node10 does (TypeScript 5's resolver, both configs)", () => {
    // Both configs as TypeScript 5 reads them; its resolver implements node10 and bundler alike.
    const options = (file: string) =>
      ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, root, undefined, file);
    const five = options(path.join(root, "tsconfig.json"));
    const seven = options(path.join(root, config));
    const resolved = (spec: string, from: string, o: ts.CompilerOptions) =>
      ts.resolveModuleName(spec, from, o, ts.sys).resolvedModule?.resolvedFileName;
    const imports = five.fileNames.flatMap(file =>
      ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles.map(i => [i.fileName, file] as const),
    );
    const packages = imports.filter(([spec]) => !spec.startsWith("."));
    expect(packages.map(([spec]) => spec)).toContain("@pulumi/azure-native/cognitiveservices");
    const differ = imports.filter(
      ([spec, from]) => resolved(spec, from, five.options) !== resolved(spec, from, seven.options),
    );
    expect(differ).toEqual([]);
    expect(seven.fileNames).toEqual(five.fileNames);
  });
});

describe("policies/prepack.js removes only the bin/ and index.js it created", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prepack = require("../policies/prepack.js") as {
    MARKER: string;
    checkForeign(dir: string): void;
    checkSources(dir: string): void;
    clean(dir: string): void;
    sourceFolders(dir: string): string[];
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

  test("the pack compiles from policies/ and catalog/ only: a packed pack holds no file of the program", () => {
    expect(prepack.sourceFolders(path.join(root, "policies"))).toEqual(["catalog", "policies"]);
  });

  test("a pack that imports the program is refused before prepack writes anything", () => {
    const repo = tmp("prepack-sources-");
    fs.mkdirSync(path.join(repo, "policies"));
    fs.mkdirSync(path.join(repo, "infra"));
    fs.writeFileSync(path.join(repo, "infra", "topology.ts"), "export const x = 1;\n");
    fs.writeFileSync(
      path.join(repo, "policies", "index.ts"),
      'import { x } from "../infra/topology";\nexport const y = x;\n',
    );
    fs.writeFileSync(
      path.join(repo, "policies", "tsconfig.json"),
      JSON.stringify({ compilerOptions: { types: [] }, files: ["index.ts"] }),
    );
    const dir = path.join(repo, "policies");
    expect(() => prepack.checkSources(dir)).toThrow(
      "prepack: the pack imports files from infra/; a packed pack holds only policies/ and catalog/ (nothing was changed)",
    );
    expect(fs.readdirSync(dir).sort()).toEqual(["index.ts", "tsconfig.json"]);
  });
});

describe("jest's workers end before jest-worker's 500 ms are up (test/jest/environment.js)", () => {
  const environment = path.join(root, "test", "jest", "environment.js");

  /** Node with the environment loaded, an exit code and exit listeners added after it (some only once the loop has
   * emptied); --trace-exit reports a process.exit(). */
  function exitOf(ipc: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const script = [
      `require(${JSON.stringify(environment)});`,
      "process.exitCode = 3;",
      'process.on("exit", () => console.log("late exit listener ran"));',
      'process.once("beforeExit", () => {',
      '  process.on("exit", () => console.log("listener added on beforeExit ran"));',
      '  setTimeout(() => process.once("exit", () => {',
      '    console.log("listener added after beforeExit ran");',
      "    process.exitCode = 4; // an exit listener may still change the code",
      "  }), 10);",
      "});",
    ].join("\n");
    const child = spawn(process.execPath, ["--trace-exit", "-e", script], {
      stdio: ["ignore", "pipe", "pipe", ...(ipc ? (["ipc"] as const) : [])],
    });
    const out = { stdout: "", stderr: "" };
    child.stdout!.on("data", d => (out.stdout += d));
    child.stderr!.on("data", d => (out.stderr += d));
    return new Promise(resolve => child.on("close", code => resolve({ code, ...out })));
  }

  const LISTENERS = [
    "late exit listener ran",
    "listener added on beforeExit ran",
    "listener added after beforeExit ran",
  ];

  test("a worker (forked with IPC) leaves by process.exit() after every exit listener, with its exit code", async () => {
    const r = await exitOf(true);
    expect(r.code).toBe(4);
    expect(r.stdout.split("\n")).toEqual([...LISTENERS, ""]);
    expect(r.stderr).toMatch(/WARNING: Exited the environment with code 4\n.*\n\s+at .*test\/jest\/environment\.js/);
  });

  test("jest itself (no IPC: the suites run in band) exits as it always has", async () => {
    const r = await exitOf(false);
    expect([r.code, r.stdout.split("\n"), r.stderr]).toEqual([4, [...LISTENERS, ""], ""]);
  });

  test("it is every suite's environment", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { projects } = require("../jest.config.js") as { projects: { testEnvironment: string }[] };
    expect(projects.map(p => p.testEnvironment)).toEqual(projects.map(() => "<rootDir>/test/jest/environment.js"));
  });
});

/**
 * `npm test` runs the type-check beside jest: it must wait for the type-check whatever jest's result (no
 * tsc left running), and fail when either fails. The script runs with stand-ins for tsc and jest.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const script: string = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "package.json"), "utf8")).scripts.test;
let bin: string;
beforeAll(() => { bin = fs.mkdtempSync(path.join(os.tmpdir(), "test-script-")); });
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

/** Runs the script (with sh, as npm does) with a tsc that takes a moment and records that it finished. */
function runScript(tscCode: number, jestCode: number) {
  const done = path.join(bin, "tsc-finished");
  fs.rmSync(done, { force: true });
  fs.writeFileSync(path.join(bin, "tsc"), `#!/bin/sh\nsleep 0.3\ntouch "${done}"\nexit ${tscCode}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "jest"), `#!/bin/sh\nexit ${jestCode}\n`, { mode: 0o755 });
  const r = spawnSync("sh", ["-c", script], { stdio: "ignore", env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
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

/** policies/prepack.js (npm pack's prepack/postpack) removes only the bin/ and index.js it created. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const prepack = require("../policies/prepack.js") as { MARKER: string; checkForeign(dir: string): void; clean(dir: string): void };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "prepack-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "bin", "notes.txt"), "someone's");
  fs.writeFileSync(path.join(dir, "index.js"), "// someone's\n");
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const entries = () => fs.readdirSync(dir).sort();

test("a bin/ and index.js prepack did not create: prepack refuses to start, postpack leaves them", () => {
  expect(() => prepack.checkForeign(dir)).toThrow(/bin and .*index\.js exist and prepack did not create them; move them away and pack again \(nothing was changed\)/);
  prepack.clean(dir);
  expect(entries()).toEqual(["PulumiPolicy.yaml", "bin", "index.js"]);
  expect(fs.readFileSync(path.join(dir, "bin", "notes.txt"), "utf8")).toBe("someone's");
});

test("what an earlier prepack created (its marker) is removed, and only that", () => {
  fs.writeFileSync(path.join(dir, prepack.MARKER), JSON.stringify({ created: ["bin", "index.js", "PulumiPolicy.yaml", "../x"] }));
  expect(() => prepack.checkForeign(dir)).not.toThrow();
  prepack.clean(dir);
  expect(entries()).toEqual(["PulumiPolicy.yaml"]);
});

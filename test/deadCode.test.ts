/**
 * No dead exports: every name a module exports is used somewhere else than its own declaration (in the
 * program, the pack, the tools or the tests). A word search over the sources: cheap, and enough to catch
 * a type or function left behind when its last user went.
 */
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", "out", "bin", ".git"]);
/** Compile-time assertions: exported only so that noUnusedLocals keeps them; the type-check is their use. */
const TYPE_CHECKS = new Set(["inputShapesFitAzureNative", "outputShapesFitAzureNative"]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    if (SKIP.has(e.name)) return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : /\.(ts|js)$/.test(e.name) ? [full] : [];
  });
}

test("every exported name is used beyond its declaration", () => {
  const files = ["infra", "stacks", "policies", "test"].flatMap(d => sources(path.join(root, d)));
  const texts = new Map(files.map(f => [f, fs.readFileSync(f, "utf8")]));
  const all = [...texts.values()].join("\n");
  const declared = [...texts].flatMap(([file, text]) =>
    [...text.matchAll(/^export (?:declare )?(?:async )?(?:const|let|function|type|interface|class|enum) ([A-Za-z_$][\w$]*)/gm)]
      .map(m => ({ file: path.relative(root, file), name: m[1] })));
  expect(declared.length).toBeGreaterThan(100);
  const count = (name: string) => all.match(new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g"))?.length ?? 0;
  expect(declared.filter(d => !TYPE_CHECKS.has(d.name) && count(d.name) < 2).map(d => `${d.file}: ${d.name}`)).toEqual([]);
});

/** No function longer than a screen (60 lines) in the program, the pack or the tools: split it into named parts. */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..");
const MAX_LINES = 60;
const SKIP = new Set(["node_modules", "out", "bin"]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    if (SKIP.has(e.name)) return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : /\.(ts|js)$/.test(e.name) ? [full] : [];
  });
}

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

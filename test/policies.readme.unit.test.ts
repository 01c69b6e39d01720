/**
 * policies/README.md's rule table says what the pack serves: every rule once, at its level, and in the scope its
 * description states (a rule for every stack says "Every stack" first; the others judge the topology only).
 */
import * as fs from "fs";
import * as path from "path";
import { rules } from "../policies/pack";

const readme = fs.readFileSync(path.join(__dirname, "..", "policies", "README.md"), "utf8");
const table = readme
  .split("\n")
  .filter(line => /^\| [a-z-]+ +\| /.test(line))
  .map(line => line.split("|").map(cell => cell.trim()))
  .filter(([, name]) => rules.some(r => r.name === name))
  .map(([, name, scope, level]) => ({ name, scope, level }));

test("the rule table lists every rule of the pack once, in order, at its level", () => {
  expect(table.map(r => [r.name, r.level])).toEqual(rules.map(r => [r.name, r.enforcementLevel]));
});

test.each(rules.map(r => [r.name, r] as const))("%s: the table's scope is its description's", (_name, rule) => {
  const row = table.find(r => r.name === rule.name)!;
  const everyStack = rule.description.startsWith("Every stack");
  expect(row.scope.startsWith("every stack")).toBe(everyStack);
  expect(row.scope.includes("this topology")).toBe(!everyStack || /The topology's/.test(rule.description));
});

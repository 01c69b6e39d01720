/**
 * The test suite's cost in CPU time (`npm run bench:tests`): CPU, not wall time, because a shared machine's
 * load changes wall times but not the work done. It runs each suite alone in a fresh `jest --runInBand`
 * process and prints its CPU (user + system, its child processes included: policy servers, command
 * processes), then the whole `npm test` once, with its wall time. On an idle 2-core machine `npm test` takes
 * about its CPU time divided by two.
 *
 * CPU is read from /proc/self/stat (Linux): the user and system time of this process's waited-for
 * descendants (proc(5), cutime and cstime), in clock ticks.
 *
 *   npm run bench:tests [-- [--suites <a,b>] [--no-suites] [--no-whole]]
 *
 * Plain JavaScript, so that no transpile is counted.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { parseArgs } = require("util");

const root = path.resolve(__dirname, "..", "..");
const JEST = require.resolve("jest/bin/jest");
/** Clock ticks per second: USER_HZ, 100 on every Linux architecture node runs on. */
const TICKS = 100;

/** CPU seconds of this process's waited-for descendants, so far. */
function childrenCpu() {
  // Fields after the command name (which may hold spaces, hence the last ")"): cutime and cstime are the 14th and 15th.
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}

/** Runs a command to its end: its CPU seconds (descendants included), wall seconds and exit status. */
function measure(args) {
  const cpu = childrenCpu();
  const started = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  return { cpu: childrenCpu() - cpu, wall, status: r.status, output: `${r.stdout}${r.stderr}` };
}

function suites(only) {
  const r = spawnSync(process.execPath, [JEST, "--listTests"], { cwd: root, encoding: "utf8" });
  const all = r.stdout
    .split("\n")
    .filter(Boolean)
    .map(f => path.relative(root, f))
    .sort();
  if (!only) return all;
  const picked = all.filter(f => only.some(s => path.basename(f).startsWith(`${s}.`)));
  if (picked.length === 0) throw new Error(`--suites: none of ${only.join(", ")} is a test file`);
  return picked;
}

const row = (name, s) =>
  `${name.padEnd(42)} ${s.cpu.toFixed(1).padStart(7)} ${s.wall.toFixed(1).padStart(7)}${s.status === 0 ? "" : "  FAILED"}`;

function main() {
  const { values } = parseArgs({
    options: {
      suites: { type: "string" },
      "no-suites": { type: "boolean" },
      "no-whole": { type: "boolean" },
    },
  });
  if (!fs.existsSync("/proc/self/stat")) throw new Error("bench:tests reads CPU times from /proc (Linux)");
  console.log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);
  let failed = false;
  if (!values["no-suites"]) {
    const start = measure([process.execPath, JEST, "--listTests"]);
    console.log("each suite alone: jest --runInBand <file> (CPU includes jest's own start, shown first)");
    console.log(`${"suite".padEnd(42)} ${"CPU s".padStart(7)} ${"wall s".padStart(7)}`);
    console.log(row("(jest start: --listTests)", start));
    const rows = suites(values.suites?.split(",")).map(f => {
      const s = measure([process.execPath, JEST, "--runInBand", "--ci", f]);
      failed ||= s.status !== 0;
      return [f, s];
    });
    rows.sort((a, b) => b[1].cpu - a[1].cpu);
    for (const [f, s] of rows) console.log(row(f, s));
    console.log(row("sum of suites", { cpu: rows.reduce((t, [, s]) => t + s.cpu, 0), wall: 0, status: 0 }));
  }
  if (!values["no-whole"]) {
    const whole = measure(["npm", "test", "--silent"]);
    failed ||= whole.status !== 0;
    console.log(row("npm test (type-check and jest, as run)", whole));
    if (whole.status !== 0) console.log(whole.output.slice(-4000));
  }
  process.exitCode = failed ? 1 : 0;
}

main();

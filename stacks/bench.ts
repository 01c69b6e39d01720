/**
 * Benchmark of the offline plan: wall time and peak memory of `plan` for each stack, beside the floor
 * (an empty program under the same mock engine), over several runs, each in a fresh process.
 *
 *   npm run bench -- [--runs 5] [--stacks dev,prod]
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { parseArgs } from "util";

interface Sample { processMs: number; runMs: number; maxRssMb: number; resources: number }

const FLOOR = "floor";

/** One measured run, in this (child) process. */
async function child(stack: string): Promise<void> {
  const started = process.hrtime.bigint();
  const { runProgram, loadStackConfig, stackFile } = await import("./runner");
  const config = loadStackConfig(stackFile(stack === FLOOR ? "dev" : stack));
  const run = await runProgram({ stack, config, program: stack === FLOOR ? async () => ({}) : undefined });
  const sample: Sample = {
    processMs: 0,
    runMs: Number(process.hrtime.bigint() - started) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    resources: run.resources.length,
  };
  console.log(JSON.stringify(sample));
}

function measure(stack: string): Sample {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", __filename, "--child", stack],
    { cwd: path.resolve(__dirname, ".."), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench run for ${stack} failed:\n${r.stderr}`);
  const sample = JSON.parse(r.stdout.trim().split("\n").pop()!) as Sample;
  return { ...sample, processMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, stacks: { type: "string", default: "dev,prod" }, child: { type: "string" } } });
  if (values.child) { void child(values.child); return; }
  const runs = Number(values.runs);
  const stacks = [FLOOR, ...values.stacks!.split(",")];
  const results = new Map(stacks.map(s => [s, Array.from({ length: runs }, () => measure(s))]));
  const floor = results.get(FLOOR)!;
  const f = { process: median(floor.map(x => x.processMs)), run: median(floor.map(x => x.runMs)), rss: median(floor.map(x => x.maxRssMb)) };
  console.log(`offline plan, median of ${runs} runs per stack (node ${process.version}, ${require("os").cpus().length} cores)`);
  console.log("stack   resources  process ms  (x floor)  load+run ms  (x floor)  peak RSS MB  (x floor)");
  for (const [stack, samples] of results) {
    const p = median(samples.map(x => x.processMs)), r = median(samples.map(x => x.runMs)), m = median(samples.map(x => x.maxRssMb));
    console.log(`${stack.padEnd(7)} ${String(samples[0].resources).padStart(9)}  ${p.toFixed(0).padStart(10)}  ${(p / f.process).toFixed(2).padStart(9)}` +
      `  ${r.toFixed(0).padStart(11)}  ${(r / f.run).toFixed(2).padStart(9)}  ${m.toFixed(0).padStart(11)}  ${(m / f.rss).toFixed(2).padStart(9)}`);
  }
  void import("./drill/bench").then(m => m.benchDrill());
}

main();

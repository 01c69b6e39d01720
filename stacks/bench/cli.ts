/**
 * Benchmark of the offline plan, side by side with its references, each run in a fresh process and the rounds
 * interleaved so all see the same machine load:
 *   floor            node + @pulumi/pulumi + the mock runtime running an empty program (./floor.js, plain JS)
 *   <stack>:resources the plan's resources alone, declared again through their SDK classes on the same mock
 *                    engine (./replay.ts): what any program declaring them pays, before its logic and the pack
 *   <stack>          exactly what `npm run plan -- --stack <stack>` runs (program, policy pack, files written)
 *
 * Usage and exit codes: BENCH.usage below, and the README's "Command line" section.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  Command,
  EXIT,
  Output,
  UsageError,
  countResources,
  main,
  npmScript,
  parseCommand,
  runCommand,
  wholeNumber,
} from "../cli/cli";
import { benchDrill } from "../drill/bench";
import { ProgramRun } from "../engine/runner";
import { stackFile } from "../cli/stackFile";

export const BENCH: Command = {
  name: "bench",
  usage: [
    "usage: npm run bench -- [--runs <n>] [--stacks <a,b>]",
    "  --runs <n>      fresh processes per stack, 1 to 50 (default 5); the median is printed",
    "  --stacks <a,b>  the stacks to plan (default dev,prod), each with its Pulumi.<stack>.yaml",
    "  -h, --help      this text",
    "exit codes: 0 measured, 2 a refused flag, 3 a run failed",
  ].join("\n"),
};

export interface BenchOptions {
  runs: number;
  stacks: string[];
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseCommand(BENCH, argv, { runs: { type: "string" }, stacks: { type: "string" } });
  const runs = wholeNumber("runs", values.runs ?? "5", 1, 50);
  const stacks = (values.stacks ?? "dev,prod").split(",").map(s => s.trim());
  for (const s of stacks) {
    if (!s || !fs.existsSync(stackFile(s)))
      throw new UsageError(`--stacks: no stack file for '${s}' (${stackFile(s)})\n${BENCH.usage}`);
  }
  return { runs, stacks };
}

const root = path.resolve(__dirname, "..", "..");

interface Sample {
  ms: number;
  resources?: string;
}

/** One fresh process: wall time from spawn to exit, and the resources of the plan it planned or replayed. */
function measure(args: string[], plan?: string): Sample {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  if (!plan) return { ms };
  const c = countResources(readRun(plan).resources);
  return { ms, resources: `${c.resources}+${c.components}+${c.providers}` };
}

const readRun = (file: string): ProgramRun => JSON.parse(fs.readFileSync(file, "utf8"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchCli(argv: readonly string[], out: Output = console): Promise<number> {
  return runCommand(
    BENCH,
    async () => {
      const opts = parseBenchArgs(argv);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bench-"));
      try {
        const runs: Record<string, () => Sample> = { floor: () => measure([path.join(__dirname, "floor.js")]) };
        const plans = Object.fromEntries(opts.stacks.map(s => [s, path.join(tmp, s, "plan.json")]));
        // Each round plans a stack before replaying it: the replay reads the plan that run wrote. A first round on
        // cold transpile and projection caches is slower; the median of the default five runs leaves it out.
        for (const s of opts.stacks) {
          runs[s] = () => measure([...npmScript("plan"), "--stack", s, "--out", path.dirname(plans[s])], plans[s]);
          runs[`${s}:resources`] = () =>
            measure(
              ["-r", path.join(__dirname, "..", "loader", "ts.js"), path.join(__dirname, "replay.ts"), plans[s]],
              plans[s],
            );
        }
        const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(runs).map(k => [k, []]));
        for (let i = 0; i < opts.runs; i++) for (const [k, run] of Object.entries(runs)) samples[k].push(run());
        out.log(report(samples, opts.runs));
        // The drill benchmark simulates prod traffic on the prod plan.
        if (plans.prod) out.log(benchDrill(readRun(plans.prod)));
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      return EXIT.ok;
    },
    out,
  );
}

function report(samples: Record<string, Sample[]>, runs: number): string {
  const floor = median(samples.floor.map(s => s.ms));
  return [
    `offline plan vs its floor: median wall time of ${runs} fresh process(es) each, rounds interleaved (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)})`,
    "floor = node + @pulumi/pulumi + the mock runtime running an empty program; a stack = npm run plan -- --stack <stack> without npm;",
    "<stack>:resources = the stack's planned resources alone, declared through their SDK classes on the same mock engine (no program logic, no pack)",
    "run              resources+components+providers  wall ms   x floor",
    ...Object.entries(samples).map(([k, xs]) => {
      const ms = median(xs.map(s => s.ms));
      return `${k.padEnd(16)} ${(xs[0].resources ?? "-").padStart(31)}  ${ms.toFixed(0).padStart(7)}  ${(ms / floor).toFixed(2).padStart(8)}`;
    }),
  ].join("\n");
}

if (require.main === module) main(benchCli);

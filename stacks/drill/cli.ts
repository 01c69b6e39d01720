/**
 * The failover drill: replays outages against the topology a plan declares and shows what callers get.
 *
 * --stack plans the stack first (as `npm run plan` does, into out/<stack>/); --plan drills a saved plan.
 * The drill file defaults to drill.<stack>.yaml beside the stack file when it exists. Charts (one SVG per scenario) go to
 * drill/ beside the plan, a directory the drill owns (stacks/cli/outDir.ts: it replaces only its own charts and
 * refuses a folder holding anyone else's files); `--json` replaces only a report the drill wrote.
 *
 * Usage and exit codes: DRILL.usage below, and the README's "Command line" section.
 */
import { watchdogGoals } from "./watchdog";
import * as fs from "fs";
import * as path from "path";
import { Command, EXIT, Output, UsageError, main, parseCommand, runCommand, wholeNumber } from "../cli/cli";
import { OutputFile, checkOutDir, checkOwnedJson, writeOutDir, writeOwnedJson } from "../cli/outDir";
import { PLAN, Plan, makePlan, writePlan } from "../cli/plan";
import { capacityAfterRegionLoss, renderCapacity } from "../cli/capacity";
import { stackFile } from "../cli/stackFile";
import { renderChart } from "./chart";
import { DrillConfig, DrillConfigError, MinServed, SCENARIO_CLASSES, loadDrillConfig } from "./config";
import { drill, scenarioSet } from "./drill";
import type { StackOutputs } from "../../infra/outputs";
import { DrillPlanError, PlanLike, readPlan } from "./readPlan";
import { renderShortfalls, renderTable } from "./report";
import { selectScenarios, slug } from "./scenarios";

export const DRILL: Command = {
  name: "drill",
  usage: [
    "usage: npm run drill -- [--stack <name> | --plan <path/to/plan.json>] [--drill <file>] [--json <file>] [--seed <n>]",
    "                        [--min-served <percent | class=percent,...>] [--only <class | scenario>,...]",
    "  --stack <name>   plan this stack first, into out/<name>/ (default: dev)",
    "  --plan <file>    drill a saved (or hand-edited) plan instead",
    "  --drill <file>   scenarios, demand and window (default: drill.<stack>.yaml when it exists)",
    "  --json <file>    also write the report as JSON: a new file, or one an earlier drill wrote",
    `  --seed <n>       the simulation's seed, 0 to ${2 ** 31 - 1} (default: the drill file's, else 1)`,
    "  --min-served <p> the least share (percent) of requests every application must get in a scenario: one",
    `                   figure for all, or per scenario class (${SCENARIO_CLASSES.join(", ")}), e.g.`,
    "                   99 or gateway=95,account=99 or 99,gateway=95 (default: the drill file's minServed)",
    "  --only <names>   drill only these scenario classes and scenarios (a name or its chart's file name), e.g.",
    "                   gateway or baseline,eastus2-down-with-its-gateway (default: every scenario)",
    "  -h, --help       this text",
    "exit codes: 0 drilled, 2 a refused flag, plan, drill file or output path (nothing written), 3 internal error, " +
      "4 a scenario below its --min-served (report and charts written)",
  ].join("\n"),
};

/** The writer named in the manifest of the charts' directory and in the JSON report. */
const WRITER = DRILL.name;

export interface DrillOptions {
  stack?: string;
  plan?: string;
  drill?: string;
  json?: string;
  seed?: number;
  minServed?: MinServed;
  only?: string[];
}

/** `--min-served 99`, `gateway=95,account=99` or `99,gateway=95`: percent per scenario class, `all` for a bare figure. */
export function parseMinServed(spec: string): MinServed {
  const classes: readonly string[] = ["all", ...SCENARIO_CLASSES];
  const out: MinServed = {};
  for (const part of spec.split(",")) {
    const [key, value] = part.includes("=") ? part.split("=", 2).map(x => x.trim()) : ["all", part.trim()];
    if (!classes.includes(key))
      throw new UsageError(`--min-served: '${key}' is not a scenario class; allowed: ${classes.join(", ")}`);
    const n = Number(value);
    if (value === "" || !Number.isFinite(n) || n < 0 || n > 100)
      throw new UsageError(`--min-served: '${part}': give a percent from 0 to 100, as 99 or gateway=95,account=99`);
    out[key as keyof MinServed] = n;
  }
  return out;
}

export function parseDrillArgs(argv: readonly string[]): DrillOptions {
  const { values } = parseCommand(DRILL, argv, {
    stack: { type: "string" },
    plan: { type: "string" },
    drill: { type: "string" },
    json: { type: "string" },
    seed: { type: "string" },
    "min-served": { type: "string" },
    only: { type: "string" },
  });
  if (values.plan !== undefined && values.stack !== undefined)
    throw new UsageError(`give --stack or --plan, not both\n${DRILL.usage}`);
  const { seed, "min-served": minServed, only, ...rest } = values;
  const names = only?.split(",").map(n => n.trim());
  if (names?.some(n => n === ""))
    throw new UsageError(`--only: '${only}': give scenario classes or scenarios, separated by commas`);
  return {
    ...rest,
    ...(names !== undefined ? { only: names } : {}),
    ...(seed !== undefined ? { seed: wholeNumber("seed", seed, 0, 2 ** 31 - 1) } : {}),
    ...(minServed !== undefined ? { minServed: parseMinServed(minServed) } : {}),
  };
}

const chartsDir = (planFile: string) => path.join(path.dirname(planFile), "drill");
const chartsLabel = (planFile: string) => `the charts' directory ${chartsDir(planFile)}`;
const checkChartsDir = (planFile: string) => checkOutDir(chartsDir(planFile), WRITER, chartsLabel(planFile));

/**
 * `--stack`: plans into out/<stack> as `npm run plan` does (the plan's own manifest), the charts beside it.
 * `check` refuses the drill's other inputs (drill file, `--only`) before the plan is written.
 */
export async function planStack(
  stack: string,
  make: (stack: string) => Promise<Plan> = s => makePlan({ stack: s, config: stackFile(s) }),
  check: (plan: PlanLike) => void = () => {},
) {
  const out = path.join("out", stack);
  checkOutDir(out, PLAN.name);
  const file = path.join(out, "plan.json");
  checkChartsDir(file);
  const plan = await make(stack);
  check(plan as PlanLike);
  writePlan(plan, out);
  return { plan: plan as PlanLike, file };
}

function readSavedPlan(file: string): { plan: PlanLike; file: string } {
  if (!fs.existsSync(file))
    throw new UsageError(`--plan ${file}: no such plan (npm run plan -- --stack <name> writes out/<name>/plan.json)`);
  checkChartsDir(file);
  try {
    return { plan: JSON.parse(fs.readFileSync(file, "utf8")) as PlanLike, file };
  } catch (e) {
    throw new UsageError(`--plan ${file}: not JSON (${(e as Error).message})`);
  }
}

/** What a plan is drilled with: the drill file (with the flags that replace its values) and the scenarios to run. */
function drillInput(plan: PlanLike, opts: DrillOptions) {
  const config = drillConfig(opts, plan.stack);
  const topology = readPlan(plan);
  const all = scenarioSet(topology, config);
  return { config, topology, all, scenarios: opts.only ? selectScenarios(all, opts.only) : all };
}

function drillConfig(opts: DrillOptions, stack: string): DrillConfig {
  const byDefault = path.join(path.dirname(stackFile(stack)), `drill.${stack}.yaml`);
  const config = loadDrillConfig(opts.drill ?? (fs.existsSync(byDefault) ? byDefault : undefined));
  return {
    ...config,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.minServed !== undefined ? { minServed: opts.minServed } : {}),
  };
}

const LEGEND =
  "served: share of requests arriving during the fault that got an answer; p95+ stream / other: latency added by\n" +
  "failover at p95 for streamed calls and for the others (their retries included);\n" +
  "tries: attempts per request; settle: time until every 10 s is served at 99 %; TPM short: demand left unserved once settled.";

async function run(opts: DrillOptions, out: Output): Promise<number> {
  if (opts.json !== undefined) checkOwnedJson("--json", opts.json, WRITER);
  let input: ReturnType<typeof drillInput> | undefined;
  const { plan, file } =
    opts.plan !== undefined
      ? readSavedPlan(opts.plan)
      : await planStack(opts.stack ?? "dev", undefined, p => {
          input = drillInput(p, opts);
        });
  const { config, topology, all, scenarios } = input ?? drillInput(plan, opts);
  const started = Date.now();
  const { report, runs } = drill(topology, config, scenarios);
  const count = opts.only
    ? `${runs.length} of ${all.length} scenarios (--only ${opts.only.join(",")})`
    : `${runs.length} scenarios`;
  out.log(
    `failover drill: ${plan.project}/${plan.stack}, ${count}, ${config.window.minutes} simulated minutes each ` +
      `(fault from minute ${config.window.faultFrom} to ${config.window.faultTo}), seed ${config.seed}, ${Date.now() - started} ms\n`,
  );
  out.log(renderTable(runs));
  out.log(`\n${LEGEND}`);
  const goals = watchdogGoals(topology, runs);
  if (goals.length > 0) out.log(`\nfailover watchdog goals:\n${goals.join("\n")}`);
  const capacity = capacityAfterRegionLoss(plan.outputs as unknown as StackOutputs);
  out.log(`\n${renderCapacity(capacity)}`);
  out.log(
    `\nassumptions (where the documentation is silent, or the plan shows a gap):\n${report.assumptions.map(a => `  - ${a}`).join("\n")}`,
  );
  const charts: OutputFile[] = await Promise.all(
    runs.map(async r => ({ path: `${slug(r.name)}.svg`, text: await renderChart(r) })),
  );
  writeOutDir(chartsDir(file), WRITER, charts, chartsLabel(file));
  if (opts.json !== undefined)
    writeOwnedJson("--json", opts.json, WRITER, { ...report, ...(opts.only ? { only: opts.only } : {}), capacity });
  out.log(`\nwrote ${runs.length} charts to ${chartsDir(file)}${opts.json !== undefined ? ` and ${opts.json}` : ""}`);
  if (report.minServed === undefined) return EXIT.ok;
  out.log(`\n${renderShortfalls(report.minServed, report.belowMinServed)}`);
  return report.belowMinServed.length > 0 ? EXIT.gate : EXIT.ok;
}

/** The plan or drill file a user gave, refused: their message alone, exit 2. */
const asUsage = (e: unknown) =>
  e instanceof DrillPlanError || e instanceof DrillConfigError ? new UsageError(e.message) : e;

export function cli(argv: readonly string[], out: Output = console): Promise<number> {
  return runCommand(
    DRILL,
    async () => {
      const opts = parseDrillArgs(argv);
      try {
        return await run(opts, out);
      } catch (e) {
        throw asUsage(e);
      }
    },
    out,
  );
}

if (require.main === module) main(cli);

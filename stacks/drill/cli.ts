/**
 * The failover drill: replays outages against the topology a plan declares and shows what callers get.
 *
 *   npm run drill -- [--stack dev|prod | --plan path/to/plan.json] [--drill FILE] [--json FILE] [--seed N]
 *
 * --stack plans the stack first (as `npm run plan` does, into out/<stack>/); --plan drills a saved plan.
 * The drill file defaults to stacks/drill/<stack>.yaml when it exists. Charts (one SVG per scenario) are
 * written to drill/ beside the plan. Exit codes: 0 ok, 2 usage, plan or drill-file error.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { isUserError } from "../cli";
import { checkOutDir } from "../outDir";
import { makePlan, writePlan } from "../plan";
import { stackFile } from "../runner";
import { renderChart } from "./chart";
import { DrillConfigError, loadDrillConfig } from "./config";
import { drill } from "./drill";
import { DrillPlanError, PlanLike, readPlan } from "./readPlan";
import { renderTable, toJson } from "./report";
import { DrillError } from "./simulate";

export const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9.]+/g, "-").replace(/^-|-$/g, "");

async function loadPlan(values: { stack?: string; plan?: string }): Promise<{ plan: PlanLike; file: string }> {
  if (values.plan && values.stack) throw new DrillConfigError("give --stack or --plan, not both");
  if (values.plan) {
    if (!fs.existsSync(values.plan)) throw new DrillConfigError(`${values.plan}: no such plan (npm run plan -- --stack <name> writes out/<name>/plan.json)`);
    return { plan: JSON.parse(fs.readFileSync(values.plan, "utf8")) as PlanLike, file: values.plan };
  }
  const stack = values.stack ?? "dev";
  const out = path.join("out", stack);
  checkOutDir(out, "drill");
  const plan = await makePlan({ stack, config: stackFile(stack) });
  writePlan(plan, out);
  return { plan, file: path.join(out, "plan.json") };
}

export async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv, allowPositionals: false, strict: true,
    options: { stack: { type: "string" }, plan: { type: "string" }, drill: { type: "string" }, json: { type: "string" }, seed: { type: "string" } },
  });
  const { plan, file } = await loadPlan(values);
  const defaultDrill = path.resolve(__dirname, `${plan.stack}.yaml`);
  const config = loadDrillConfig(values.drill ?? (fs.existsSync(defaultDrill) ? defaultDrill : undefined));
  if (values.seed !== undefined) config.seed = Number(values.seed);
  const topology = readPlan(plan);
  const started = Date.now();
  const { report, runs } = drill(topology, config);
  console.log(`failover drill: ${plan.project}/${plan.stack}, ${runs.length} scenarios, ${config.window.minutes} simulated minutes each ` +
    `(fault from minute ${config.window.faultFrom} to ${config.window.faultTo}), seed ${config.seed}, ${Date.now() - started} ms\n`);
  console.log(renderTable(runs));
  console.log("\nserved: share of requests arriving during the fault that got an answer; p50+/p95+: latency added by failover;\n" +
    "tries: attempts per request; settle: time until every 10 s is served at 99 %; TPM short: demand left unserved once settled.");
  console.log(`\nassumptions (where the documentation is silent, or the plan shows a gap):\n${report.assumptions.map(a => `  - ${a}`).join("\n")}`);
  const charts = path.join(path.dirname(file), "drill");
  fs.mkdirSync(charts, { recursive: true });
  for (const run of runs) fs.writeFileSync(path.join(charts, `${slug(run.name)}.svg`), await renderChart(run));
  console.log(`\nwrote ${runs.length} charts to ${charts}${values.json ? ` and ${values.json}` : ""}`);
  if (values.json) fs.writeFileSync(values.json, toJson(report));
  return 0;
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(code => process.exit(code), e => {
    if (e instanceof DrillPlanError || e instanceof DrillConfigError || e instanceof DrillError || isUserError(e)) {
      console.error(`drill: ${e.message}`);
      process.exit(2);
    }
    console.error(e);
    process.exit(3);
  });
}

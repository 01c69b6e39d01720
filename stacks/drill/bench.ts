/**
 * Drill benchmark: an hour of simulated traffic of a planned stack under its primary region's outage, timed
 * alone. Part of `npm run bench`, on the plan it has just measured.
 */
import { parseDrillConfig } from "./config";
import { runScenario } from "./drill";
import { PlanLike, readPlan } from "./readPlan";

export function benchDrill(plan: PlanLike): string {
  const topology = readPlan(plan);
  const config = parseDrillConfig({ window: { minutes: 60, faultFrom: 0, faultTo: 60 } }, "bench");
  const region = Object.values(topology.accounts).find(a => a.role === "standard")!.region;
  const report = runScenario(
    topology,
    { name: `${region} down (5xx)`, faults: [{ kind: "down", region, as: "5xx" }] },
    config,
  );
  const requests = report.applications.reduce((s, a) => s + a.requests, 0);
  return (
    `failover drill, ${plan.stack}: 60 simulated minutes, ${report.name}: ${requests} requests, ${report.events} events ` +
    `in ${report.wallMs.toFixed(0)} ms = ${Math.round(report.events / (report.wallMs / 1000)).toLocaleString("en-US")} events/s`
  );
}

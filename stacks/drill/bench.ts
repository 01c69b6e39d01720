/**
 * Drill benchmark, part of `npm run bench` on the prod plan it has just measured: the prod scenario set with
 * prod's drill file, then the same plan grown to 200 applications (each a copy of one of prod's, with its token
 * limit as demand), every built-in scenario. Goals: under 5 s and under 30 s on 2 cores. Wall and CPU time.
 */
import * as fs from "fs";
import * as path from "path";
import { DrillConfig, loadDrillConfig } from "./config";
import { drill } from "./drill";
import { PlanLike, readPlan } from "./readPlan";
import { DrillTopology } from "./topology";

export const DRILL_GOALS = { prodSetMs: 5000, largeApplications: 200, largeSetMs: 30000 } as const;

/** The topology with `n` applications: copies of its own, in turn, each with the token limit of the one it copies. */
export function growApplications(t: DrillTopology, n: number): DrillTopology {
  const copies = Array.from({ length: n }, (_, i) => {
    const like = t.applications[i % t.applications.length];
    return { app: { ...like, name: i < t.applications.length ? like.name : `${like.name}-${i}` }, like };
  });
  return {
    ...t,
    applications: copies.map(c => c.app),
    gateways: t.gateways.map(g => ({
      ...g,
      tokenLimits: Object.fromEntries(
        copies.filter(c => g.tokenLimits[c.like.name] !== undefined).map(c => [c.app.name, g.tokenLimits[c.like.name]]),
      ),
    })),
  };
}

function timed(label: string, t: DrillTopology, config: DrillConfig, goalMs: number): string {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const { runs } = drill(t, config);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const events = runs.reduce((s, r) => s + r.events, 0);
  const requests = runs.reduce((s, r) => s + r.applications.reduce((n, a) => n + a.requests, 0), 0);
  return (
    `failover drill, ${label}: ${runs.length} scenarios of ${config.window.minutes} simulated minutes, ` +
    `${requests.toLocaleString("en-US")} requests in the faults, ${events.toLocaleString("en-US")} events: ` +
    `${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (goal < ${goalMs / 1000} s: ${ms < goalMs ? "met" : "missed"})`
  );
}

export function benchDrill(plan: PlanLike): string {
  const topology = readPlan(plan);
  const file = path.resolve(__dirname, "..", "..", `drill.${plan.stack}.yaml`);
  const config = loadDrillConfig(fs.existsSync(file) ? file : undefined);
  const large = growApplications(topology, DRILL_GOALS.largeApplications);
  const bare = { ...config, demand: {}, scenarios: [] };
  return [
    timed(`${plan.stack} (${topology.applications.length} applications)`, topology, config, DRILL_GOALS.prodSetMs),
    timed(`${plan.stack} grown to ${large.applications.length} applications`, large, bare, DRILL_GOALS.largeSetMs),
  ].join("\n");
}

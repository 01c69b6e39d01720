/** Runs a scenario set against a topology: the library entry point of the CLI, the tests and the benchmark. */
import { DrillConfig, Scenario, ScenarioClass, minServedFor } from "./config";
import { ScenarioReport } from "./record";
import { DrillReport } from "./report";
import { builtinScenarios, checkDemand, checkScenario } from "./scenarios";
import { assumptions, simulate } from "./simulate";
import { DrillTopology } from "./topology";

/** The built-in scenarios, then the drill file's (its scenarios and demand checked against the plan). */
export function scenarioSet(t: DrillTopology, config: DrillConfig): Scenario[] {
  checkDemand(t, config);
  config.scenarios.forEach((s, i) => checkScenario(t, s, `scenarios.${i}`));
  return [...builtinScenarios(t), ...config.scenarios];
}

export function runScenario(t: DrillTopology, scenario: Scenario, config: DrillConfig): ScenarioReport {
  const started = process.hrtime.bigint();
  const run = simulate(t, scenario, config);
  return run.report(Number(process.hrtime.bigint() - started) / 1e6);
}

/** An application served less than its scenario class's `minServed` threshold. */
export interface Shortfall {
  scenario: string;
  class: ScenarioClass;
  application: string;
  /** Share served (0 to 1) and the threshold (percent). */
  served: number;
  minServed: number;
}

/** Every application of every scenario served below its class's threshold (none when no threshold is set). */
export function shortfalls(
  runs: readonly Omit<ScenarioReport, "series">[],
  min: DrillConfig["minServed"],
): Shortfall[] {
  return runs.flatMap(r => {
    const threshold = minServedFor(min, r.class);
    if (threshold === undefined) return [];
    return r.applications
      .filter(a => a.served < threshold / 100)
      .map(a => ({ scenario: r.name, class: r.class, application: a.name, served: a.served, minServed: threshold }));
  });
}

export function drill(
  t: DrillTopology,
  config: DrillConfig,
  scenarios = scenarioSet(t, config),
): { report: DrillReport; runs: ScenarioReport[] } {
  const runs = scenarios.map(s => runScenario(t, s, config));
  const { minutes, faultFrom, faultTo } = config.window;
  return {
    runs,
    report: {
      project: t.project,
      stack: t.stack,
      seed: config.seed,
      window: { minutes, faultFrom, faultTo },
      assumptions: assumptions(t),
      scenarios: runs.map(({ series: _series, ...rest }) => rest),
      ...(config.minServed !== undefined ? { minServed: config.minServed } : {}),
      belowMinServed: shortfalls(runs, config.minServed),
    },
  };
}

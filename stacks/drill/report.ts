/** The drill's report: a terminal table and the JSON document (`--json FILE`). */
import { MinServed } from "./config";
import type { Shortfall } from "./drill";
import { ScenarioReport } from "./record";

export interface DrillReport {
  project: string;
  stack: string;
  seed: number;
  window: { minutes: number; faultFrom: number; faultTo: number };
  assumptions: string[];
  scenarios: Omit<ScenarioReport, "series">[];
  /** The thresholds held to (`--min-served` or the drill file's `minServed`), and who fell below them. */
  minServed?: number | MinServed;
  belowMinServed: Shortfall[];
}

const pct = (x: number) => `${(x * 100).toFixed(x < 1 && x > 0.999 ? 2 : 1)}%`;
const secs = (x: number) => (x < 10 ? `${x.toFixed(2)}s` : `${x.toFixed(0)}s`);
const tpm = (x: number) => (x === 0 ? "-" : x >= 1000 ? `${(x / 1000).toFixed(1)}K` : String(x));

function row(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join("  ")
    .trimEnd();
}

/** One block per scenario, one row per application. */
export function renderTable(scenarios: readonly ScenarioReport[]): string {
  const header = [
    "scenario",
    "application",
    "served",
    "p95+ stream",
    "p95+ other",
    "tries",
    "settle",
    "TPM short",
    "served by",
  ];
  const rows = scenarios.flatMap(s =>
    s.applications.map((a, i) => [
      i === 0 ? s.name : "",
      a.name,
      pct(a.served),
      secs(a.addedLatencyP95StreamedS),
      secs(a.addedLatencyP95NonStreamedS),
      a.attemptsPerRequest.toFixed(2),
      a.settleS === null ? "never" : secs(a.settleS),
      tpm(a.tpmShort),
      Object.entries(a.servedBy)
        .slice(0, 3)
        .map(([k, v]) => `${k} ${Math.round(v * 100)}%`)
        .join(", ") || "-",
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  return [row(header, widths), ...rows.map(r => row(r, widths))].join("\n");
}

/** The thresholds, and every application below its scenario's, for the terminal. */
export function renderShortfalls(min: number | MinServed, below: readonly Shortfall[]): string {
  const thresholds =
    typeof min === "number"
      ? `${min} % in every scenario`
      : Object.entries(min)
          .map(([c, v]) => `${c} ${v} %`)
          .join(", ");
  const head = `min served (per application): ${thresholds}`;
  if (below.length === 0) return `${head}\nevery scenario is at or above it`;
  const lines = below.map(b => `  ${b.scenario} (${b.class}, min ${b.minServed} %): ${b.application} ${pct(b.served)}`);
  return [`${head}\nbelow it (${below.length}):`, ...lines].join("\n");
}

/**
 * A scenario's chart, rendered to SVG by Vega-Lite: three panels over the same minutes, each fault a band of its
 * own colour edged by rules (adjacent faults stay apart), named above the first panel:
 *   - the share of requests served per application,
 *   - the latency failover adds at p95 per application (a slow failover serves 100 % and shows here),
 *   - which accounts served, by share.
 * The layout is one of two (with fault bands or without) and reads its data by name (`chartData`): each is compiled
 * and parsed once per process, and each chart binds its data and title to a new view of it (the same SVG as compiling
 * the chart whole, at about half the CPU).
 */
import * as vega from "vega";
import { TopLevelSpec, compile } from "vega-lite";
import { Fault } from "./config";
import { ScenarioReport, Series } from "./record";

const WIDTH = 640;
const x = { field: "minute", type: "quantitative" as const, title: "minute" };

/** A fault as its band names it. */
export function faultLabel(f: Fault): string {
  const target = "region" in f && f.region !== undefined ? f.region : "account" in f ? f.account : "";
  switch (f.kind) {
    case "down":
      return `${target} ${f.as === "5xx" ? "down (5xx)" : f.as === "408" ? "answering 408" : f.as}`;
    case "errors":
      return `${target} ${Math.round(f.rate * 100)} % ${f.status}`;
    case "saturated":
      return `${f.account} saturated`;
    case "quota-exhausted":
      return `${f.model} quota gone in ${f.subscription}/${f.region}`;
    case "gateway-down":
      return `gateway ${f.region} down`;
    case "probe-path-broken":
      return `probe path to ${f.region} broken`;
    case "watchdog-down":
      return `watchdog ${f.region} down`;
  }
}

/** The chart's data sets, by the names its layers read. */
type ChartData = { [K in keyof Series]: Series[K] } & {
  faults: (ScenarioReport["spans"][number] & { fault: string; line: number })[];
};

/** What a scenario's chart shows: its faults' spans, named, and its series. */
function chartData(s: ScenarioReport): ChartData {
  const faults = s.spans.map((span, i) => ({
    ...span,
    fault: `${i + 1}. ${faultLabel(s.faults[i])}`,
    line: 12 * i + 8,
  }));
  return { faults, ...s.series() };
}

const named = (name: keyof ChartData) => ({ name });

/** The fault bands and their edges, for every panel; `labels` adds each fault's name, one line each. */
function faultLayers(faults: boolean, labels: boolean) {
  if (!faults) return [];
  const data = named("faults");
  const fill = { field: "fault", type: "nominal" as const, scale: { scheme: "pastel1" }, legend: null };
  return [
    {
      data,
      mark: { type: "rect" as const, opacity: 0.5 },
      encoding: { x: { field: "from", type: "quantitative" as const }, x2: { field: "to" }, fill },
    },
    ...(["from", "to"] as const).map(edge => ({
      data,
      mark: { type: "rule" as const, strokeDash: [3, 3], color: "#888" },
      encoding: { x: { field: edge, type: "quantitative" as const } },
    })),
    ...(labels
      ? [
          {
            data,
            mark: { type: "text" as const, align: "left" as const, dx: 3, fontSize: 10, color: "#444" },
            encoding: {
              x: { field: "from", type: "quantitative" as const },
              y: { field: "line", type: "quantitative" as const, scale: null },
              text: { field: "fault" },
            },
          },
        ]
      : []),
  ];
}

/** One panel: the fault layers under the data's own layer; colour and fill keep their own scales. */
function panel(faults: boolean, title: string, layer: object, labels = false) {
  return {
    title: { text: title, anchor: "start" as const, fontSize: 11 },
    width: WIDTH,
    height: 150,
    layer: [...faultLayers(faults, labels), layer],
    resolve: { scale: { color: "independent" as const, fill: "independent" as const } },
  };
}

const byApp = { field: "application", type: "nominal" as const, title: "application" };
/** One line per application, stepped per bin; applications that fare alike overlap: dashes keep each visible. */
const perApplication = (data: keyof ChartData, y: object) => ({
  data: named(data),
  mark: { type: "line" as const, interpolate: "step-after" as const, strokeWidth: 1.5 },
  encoding: { x, y, color: byApp, strokeDash: byApp },
});

/** The chart without its data: with fault bands or without (a scenario without faults), titled `title`. */
function chartLayout(faults: boolean, title: string | { expr: string }): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: title, subtitle: "per 10 s of arrivals; bands: the faults, numbered as listed" },
    vconcat: [
      panel(
        faults,
        "share of requests served",
        perApplication("served", {
          field: "served",
          type: "quantitative",
          title: "served",
          axis: { format: "%" },
          scale: { domain: [0, 1] },
        }),
        true,
      ),
      panel(
        faults,
        "latency added by failover, p95 of the served (s, log scale)",
        perApplication("latency", {
          field: "p95AddedS",
          type: "quantitative",
          title: "p95 added (s)",
          // At least 0 to 1 s, so a failover that costs nothing still reads against a scale.
          scale: { type: "symlog", domain: { unionWith: [0, 1] } },
          axis: { values: [0, 0.1, 1, 10, 60, 120, 180, 300, 600] },
        }),
      ),
      panel(faults, "who served, by share of the served", {
        data: named("accounts"),
        mark: { type: "area", interpolate: "step-after", opacity: 0.85 },
        encoding: {
          x,
          y: { field: "share", type: "quantitative", title: "served by", axis: { format: "%" }, stack: "normalize" },
          color: {
            field: "account",
            type: "nominal",
            title: "account",
            scale: { scheme: "tableau10" },
            legend: { labelLimit: 320 },
          },
        },
      }),
    ],
    resolve: { scale: { color: "independent" } },
  } as TopLevelSpec;
}

/** A scenario's chart as one Vega-Lite document, its data inline (`datasets`): what renderChart draws. */
export function chartSpec(s: ScenarioReport): TopLevelSpec {
  const { faults, datasets } = boundData(s);
  return { ...chartLayout(faults, s.name), datasets } as TopLevelSpec;
}

/** The layout a scenario's chart takes, and the data sets it reads (without faults, no bands and no `faults`). */
function boundData(s: ScenarioReport) {
  const { faults, ...series } = chartData(s);
  return faults.length > 0 ? { faults: true, datasets: { faults, ...series } } : { faults: false, datasets: series };
}

/** The signal the title reads. */
const TITLE = "scenario";
const layouts = new Map<boolean, vega.Runtime>();
/** A layout compiled and parsed once: a new View of it per chart (https://vega.github.io/vega/docs/api/view/). */
function parsedLayout(faults: boolean): vega.Runtime {
  let runtime = layouts.get(faults);
  if (!runtime) {
    const spec = { ...chartLayout(faults, { expr: TITLE }), params: [{ name: TITLE, value: "" }] } as TopLevelSpec;
    layouts.set(faults, (runtime = vega.parse(compile(spec).spec)));
  }
  return runtime;
}

export async function renderChart(s: ScenarioReport): Promise<string> {
  const { faults, datasets } = boundData(s);
  const view = new vega.View(parsedLayout(faults), { renderer: "none" }).signal(TITLE, s.name);
  for (const [name, values] of Object.entries(datasets)) view.data(name, values);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A scenario's chart, rendered to SVG by Vega-Lite: three panels over the same minutes, each fault a band of its
 * own colour edged by rules (adjacent faults stay apart), named above the first panel:
 *   - the share of requests served per application,
 *   - the latency failover adds at p95 per application (a slow failover serves 100 % and shows here),
 *   - which accounts served, by share.
 */
import * as vega from "vega";
import { TopLevelSpec, compile } from "vega-lite";
import { Fault } from "./config";
import { ScenarioReport } from "./record";

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

/** The fault bands and their edges, for every panel; `labels` adds each fault's name, one line each. */
function faultLayers(s: ScenarioReport, labels: boolean) {
  if (s.spans.length === 0) return [];
  const values = s.spans.map((span, i) => ({
    ...span,
    fault: `${i + 1}. ${faultLabel(s.faults[i])}`,
    line: 12 * i + 8,
  }));
  const fill = { field: "fault", type: "nominal" as const, scale: { scheme: "pastel1" }, legend: null };
  return [
    {
      data: { values },
      mark: { type: "rect" as const, opacity: 0.5 },
      encoding: { x: { field: "from", type: "quantitative" as const }, x2: { field: "to" }, fill },
    },
    ...(["from", "to"] as const).map(edge => ({
      data: { values },
      mark: { type: "rule" as const, strokeDash: [3, 3], color: "#888" },
      encoding: { x: { field: edge, type: "quantitative" as const } },
    })),
    ...(labels
      ? [
          {
            data: { values },
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
function panel(s: ScenarioReport, title: string, layer: object, labels = false) {
  return {
    title: { text: title, anchor: "start" as const, fontSize: 11 },
    width: WIDTH,
    height: 150,
    layer: [...faultLayers(s, labels), layer],
    resolve: { scale: { color: "independent" as const, fill: "independent" as const } },
  };
}

const byApp = { field: "application", type: "nominal" as const, title: "application" };
/** One line per application, stepped per bin; applications that fare alike overlap: dashes keep each visible. */
const perApplication = (values: object[], y: object) => ({
  data: { values },
  mark: { type: "line" as const, interpolate: "step-after" as const, strokeWidth: 1.5 },
  encoding: { x, y, color: byApp, strokeDash: byApp },
});

export function chartSpec(s: ScenarioReport): TopLevelSpec {
  const series = s.series();
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: s.name, subtitle: "per 10 s of arrivals; bands: the faults, numbered as listed" },
    vconcat: [
      panel(
        s,
        "share of requests served",
        perApplication(series.served, {
          field: "served",
          type: "quantitative",
          title: "served",
          axis: { format: "%" },
          scale: { domain: [0, 1] },
        }),
        true,
      ),
      panel(
        s,
        "latency added by failover, p95 of the served (s, log scale)",
        perApplication(series.latency, {
          field: "p95AddedS",
          type: "quantitative",
          title: "p95 added (s)",
          // At least 0 to 1 s, so a failover that costs nothing still reads against a scale.
          scale: { type: "symlog", domain: { unionWith: [0, 1] } },
          axis: { values: [0, 0.1, 1, 10, 60, 120, 180, 300, 600] },
        }),
      ),
      panel(s, "who served, by share of the served", {
        data: { values: series.accounts },
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

export async function renderChart(s: ScenarioReport): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(s)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

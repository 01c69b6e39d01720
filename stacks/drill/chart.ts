/** A chart of served share over time per application, fault period shaded, rendered to SVG by Vega-Lite. */
import * as vega from "vega";
import { TopLevelSpec, compile } from "vega-lite";
import { ScenarioReport } from "./record";

export function chartSpec(s: ScenarioReport): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: s.name, subtitle: "share of requests served, per 10 s of arrivals; shaded: the faults" },
    width: 640,
    height: 220,
    layer: [
      ...(s.spans.length > 0
        ? [
            {
              data: { values: s.spans },
              mark: { type: "rect" as const, color: "#f4cccc", opacity: 0.6 },
              encoding: { x: { field: "from", type: "quantitative" as const }, x2: { field: "to" } },
            },
          ]
        : []),
      {
        data: { values: s.series.served },
        mark: { type: "line" as const, interpolate: "step-after" as const, strokeWidth: 1.5 },
        encoding: {
          x: { field: "minute", type: "quantitative" as const, title: "minute" },
          y: {
            field: "served",
            type: "quantitative" as const,
            title: "served",
            axis: { format: "%" },
            scale: { domain: [0, 1] },
          },
          color: { field: "application", type: "nominal" as const, title: "application" },
          // Applications that fare alike overlap: dashes keep each line visible.
          strokeDash: { field: "application", type: "nominal" as const, title: "application" },
        },
      },
    ],
  };
}

export async function renderChart(s: ScenarioReport): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(s)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The line chart most figures share: mean over seeds with error bars (± sample std),
 * series by colour, an optional dash by variant, dashed horizontal reference lines
 * (baselines, flat adaptive lines) with a ± std band, the paper's reference values as a
 * second, fainter dotted series labelled "paper" (shown through the "source" legend), and
 * a ⚠ over every point whose cells collapsed.
 *
 * @module
 */

import { PAPER_LABEL } from "./paper_values.ts";
import { BASE_CONFIG, type VlSpec } from "./render.ts";

/** One plotted value: mean ± std over seeds of one series at one x. */
export interface Point {
  /** Facet panel ("" for a single panel). */
  panel: string;
  series: string;
  /** x value (number for quantitative, string for ordinal axes). */
  x: number | string;
  /** Sort order of ordinal x values. */
  xOrder?: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
  /** "this run" or {@link PAPER_LABEL}. */
  source: string;
  /** "k/n" collapsed seeds, or "". */
  collapsed: string;
  /** Dash group (e.g. "baseline"/"AMCL"); "" for none. */
  dash?: string;
}

/** A horizontal reference line (e.g. the 1-head constant-τ baseline) with its band. */
export interface RuleLine {
  panel: string;
  series: string;
  mean: number;
  lo: number;
  hi: number;
  source: string;
  collapsed: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  points: Point[];
  rules?: RuleLine[];
  xTitle: string;
  yTitle: string;
  xType: "quantitative" | "ordinal";
  xLog?: boolean;
  seriesTitle?: string;
  width?: number;
  height?: number;
}

/** Label of measured values in the "source" legend. */
export const RUN_LABEL = "this run";

/** Builds the Vega-Lite spec of a (faceted when there are several panels) line chart. */
export function lineChart(o: LineChartOptions): VlSpec {
  const rows = [
    ...o.points.map((p) => ({ ...p, kind: "point", dash: p.dash ?? "" })),
    ...(o.rules ?? []).map((r) => ({ ...r, kind: "rule", x: null, dash: "" })),
  ];
  const panels = [...new Set(rows.map((r) => r.panel))];
  const hasDash = o.points.some((p) => p.dash);
  const xScale: Record<string, unknown> = o.xType === "quantitative"
    ? (o.xLog ? { type: "log" } : { zero: false })
    : {};
  const x = {
    field: "x",
    type: o.xType,
    title: o.xTitle,
    scale: xScale,
    ...(o.xType === "ordinal" ? { sort: { field: "xOrder", op: "min" } } : {}),
  };
  const y = { field: "mean", type: "quantitative", title: o.yTitle, scale: { zero: false } };
  const color = {
    field: "series",
    type: "nominal",
    title: o.seriesTitle ?? "series",
    legend: { symbolOpacity: 1 },
  };
  const opacity = {
    field: "source",
    type: "ordinal",
    title: "source",
    scale: { domain: [RUN_LABEL, PAPER_LABEL], range: [1, 0.5] },
  };
  const isPoint = "datum.kind === 'point'";
  const isRun = `datum.source === '${RUN_LABEL}'`;
  const layers: VlSpec[] = [
    {
      transform: [{ filter: `datum.kind === 'rule' && ${isRun}` }],
      mark: { type: "rect", opacity: 0.12 },
      encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
    },
    {
      transform: [{ filter: "datum.kind === 'rule'" }],
      mark: { type: "rule", strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { y: { field: "mean", type: "quantitative" }, color, opacity },
    },
    {
      transform: [{ filter: `${isPoint} && ${isRun}` }],
      mark: { type: "rule", strokeWidth: 1.5 },
      encoding: {
        x,
        y: { field: "lo", type: "quantitative", scale: { zero: false } },
        y2: { field: "hi" },
        color,
      },
    },
    {
      transform: [{ filter: `${isPoint} && ${isRun}` }],
      mark: { type: "line", point: { filled: true, size: 40 } },
      encoding: {
        x,
        y,
        color,
        opacity,
        ...(hasDash
          ? {
            strokeDash: {
              field: "dash",
              type: "nominal",
              title: "variant",
              scale: { domain: ["AMCL", "baseline"], range: [[1, 0], [6, 4]] },
              legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolStrokeColor: "#333" },
            },
          }
          : {}),
        tooltip: [
          { field: "series" },
          { field: "x" },
          { field: "mean", format: ".2f" },
          { field: "n", title: "seeds" },
        ],
      },
    },
    {
      transform: [{ filter: `${isPoint} && datum.source === '${PAPER_LABEL}'` }],
      mark: { type: "line", strokeDash: [2, 2], point: { shape: "diamond", filled: false, size: 50 } },
      encoding: { x, y, color, opacity },
    },
    {
      transform: [{ filter: `${isPoint} && datum.collapsed !== ''` }],
      mark: { type: "text", text: "⚠", dy: -12, fontSize: 13, color: "#c00" },
      encoding: { x, y },
    },
  ];
  const inner = { width: o.width ?? 300, height: o.height ?? 200, layer: layers };
  const base = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title,
    config: BASE_CONFIG,
    data: { values: rows },
  };
  if (panels.length <= 1) return { ...base, ...inner };
  return {
    ...base,
    facet: { column: { field: "panel", type: "nominal", title: null, sort: panels } },
    spec: inner,
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}

/**
 * Histograms over seeds (figures F1, F3, F9): averages normalised histograms that share
 * their bin edges, and the faceted histogram chart (bars = mean share per bin, a rule =
 * ± std over seeds, dashed vertical lines = the paper's reference values).
 *
 * @module
 */

import type { Histogram } from "../core/temperature_stats.ts";
import { PAPER_LABEL } from "./paper_values.ts";
import { BASE_CONFIG, type VlSpec } from "./render.ts";
import { summarize } from "./stats.ts";

/** One bin averaged over seeds: share of the values (0–1). */
export interface Bin {
  lo: number;
  hi: number;
  mean: number;
  std: number;
  n: number;
}

/**
 * Averages the normalised `hists` bin by bin. Histograms whose edges differ from the
 * first one's are left out; `used` says how many went in.
 */
export function averageHistograms(hists: readonly Histogram[]): { bins: Bin[]; used: number } {
  const valid = hists.filter((h) => h && h.edges.length === h.counts.length + 1 && h.counts.length > 0);
  if (valid.length === 0) return { bins: [], used: 0 };
  const key = JSON.stringify(valid[0].edges);
  const same = valid.filter((h) => JSON.stringify(h.edges) === key);
  const edges = same[0].edges;
  const shares = same.map((h) => {
    const total = h.counts.reduce((s, c) => s + c, 0) || 1;
    return h.counts.map((c) => c / total);
  });
  const bins = edges.slice(0, -1).map((lo, i) => {
    const s = summarize(shares.map((x) => x[i]));
    return { lo, hi: edges[i + 1], mean: s.mean, std: s.std, n: s.n };
  });
  return { bins, used: same.length };
}

/** A row of a histogram chart. */
export interface HistRow extends Bin {
  row: string;
  column: string;
  color: string;
}

/** A vertical reference line (the paper's value) in one panel. */
export interface HistRule {
  row: string;
  column: string;
  value: number;
  label: string;
}

/** Faceted histogram chart (rows × columns of panels, colour within a panel). */
export function histogramChart(o: {
  title: string;
  bins: HistRow[];
  rules?: HistRule[];
  xTitle: string;
  colorTitle: string;
  rowTitle?: string | null;
  columnTitle?: string | null;
  xLog?: boolean;
  independentX?: boolean;
  width?: number;
  height?: number;
}): VlSpec {
  const rows = [
    ...o.bins.map((b) => ({
      ...b,
      kind: "bin",
      center: (b.lo + b.hi) / 2,
      top: b.mean + b.std,
      bottom: Math.max(0, b.mean - b.std),
    })),
    ...(o.rules ?? []).map((r) => ({ ...r, kind: "rule", source: PAPER_LABEL })),
  ];
  const xScale = o.xLog ? { type: "log" } : { zero: false };
  const color = { field: "color", type: "nominal", title: o.colorTitle };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title,
    config: BASE_CONFIG,
    data: { values: rows },
    facet: {
      row: { field: "row", type: "nominal", title: o.rowTitle ?? null, header: { labelLimit: 260 } },
      column: { field: "column", type: "nominal", title: o.columnTitle ?? null, header: { labelLimit: 260 } },
    },
    spec: {
      width: o.width ?? 220,
      height: o.height ?? 120,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'bin'" }],
          mark: { type: "rect", opacity: 0.55 },
          encoding: {
            x: { field: "lo", type: "quantitative", title: o.xTitle, scale: xScale },
            x2: { field: "hi" },
            y: { field: "mean", type: "quantitative", title: "share of pairs", stack: null },
            y2: { datum: 0 },
            color,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bin' && datum.n > 1" }],
          mark: { type: "rule", strokeWidth: 1 },
          encoding: {
            x: { field: "center", type: "quantitative", scale: xScale },
            y: { field: "bottom", type: "quantitative" },
            y2: { field: "top" },
            color,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'rule'" }],
          mark: { type: "rule", strokeWidth: 2, color: "black" },
          encoding: {
            x: { field: "value", type: "quantitative", scale: xScale },
            strokeDash: {
              field: "source",
              type: "nominal",
              title: "reference",
              scale: { domain: [PAPER_LABEL], range: [[5, 3]] },
            },
            tooltip: [{ field: "label" }, { field: "value" }],
          },
        },
      ],
    },
    resolve: { scale: { x: o.independentX === false ? "shared" : "independent", y: "independent" } },
  };
}

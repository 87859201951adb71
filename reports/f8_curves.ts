/**
 * F8 — training curves: kNN top-1 and training loss per epoch, baseline vs AMCL, one
 * column per method; mean over seeds with a ± std band; baselines dashed; collapsed AMCL
 * series carry the collapse mark in their legend label.
 *
 * @module
 */

import { artefactId, type BuildContext } from "./context.ts";
import { axisFields, groupCells } from "./grouping.ts";
import { seriesLabel } from "./labels.ts";
import { BASE_CONFIG, type Figure } from "./render.ts";
import { summarize } from "./stats.ts";

/** Builds F8 for every preset with curves (null when no record has any epoch). */
export function buildF8(ctx: BuildContext): Figure | null {
  const withCurves = ctx.records.filter((r) => r.curves.length > 0);
  if (withCurves.length === 0) return null;
  const groups = groupCells(withCurves);
  const fields = axisFields(groups.map((g) => g.config), ["seed", "method", "variant"]);
  const rows: Array<Record<string, unknown>> = [];
  const KNN = "kNN top-1 (%)";
  const LOSS = "training loss";
  for (const g of groups) {
    const series = seriesLabel(g.config, fields, g.records);
    const epochs = [...new Set(g.records.flatMap((r) => r.curves.map((p) => p.epoch)))].sort((a, b) => a - b);
    for (const epoch of epochs) {
      const pts = g.records.map((r) => r.curves.find((p) => p.epoch === epoch)).filter((p) =>
        p !== undefined
      );
      const add = (panel: string, values: number[]) => {
        const s = summarize(values.filter(Number.isFinite));
        if (s.n === 0) return;
        rows.push({
          method: g.config.method,
          panel,
          series,
          variant: g.config.variant === "amcl" ? "AMCL" : "baseline",
          epoch,
          mean: s.mean,
          lo: s.mean - s.std,
          hi: s.mean + s.std,
          n: s.n,
        });
      };
      add(KNN, pts.filter((p) => typeof p.knnTop1 === "number").map((p) => p.knnTop1! * ctx.factor));
      add(LOSS, pts.map((p) => p.loss));
    }
  }
  const x = { field: "epoch", type: "quantitative", title: "epoch", scale: { zero: false } };
  const color = { field: "series", type: "nominal", title: "series", legend: { symbolOpacity: 1 } };
  return {
    kind: "figure",
    id: artefactId("F8", ctx),
    title: "Training curves: kNN accuracy and loss per epoch, baseline vs AMCL",
    caption:
      "Mean over seeds; band = ± sample std over seeds; baselines dashed. The loss is the method's own " +
      "objective summed over heads (AMCL's includes the regulariser, so it can be negative).",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "F8 · training curves",
      config: BASE_CONFIG,
      data: { values: rows },
      facet: {
        row: { field: "panel", type: "nominal", title: null, sort: [KNN, LOSS] },
        column: { field: "method", type: "nominal", title: "method" },
      },
      spec: {
        width: 280,
        height: 170,
        layer: [
          {
            mark: { type: "area", opacity: 0.18 },
            encoding: {
              x,
              y: { field: "lo", type: "quantitative", scale: { zero: false } },
              y2: { field: "hi" },
              color,
            },
          },
          {
            mark: { type: "line", point: { size: 25, filled: true } },
            encoding: {
              x,
              y: { field: "mean", type: "quantitative", title: null, scale: { zero: false } },
              color,
              strokeDash: {
                field: "variant",
                type: "nominal",
                title: "variant",
                scale: { domain: ["AMCL", "baseline"], range: [[1, 0], [6, 4]] },
                legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolStrokeColor: "#333" },
              },
            },
          },
        ],
      },
      resolve: { scale: { y: "independent" } },
    },
    notes: rows.some((r) => r.panel === KNN)
      ? []
      : ["No epoch carries a kNN accuracy (monitor did not run)."],
  };
}

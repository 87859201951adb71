/**
 * F4 — backbones × pre-training epochs: linear-probe top-1 against epochs, one line per
 * backbone (× width), baseline dashed and AMCL solid, one panel per method; error bars =
 * ± std over seeds; at paper scale the paper's ImageNet values as a dotted "paper" series.
 * Built for presets that vary the backbone/width and the epochs (or are named "f4").
 *
 * @module
 */

import { lineChart, type Point, RUN_LABEL } from "./chart.ts";
import { applies, artefactId, type BuildContext } from "./context.ts";
import { backboneLabel, groupCells } from "./grouping.ts";
import { METRIC_LABEL, metricValue, primaryMetric } from "./metrics.ts";
import { PAPER_F4, PAPER_LABEL, PAPER_SOURCE } from "./paper_values.ts";
import type { Figure } from "./render.ts";
import { overSeeds } from "./series.ts";

/** Builds F4, or null when the preset varies neither backbone/width nor epochs. */
export function buildF4(ctx: BuildContext): Figure | null {
  if (ctx.records.length === 0 || !applies(ctx, "F4", ["backbone", "width", "epochs"])) return null;
  const metric = primaryMetric(ctx.records);
  const points: Point[] = [];
  for (const g of groupCells(ctx.records)) {
    const v = overSeeds(g.records, (r) => {
      const x = metricValue(r, metric);
      return x === undefined ? undefined : x * ctx.factor;
    });
    if (!v) continue;
    const variant = g.config.variant === "amcl" ? "AMCL" : "baseline";
    points.push({
      panel: g.config.method,
      series: `${backboneLabel(g.config)} ${variant}`,
      dash: variant,
      x: g.config.epochs,
      mean: v.mean,
      lo: v.lo,
      hi: v.hi,
      n: v.n,
      source: RUN_LABEL,
      collapsed: v.collapsed,
    });
  }
  const notes: string[] = [];
  if (ctx.paperScale) {
    const methods = new Set(points.map((p) => p.panel));
    for (const p of PAPER_F4.filter((p) => methods.has(p.method))) {
      const label = backboneLabel(
        { backbone: p.backbone, width: p.width } as Parameters<typeof backboneLabel>[0],
      );
      for (const [variant, value] of [["baseline", p.baseline], ["AMCL", p.amcl]] as const) {
        points.push({
          panel: p.method,
          series: `${label} ${variant}`,
          x: p.epochs,
          mean: value,
          lo: value,
          hi: value,
          n: 0,
          source: PAPER_LABEL,
          collapsed: "",
        });
      }
    }
    notes.push(`Dotted "paper" series: ImageNet linear probe, ${PAPER_SOURCE}.`);
  }
  return {
    kind: "figure",
    id: artefactId("F4", ctx),
    title: "Backbones × pre-training epochs: baseline vs AMCL",
    caption:
      `${METRIC_LABEL[metric]}, mean over seeds, error bar = ± sample std; baseline dashed, AMCL solid; ` +
      "⚠ above a point = some of its seeds collapsed.",
    spec: lineChart({
      title: "F4 · backbones × pre-training epochs",
      points,
      xTitle: "pre-training epochs",
      yTitle: METRIC_LABEL[metric],
      xType: "quantitative",
      seriesTitle: "backbone · variant",
    }),
    notes,
  };
}

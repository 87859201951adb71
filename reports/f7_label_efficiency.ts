/**
 * F7 — label efficiency: probe accuracy against the number of labelled images per class
 * for {1, C} heads × {constant, adaptive} τ, error bars over seeds, and at paper scale the
 * poster's values as a dotted "paper" series. Built for presets whose records carry
 * label-efficiency results.
 *
 * @module
 */

import { lineChart, type Point, RUN_LABEL } from "./chart.ts";
import { artefactId, type BuildContext } from "./context.ts";
import { axisFields, describe, groupCells } from "./grouping.ts";
import { headsText } from "./labels.ts";
import { PAPER_F7, PAPER_LABEL, PAPER_SOURCE } from "./paper_values.ts";
import type { Figure } from "./render.ts";
import { overSeeds } from "./series.ts";

function tauText(mode: string): string {
  return mode === "constant" ? "constant τ" : mode === "adaptive" ? "adaptive τ" : `${mode} τ`;
}

/** Builds F7, or null when no record has label-efficiency results. */
export function buildF7(ctx: BuildContext): Figure | null {
  const recs = ctx.records.filter((r) =>
    r.metrics.labelEfficiency && Object.keys(r.metrics.labelEfficiency).length
  );
  if (recs.length === 0) return null;
  const groups = groupCells(recs);
  const rest = axisFields(groups.map((g) => g.config), [
    "seed",
    "heads",
    "tauMode",
    "variant",
    "labelsPerClass",
  ]);
  const points: Point[] = [];
  for (const g of groups) {
    const ns = [...new Set(g.records.flatMap((r) => Object.keys(r.metrics.labelEfficiency ?? {})))]
      .map(Number)
      .sort((a, b) => a - b);
    const series = [`${headsText(g.config.heads)}, ${tauText(g.config.tauMode)}`, describe(g.config, rest)]
      .filter(Boolean)
      .join(" · ");
    for (const n of ns) {
      const v = overSeeds(g.records, (r) => {
        const x = r.metrics.labelEfficiency?.[String(n)];
        return x === undefined ? undefined : x * ctx.factor;
      });
      if (!v) continue;
      points.push({
        panel: "",
        series,
        x: n,
        mean: v.mean,
        lo: v.lo,
        hi: v.hi,
        n: v.n,
        source: RUN_LABEL,
        collapsed: v.collapsed,
      });
    }
  }
  const notes: string[] = [];
  if (ctx.paperScale) {
    for (const s of PAPER_F7.series) {
      const series = `${headsText(s.heads)}, ${s.adaptive ? "adaptive τ" : "constant τ"}`;
      PAPER_F7.labels.forEach((n, i) =>
        points.push({
          panel: "",
          series,
          x: n,
          mean: s.values[i],
          lo: s.values[i],
          hi: s.values[i],
          n: 0,
          source: PAPER_LABEL,
          collapsed: "",
        })
      );
    }
    notes.push(
      `Dotted "paper" series: ${PAPER_SOURCE}; the poster's axis is read as labelled images per class.`,
    );
  }
  return {
    kind: "figure",
    id: artefactId("F7", ctx),
    title: "Label efficiency: accuracy vs labelled images per class",
    caption:
      "Linear probe trained on n labelled images per class; mean over seeds, error bar = ± sample std; " +
      "⚠ = collapsed seeds.",
    spec: lineChart({
      title: "F7 · label efficiency",
      points,
      xTitle: "labelled images per class (log scale)",
      yTitle: "top-1 (%)",
      xType: "quantitative",
      xLog: true,
      seriesTitle: "heads, temperature",
      width: 420,
      height: 240,
    }),
    notes,
  };
}

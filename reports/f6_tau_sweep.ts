/**
 * F6 — temperature sweep: accuracy against a constant τ with one head, and adaptive τ
 * with 1 and with C heads as flat dashed lines (± std band). At paper scale the poster's
 * values are drawn as a dotted "paper" series and flat lines. Built for presets that vary
 * `tau` (or are named "f6").
 *
 * @module
 */

import { lineChart, type Point, type RuleLine, RUN_LABEL } from "./chart.ts";
import { applies, artefactId, type BuildContext } from "./context.ts";
import { groupCells } from "./grouping.ts";
import { headsText } from "./labels.ts";
import { METRIC_LABEL, metricValue, primaryMetric } from "./metrics.ts";
import { PAPER_F6, PAPER_LABEL, PAPER_SOURCE } from "./paper_values.ts";
import type { Figure } from "./render.ts";
import { overSeeds } from "./series.ts";

/** Builds F6, or null when the preset does not sweep τ. */
export function buildF6(ctx: BuildContext): Figure | null {
  if (ctx.records.length === 0 || !applies(ctx, "F6", ["tau"])) return null;
  const metric = primaryMetric(ctx.records);
  const groups = groupCells(ctx.records);
  const points: Point[] = [];
  const rules: RuleLine[] = [];
  const constVariants = new Set(
    groups.filter((g) => g.config.tauMode === "constant").map((g) => g.config.variant),
  );
  for (const g of groups) {
    const v = overSeeds(g.records, (r) => {
      const x = metricValue(r, metric);
      return x === undefined ? undefined : x * ctx.factor;
    });
    if (!v) continue;
    if (g.config.tauMode === "constant") {
      const variant = constVariants.size > 1 ? (g.config.variant === "amcl" ? "AMCL " : "baseline ") : "";
      points.push({
        panel: "",
        series: `${variant}constant τ, ${headsText(g.config.heads)}`,
        x: g.config.tau,
        mean: v.mean,
        lo: v.lo,
        hi: v.hi,
        n: v.n,
        source: RUN_LABEL,
        collapsed: v.collapsed,
      });
    } else {
      const label = `${g.config.tauMode === "adaptive" ? "adaptive" : g.config.tauMode} τ, ${
        headsText(g.config.heads)
      }`;
      rules.push({
        panel: "",
        series: label + (v.collapsed ? ` ⚠ collapsed ${v.collapsed}` : ""),
        mean: v.mean,
        lo: v.lo,
        hi: v.hi,
        source: RUN_LABEL,
        collapsed: v.collapsed,
      });
    }
  }
  const notes: string[] = [];
  if (ctx.paperScale) {
    for (const [tau, acc] of PAPER_F6.constant) {
      points.push({
        panel: "",
        series: "constant τ, 1 head",
        x: tau,
        mean: acc,
        lo: acc,
        hi: acc,
        n: 0,
        source: PAPER_LABEL,
        collapsed: "",
      });
    }
    for (const [heads, acc] of Object.entries(PAPER_F6.adaptiveHeads)) {
      rules.push({
        panel: "",
        series: `adaptive τ, ${headsText(Number(heads))}`,
        mean: acc,
        lo: acc,
        hi: acc,
        source: PAPER_LABEL,
        collapsed: "",
      });
    }
    notes.push(`Dotted "paper" series and faint flat lines: ${PAPER_SOURCE}.`);
  }
  return {
    kind: "figure",
    id: artefactId("F6", ctx),
    title: "Temperature sweep: constant τ with one head vs adaptive τ",
    caption:
      `${METRIC_LABEL[metric]}, mean over seeds, error bar = ± sample std; flat dashed lines (band ± std) ` +
      "= adaptive τ, which has no τ axis; ⚠ = collapsed seeds.",
    spec: lineChart({
      title: "F6 · temperature sweep",
      points,
      rules,
      xTitle: "constant temperature τ",
      yTitle: METRIC_LABEL[metric],
      xType: "quantitative",
      width: 420,
      height: 240,
    }),
    notes,
  };
}

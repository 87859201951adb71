/**
 * F5 — sensitivity of AMCL: (left) number of heads C, (right) top-κ among negatives
 * ("softmax" = all negatives), with the 1-head constant-τ baseline as a dashed line and
 * ± std band. Built for presets that vary heads or topk (or are named "f5"); an axis with
 * a single point still renders.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import { lineChart, type Point, type RuleLine, RUN_LABEL } from "./chart.ts";
import { applies, artefactId, type BuildContext } from "./context.ts";
import { type CellGroup, describe, formatField, groupCells, varyingFields } from "./grouping.ts";
import { METRIC_LABEL, metricValue, primaryMetric } from "./metrics.ts";
import type { Figure } from "./render.ts";
import { overSeeds } from "./series.ts";

function mode<T>(xs: T[]): T {
  const counts = new Map<T, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** Builds F5, or null when the preset varies neither the heads nor top-κ. */
export function buildF5(ctx: BuildContext): Figure | null {
  if (ctx.records.length === 0 || !applies(ctx, "F5", ["heads", "topk"])) return null;
  const metric = primaryMetric(ctx.records);
  const value = (g: CellGroup) =>
    overSeeds(g.records, (r) => {
      const x = metricValue(r, metric);
      return x === undefined ? undefined : x * ctx.factor;
    });
  const groups = groupCells(ctx.records);
  const amcl = groups.filter((g) => g.config.variant === "amcl");
  const base = groups.filter((g) => g.config.variant !== "amcl");
  if (amcl.length === 0) return null;
  const rest = varyingFields(amcl.map((g) => g.config), ["seed", "heads", "topk", "variant"]);
  const HEADS = "number of heads C";
  const TOPK = "top-κ among negatives";
  const points: Point[] = [];
  const rules: RuleLine[] = [];
  const axes: Array<[string, keyof CellConfig, keyof CellConfig]> = [[HEADS, "heads", "topk"], [
    TOPK,
    "topk",
    "heads",
  ]];
  for (const [panel, axis, other] of axes) {
    const fixed = mode(amcl.map((g) => g.config[other]));
    for (const g of amcl.filter((g) => g.config[other] === fixed)) {
      const v = value(g);
      if (!v) continue;
      const raw = g.config[axis] as number;
      points.push({
        panel,
        series: ["AMCL", describe(g.config, rest)].filter(Boolean).join(" · "),
        x: formatField(axis, g.config),
        xOrder: axis === "topk" && raw === 0 ? Number.MAX_SAFE_INTEGER : raw,
        mean: v.mean,
        lo: v.lo,
        hi: v.hi,
        n: v.n,
        source: RUN_LABEL,
        collapsed: v.collapsed,
      });
    }
    for (const g of base) {
      const v = value(g);
      if (!v) continue;
      const label = `baseline (${g.config.heads} head${
        g.config.heads === 1 ? "" : "s"
      }, constant τ = ${g.config.tau})`;
      rules.push({
        panel,
        series: label,
        mean: v.mean,
        lo: v.lo,
        hi: v.hi,
        source: RUN_LABEL,
        collapsed: "",
      });
    }
  }
  return {
    kind: "figure",
    id: artefactId("F5", ctx),
    title: "Sensitivity: number of heads and top-κ",
    caption:
      `${METRIC_LABEL[metric]}, mean over seeds, error bar = ± sample std; dashed line and band = the ` +
      "baseline's mean ± std; each panel holds the other knob at its most common value; ⚠ = collapsed seeds.",
    spec: lineChart({
      title: "F5 · sensitivity to heads and top-κ",
      points,
      rules,
      xTitle: "setting",
      yTitle: METRIC_LABEL[metric],
      xType: "ordinal",
      width: 260,
    }),
    notes: [],
  };
}

/**
 * F8 — training curves: kNN top-1 and training loss per epoch, baseline vs AMCL, one
 * column per method, the loss in one row per variant (independent y scales); mean over seeds with a ± std band; baselines dashed; collapsed AMCL
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
  // The loss gets one panel per variant, each with its own y scale: AMCL's objective (with the
  // regulariser, ~−1e5 once τ sits at tauMin) would flatten the baseline's (~4) on a shared axis.
  const LOSS = { baseline: "loss · baseline", amcl: "loss · AMCL" } as const;
  const label = (m: string) => ctx.methods.find((x) => x.name === m)?.label ?? m;
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
          method: label(g.config.method),
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
      add(LOSS[g.config.variant === "amcl" ? "amcl" : "baseline"], pts.map((p) => p.loss));
    }
  }
  const x = {
    field: "epoch",
    type: "quantitative",
    title: "epoch",
    // The same epoch range in every row (the kNN monitor may skip the first epochs).
    scale: {
      domain: [
        Math.min(...rows.map((r) => r.epoch as number)),
        Math.max(...rows.map((r) => r.epoch as number)),
      ],
    },
    axis: { tickMinStep: 1, format: "d" },
  };
  // One legend: the series (its label names the variant; baselines are dashed, said in the caption).
  const color = { field: "series", type: "nominal", title: null, legend: { symbolOpacity: 1 } };
  const panels = [KNN, LOSS.baseline, LOSS.amcl].filter((p) => rows.some((r) => r.panel === p));
  // Within a loss panel, series can still differ by orders of magnitude (a collapsed AMCL cell next
  // to healthy ones): that panel then uses a symlog y scale, said in its axis title.
  const symlog = (panel: string) => {
    const peaks = [...new Set(rows.filter((r) => r.panel === panel).map((r) => r.series as string))].map((
      s,
    ) =>
      Math.max(
        ...rows.filter((r) => r.panel === panel && r.series === s).map((r) => Math.abs(r.mean as number)),
      )
    );
    return panel !== KNN && peaks.length > 1 && Math.max(...peaks) > 100 * Math.max(1, Math.min(...peaks));
  };
  const part = (panel: string, last: boolean) => {
    const log = symlog(panel);
    const scale = log ? { type: "symlog" } : { zero: false };
    const xp = last ? x : { ...x, axis: { ...x.axis, title: null } };
    return {
      transform: [{ filter: { field: "panel", equal: panel } }],
      facet: {
        column: {
          field: "method",
          type: "nominal",
          title: null,
          header: panel === panels[0] ? { labelFontWeight: "bold" } : { labels: false },
        },
      },
      spec: {
        width: 280,
        height: 160,
        layer: [
          {
            mark: { type: "area", opacity: 0.18 },
            encoding: { x: xp, y: { field: "lo", type: "quantitative", scale }, y2: { field: "hi" }, color },
          },
          {
            mark: { type: "line", point: { size: 25, filled: true } },
            encoding: {
              x: xp,
              y: {
                field: "mean",
                type: "quantitative",
                title: log ? `${panel} (symlog scale)` : panel,
                scale,
              },
              color,
              strokeDash: {
                field: "variant",
                type: "nominal",
                scale: { domain: ["AMCL", "baseline"], range: [[1, 0], [6, 4]] },
                legend: null,
              },
            },
          },
        ],
      },
      resolve: { scale: { y: "independent" } },
    };
  };
  return {
    kind: "figure",
    id: artefactId("F8", ctx),
    title: "Training curves: kNN accuracy and loss per epoch, baseline vs AMCL",
    caption:
      "Mean over seeds; band = ± sample std over seeds; baselines dashed, AMCL solid. The loss is the " +
      "method's own objective summed over heads, drawn in one panel per variant with its own y scale: " +
      "AMCL's includes the β·Ω regulariser, so it can be negative and orders of magnitude larger " +
      "(its magnitude grows like 1/τ when τ collapses to tauMin), so the two are not on a common scale. " +
      "A loss panel whose series differ by more than 100× uses a symlog y scale (marked on its axis).",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "F8 · training curves",
      config: BASE_CONFIG,
      data: { values: rows },
      vconcat: panels.map((p, i) => part(p, i === panels.length - 1)),
      resolve: { scale: { y: "independent" } },
    },
    notes: rows.some((r) => r.panel === KNN)
      ? []
      : ["No epoch carries a kNN accuracy (monitor did not run)."],
  };
}

/**
 * T6 — temperature ablation: accuracy for each temperature mode (global constant,
 * adaptive negatives only, adaptive positives only, from head 1, fully adaptive), mean ±
 * std over seeds, with the paper's reference value beside each mode at paper scale.
 * Built for presets that vary `tauMode` (or are named "t6").
 *
 * @module
 */

import type { TauMode } from "../core/cell_config.ts";
import { collapseNote } from "./collapse.ts";
import { applies, artefactId, type BuildContext } from "./context.ts";
import { meanStd, signed } from "./format.ts";
import { axisFields, describe, formatField, groupCells } from "./grouping.ts";
import { METRIC_LABEL, metricValue, primaryMetric } from "./metrics.ts";
import { PAPER_SOURCE, PAPER_T6 } from "./paper_values.ts";
import { overSeeds } from "./series.ts";
import type { CellValue, Table } from "./table.ts";

const MODE_TEXT: Record<TauMode, string> = {
  constant: "global constant τ",
  "adaptive-neg": "constant positive τ, adaptive negative τ",
  "adaptive-pos": "constant negative τ, adaptive positive τ",
  head1: "adaptive τ from head 1 only",
  adaptive: "fully adaptive τ",
};
const ORDER: TauMode[] = ["constant", "adaptive-neg", "adaptive-pos", "head1", "adaptive"];

/** Builds T6, or null when the preset does not vary the temperature mode. */
export function buildT6(ctx: BuildContext): Table | null {
  if (!applies(ctx, "T6", ["tauMode"]) || ctx.records.length === 0) return null;
  const metric = primaryMetric(ctx.records);
  const groups = groupCells(ctx.records);
  const others = axisFields(groups.map((g) => g.config), ["seed", "tauMode"]);
  const rows = groups
    .map((g) => {
      const v = overSeeds(g.records, (r) => {
        const x = metricValue(r, metric);
        return x === undefined ? undefined : x * ctx.factor;
      });
      const mode = g.config.tauMode;
      const row: Record<string, CellValue> = {
        mode: MODE_TEXT[mode] ?? mode,
        tauMode: mode,
        setting: describe(g.config, others) || "—",
        acc: v
          ? `${meanStd({ mean: v.mean, std: v.std, n: v.n })}${
            g.config.variant === "amcl" ? (collapseNote(g.records) ? " " + collapseNote(g.records) : "") : ""
          }`
          : "—",
        mean: v?.mean ?? null,
        std: v?.std ?? null,
        seeds: v?.n ?? 0,
      };
      if (ctx.paperScale) {
        const ref = PAPER_T6[mode];
        row.paper = ref ?? null;
        row.vs_paper = ref !== undefined && v ? signed(v.mean - ref) : "—";
      }
      return { row, order: ORDER.indexOf(mode), cfg: g.config };
    })
    .sort((a, b) =>
      a.order - b.order || formatField("heads", a.cfg).localeCompare(formatField("heads", b.cfg))
    );
  return {
    kind: "table",
    id: artefactId("T6", ctx),
    title: "Temperature ablation",
    caption: `${METRIC_LABEL[metric]}, mean ± sample std over seeds, per temperature mode.`,
    columns: [
      { key: "mode", label: "temperature" },
      { key: "tauMode", label: "tauMode", csvOnly: true },
      { key: "setting", label: "other settings" },
      { key: "acc", label: "top-1 (%)", displayOnly: true },
      { key: "mean", label: "mean", csvOnly: true },
      { key: "std", label: "std", csvOnly: true },
      { key: "seeds", label: "seeds" },
      ...(ctx.paperScale
        ? [{ key: "paper", label: "paper" }, { key: "vs_paper", label: "this run − paper" }]
        : []),
    ],
    rows: rows.map((r) => r.row),
    notes: ctx.paperScale ? [`"paper" column: ${PAPER_SOURCE}.`] : [],
  };
}

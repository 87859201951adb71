/**
 * F3 — distribution of similarity scores of 500 positive and 500 negative validation
 * pairs: temperature-scaled similarity of the head features (head 1) and cosine
 * similarity of the backbone features, baseline vs AMCL. Shares averaged over seeds
 * (rule = ± std); at paper scale the paper's approximate distribution centres are drawn
 * as dashed "paper" lines.
 *
 * @module
 */

import { artefactId, type BuildContext } from "./context.ts";
import { axisFields, groupCells } from "./grouping.ts";
import { averageHistograms, histogramChart, type HistRow, type HistRule } from "./histogram.ts";
import { seriesLabel } from "./labels.ts";
import { PAPER_F3, PAPER_SOURCE } from "./paper_values.ts";
import type { Figure } from "./render.ts";

const HEAD = "head features (τ-scaled similarity, head 1)";
const BACKBONE = "backbone features (cosine)";

/** Builds F3 for presets whose records carry the similarity analysis (else null). */
export function buildF3(ctx: BuildContext): Figure | null {
  const recs = ctx.records.filter((r) => r.similarity);
  if (recs.length === 0) return null;
  const groups = groupCells(recs);
  const fields = axisFields(groups.map((g) => g.config), ["seed", "variant"]);
  const bins: HistRow[] = [];
  const rules: HistRule[] = [];
  const notes: string[] = [];
  for (const g of groups) {
    const column = seriesLabel(g.config, fields, g.records);
    const parts: Array<[string, string, Parameters<typeof averageHistograms>[0]]> = [
      [HEAD, "positive", g.records.map((r) => r.similarity!.headPos[0]).filter(Boolean)],
      [HEAD, "negative", g.records.map((r) => r.similarity!.headNeg[0]).filter(Boolean)],
      [BACKBONE, "positive", g.records.map((r) => r.similarity!.backbonePos)],
      [BACKBONE, "negative", g.records.map((r) => r.similarity!.backboneNeg)],
    ];
    for (const [row, color, hists] of parts) {
      const avg = averageHistograms(hists);
      if (avg.used < hists.length) {
        notes.push(
          `${column} · ${row} · ${color}: ${hists.length - avg.used} seed(s) with other bin edges left out.`,
        );
      }
      for (const b of avg.bins) bins.push({ ...b, row, column, color });
    }
    if (ctx.paperScale) {
      for (const p of PAPER_F3.filter((p) => p.variant === g.config.variant)) {
        rules.push({
          row: p.features === "head" ? HEAD : BACKBONE,
          column,
          value: p.value,
          label: `paper ${p.pair}`,
        });
      }
    }
  }
  if (ctx.paperScale) {
    notes.push(`Dashed "paper" lines: approximate centres of the paper's distributions, ${PAPER_SOURCE}.`);
  }
  return {
    kind: "figure",
    id: artefactId("F3", ctx),
    title: "Distribution of similarity scores: positive vs negative pairs, baseline vs AMCL",
    caption:
      "Share of pairs per bin, averaged over seeds (vertical rule = ± sample std); head features use the " +
      "learned τ (AMCL) or the constant τ (baseline).",
    spec: histogramChart({
      title: "F3 · similarity of positive and negative pairs",
      bins,
      rules,
      xTitle: "similarity",
      colorTitle: "pairs",
    }),
    notes,
  };
}

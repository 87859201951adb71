/**
 * F1 — similarity histograms of positive vs negative pairs, "1 head" baseline vs "Ours",
 * at 1, 3 and 5 augmentation types (one column per augmentation set), plus a table of
 * example pairs with both similarities (and, at paper scale, the paper's STL-10 example
 * values beside them, by position). Built for presets that vary `augs` with the
 * similarity analysis (or are named "f1").
 *
 * @module
 */

import { COLLAPSE_MARK, isCollapsed } from "./collapse.ts";
import { applies, type Artefact, artefactId, type BuildContext } from "./context.ts";
import { axisFields, groupCells } from "./grouping.ts";
import { averageHistograms, histogramChart, type HistRow } from "./histogram.ts";
import { seriesLabel } from "./labels.ts";
import { PAPER_F1_EXAMPLES, PAPER_SOURCE } from "./paper_values.ts";
import type { CellValue, Table } from "./table.ts";

function augsText(augs: string): string {
  const n = augs === "default" ? 4 : augs.length;
  return `augs ${augs} (${n} type${n === 1 ? "" : "s"})`;
}

/** Builds F1 (figure and example-pair table), or [] when not applicable. */
export function buildF1(ctx: BuildContext): Artefact[] {
  const recs = ctx.records.filter((r) => r.similarity);
  if (recs.length === 0 || !applies(ctx, "F1", ["augs"])) return [];
  const groups = groupCells(recs).sort((a, b) => a.config.augs.length - b.config.augs.length);
  const fields = axisFields(groups.map((g) => g.config), ["seed", "augs", "variant"]);
  const bins: HistRow[] = [];
  for (const g of groups) {
    const row = seriesLabel(g.config, fields, g.records);
    const column = augsText(g.config.augs);
    for (
      const [color, hists] of [
        ["positive", g.records.map((r) => r.similarity!.backbonePos)],
        ["negative", g.records.map((r) => r.similarity!.backboneNeg)],
      ] as const
    ) {
      for (const b of averageHistograms(hists).bins) bins.push({ ...b, row, column, color });
    }
  }
  const figure = {
    kind: "figure" as const,
    id: artefactId("F1", ctx),
    title: "Similarity of positive vs negative pairs as augmentation types grow, baseline vs AMCL",
    caption:
      "Cosine similarity of backbone features; share of pairs per bin averaged over seeds (rule = ± std).",
    spec: histogramChart({
      title: "F1 · similarity histograms by augmentation set",
      bins,
      xTitle: "cosine similarity",
      colorTitle: "pairs",
      independentX: false,
    }),
    notes: [],
  };
  // Example pairs: the first seed's examples of the baseline and AMCL with the most augmentation types.
  const maxAugs = groups[groups.length - 1].config.augs;
  const base = recs.find((r) => r.config.variant === "baseline" && r.config.augs === maxAugs);
  const amcl = recs.find((r) => r.config.variant === "amcl" && r.config.augs === maxAugs);
  const exB = base?.similarity?.examples ?? [];
  const exA = amcl?.similarity?.examples ?? [];
  const n = Math.max(exB.length, exA.length);
  const rows: Array<Record<string, CellValue>> = [];
  for (let i = 0; i < n; i++) {
    const b = exB[i];
    const a = exA.find((x) => b && x.a === b.a && x.b === b.b) ?? (b ? undefined : exA[i]);
    const p = ctx.paperScale ? PAPER_F1_EXAMPLES[i] : undefined;
    rows.push({
      pair: `${(b ?? a)!.a}–${(b ?? a)!.b}`,
      positive: (b ?? a)!.positive,
      base_backbone: b?.backbone ?? null,
      amcl_backbone: a?.backbone ?? null,
      base_head: b?.head ?? null,
      amcl_head: a?.head ?? null,
      ...(ctx.paperScale ? { paper_base: p?.baseline ?? null, paper_amcl: p?.amcl ?? null } : {}),
    });
  }
  const table: Table = {
    kind: "table",
    id: artefactId("F1-pairs", ctx),
    title: `Example pairs (augs ${maxAugs}): similarity under the baseline and AMCL`,
    caption: "First seed's example pairs (validation image indices a–b); backbone = cosine, head = τ-scaled.",
    columns: [
      { key: "pair", label: "pair (a–b)" },
      { key: "positive", label: "positive" },
      { key: "base_backbone", label: "baseline backbone" },
      { key: "amcl_backbone", label: "AMCL backbone" },
      { key: "base_head", label: "baseline head" },
      { key: "amcl_head", label: "AMCL head" },
      ...(ctx.paperScale
        ? [{ key: "paper_base", label: "paper baseline" }, { key: "paper_amcl", label: "paper AMCL" }]
        : []),
    ],
    rows,
    notes: [
      ...(amcl && isCollapsed(amcl)
        ? [`${COLLAPSE_MARK}: the AMCL cell of these examples had its temperatures collapse.`]
        : []),
      ...(amcl && base
        ? []
        : ["Example pairs need both a baseline and an AMCL cell with the similarity analysis."]),
      ...(ctx.paperScale
        ? [`"paper" columns: the paper's STL-10 example pairs by position (other images), ${PAPER_SOURCE}.`]
        : []),
    ],
  };
  return [figure, table];
}

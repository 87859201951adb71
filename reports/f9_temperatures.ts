/**
 * F9 — learned temperatures: (top) histograms of τ⁺ and τ⁻ per head at the recorded
 * epochs, shares averaged over seeds; (bottom) per-epoch τ statistics per head (mean over
 * seeds of the epoch's mean τ, band = the epoch's min–max averaged over seeds) on a log
 * axis with tauMin as a dashed line — a collapse to the floor is plain to see. Built for
 * presets with AMCL temperature data.
 *
 * @module
 */

import type { TauStats } from "../benchmarks/record.ts";
import { artefactId, type BuildContext } from "./context.ts";
import { axisFields, groupCells } from "./grouping.ts";
import { averageHistograms } from "./histogram.ts";
import { seriesLabel } from "./labels.ts";
import { BASE_CONFIG, type Figure, type VlSpec } from "./render.ts";
import { summarize } from "./stats.ts";

const KIND = { pos: "τ⁺ (positives)", neg: "τ⁻ (negatives)" } as const;

/** Builds F9, or null when no record has temperature data. */
export function buildF9(ctx: BuildContext): Figure | null {
  const recs = ctx.records.filter((r) =>
    (r.temperatures?.length ?? 0) > 0 || r.curves.some((p) => p.tauPos?.length || p.tauNeg?.length)
  );
  if (recs.length === 0) return null;
  const groups = groupCells(recs);
  const fields = axisFields(groups.map((g) => g.config), ["seed", "variant"]);
  const histRows: Array<Record<string, unknown>> = [];
  const statRows: Array<Record<string, unknown>> = [];
  let positive = true;
  for (const g of groups) {
    const series = seriesLabel(g.config, fields, g.records);
    const keys = new Set<string>();
    for (const r of g.records) {
      for (const t of r.temperatures ?? []) keys.add(`${t.epoch}|${t.head}|${t.kind}`);
    }
    for (const k of keys) {
      const [epoch, head, kind] = k.split("|");
      const hists = g.records.flatMap((r) =>
        (r.temperatures ?? []).filter((t) => `${t.epoch}|${t.head}|${t.kind}` === k).map((t) => t.hist)
      );
      for (const b of averageHistograms(hists).bins) {
        if (b.lo <= 0) positive = false;
        histRows.push({
          row: `${KIND[kind as "pos" | "neg"]} · ${series}`,
          column: `epoch ${epoch}`,
          epoch: Number(epoch),
          head: `head ${Number(head) + 1}`,
          ...b,
        });
      }
    }
    const epochs = [...new Set(g.records.flatMap((r) => r.curves.map((p) => p.epoch)))].sort((a, b) => a - b);
    for (const kind of ["pos", "neg"] as const) {
      for (const epoch of epochs) {
        const per = g.records
          .map((r) => r.curves.find((p) => p.epoch === epoch)?.[kind === "pos" ? "tauPos" : "tauNeg"])
          .filter((s): s is TauStats[] => Array.isArray(s) && s.length > 0);
        const heads = Math.max(0, ...per.map((s) => s.length));
        for (let h = 0; h < heads; h++) {
          const st = per.map((s) => s[h]).filter(Boolean);
          const mean = summarize(st.map((s) => s.mean));
          statRows.push({
            row: series,
            column: KIND[kind],
            head: `head ${h + 1}`,
            epoch,
            mean: mean.mean,
            lo: summarize(st.map((s) => s.min)).mean,
            hi: summarize(st.map((s) => s.max)).mean,
            sd: mean.std,
            n: mean.n,
            tauMin: g.config.tauMin,
          });
        }
      }
    }
  }
  const color = { field: "head", type: "nominal", title: "head" };
  const parts: VlSpec[] = [];
  if (histRows.length) {
    const logX = positive && histRows.some((r) => (r.hi as number) / Math.max(1e-12, r.lo as number) > 50);
    const xScale = logX ? { type: "log" } : { zero: false };
    parts.push({
      title: "τ histograms per head at recorded epochs (share of pairs, mean over seeds)",
      data: { values: histRows },
      facet: {
        row: {
          field: "row",
          type: "nominal",
          title: null,
          header: { labelLimit: 300, labelAngle: 0, labelAlign: "left" },
        },
        column: { field: "column", type: "nominal", title: null, sort: { field: "epoch" } },
      },
      spec: {
        width: 200,
        height: 90,
        mark: { type: "rect", opacity: 0.5 },
        encoding: {
          x: { field: "lo", type: "quantitative", title: "τ", scale: xScale },
          x2: { field: "hi" },
          y: { field: "mean", type: "quantitative", title: "share", stack: null },
          y2: { datum: 0 },
          color,
        },
      },
      resolve: { scale: { y: "independent" } },
    });
  }
  if (statRows.length) {
    const x = { field: "epoch", type: "quantitative", title: "epoch" };
    const yScale = { type: "log" };
    parts.push({
      title: "τ per epoch and head: mean (line), min–max (band), tauMin (dashed)",
      data: { values: statRows },
      facet: {
        row: {
          field: "row",
          type: "nominal",
          title: null,
          header: { labelLimit: 300, labelAngle: 0, labelAlign: "left" },
        },
        column: { field: "column", type: "nominal", title: null },
      },
      spec: {
        width: 260,
        height: 120,
        layer: [
          {
            mark: { type: "area", opacity: 0.15 },
            encoding: {
              x,
              y: { field: "lo", type: "quantitative", scale: yScale },
              y2: { field: "hi" },
              color,
            },
          },
          {
            mark: { type: "line", point: { size: 20, filled: true } },
            encoding: {
              x,
              y: { field: "mean", type: "quantitative", title: "τ (log)", scale: yScale },
              color,
            },
          },
          {
            mark: { type: "rule", strokeDash: [5, 3], color: "#c00" },
            encoding: { y: { aggregate: "min", field: "tauMin", type: "quantitative" } },
          },
        ],
      },
    });
  }
  return {
    kind: "figure",
    id: artefactId("F9", ctx),
    title: "Learned temperatures per head over training",
    caption:
      "AMCL's adaptive τ⁺ and τ⁻ per head; red dashed line = tauMin. Series whose cells collapsed carry the " +
      "collapse mark.",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "F9 · learned temperatures",
      config: BASE_CONFIG,
      vconcat: parts,
    },
    notes: histRows.length
      ? []
      : ["No temperature histograms recorded; only the per-epoch statistics are shown."],
  };
}

/**
 * F9 — learned temperatures, on one log τ axis spanning [tauMin, tauMax] with readable
 * ticks: (top) the τ⁺ and τ⁻ histograms per head at the recorded epochs as a heat strip
 * per head (colour = share of pairs, averaged over seeds; the record's own bin edges);
 * (bottom) per-epoch τ statistics per head (mean over seeds of the epoch's mean τ, band =
 * the epoch's min–max averaged over seeds) with tauMin as a black dashed line — a collapse
 * to the floor is plain to see. Built for presets with AMCL temperature data.
 *
 * @module
 */

import type { TauStats } from "../core/temperature_stats.ts";
import { artefactId, type BuildContext } from "./context.ts";
import { axisFields, groupCells } from "./grouping.ts";
import { averageHistograms } from "./histogram.ts";
import { seriesLabel } from "./labels.ts";
import { logAxis } from "./log_axis.ts";
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
  // One τ axis for the whole figure: [tauMin, tauMax] of the cells, widened to the data.
  let lo = Math.min(...recs.map((r) => r.config.tauMin).filter((v) => v > 0));
  let hi = Math.max(...recs.map((r) => r.config.tauMax).filter((v) => v > 0));
  const widen = (v: number) => {
    if (!(v > 0) || !Number.isFinite(v)) return;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  };
  const histRows: Array<Record<string, unknown>> = [];
  const statRows: Array<Record<string, unknown>> = [];
  let maxHeads = 1;
  for (const g of groups) {
    const series = seriesLabel(g.config, fields, g.records);
    const keys = new Set<string>();
    for (const r of g.records) {
      for (const t of r.temperatures ?? []) keys.add(`${t.epoch}|${t.head}|${t.kind}`);
    }
    for (const k of keys) {
      const [epoch, head, kind] = k.split("|");
      maxHeads = Math.max(maxHeads, Number(head) + 1);
      const hists = g.records.flatMap((r) =>
        (r.temperatures ?? []).filter((t) => `${t.epoch}|${t.head}|${t.kind}` === k).map((t) => t.hist)
      );
      for (const b of averageHistograms(hists).bins) {
        widen(b.lo);
        widen(b.hi);
        if (!(b.mean > 0)) continue; // an empty bin stays blank
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
          const row = {
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
          };
          widen(row.lo);
          widen(row.hi);
          statRows.push(row);
        }
      }
    }
  }
  const tau = logAxis(lo, hi);
  const color = { field: "head", type: "nominal", title: "head", legend: { symbolOpacity: 1 } };
  const rowFacet = {
    field: "row",
    type: "nominal",
    title: null,
    header: { labelLimit: 460, labelAngle: 0, labelAlign: "left" },
  };
  const parts: VlSpec[] = [];
  const notes: string[] = [];
  if (histRows.length) {
    // Bins are drawn from the record's own edges; a bin reaching 0 or below starts at the axis' left end.
    let clamped = false;
    for (const r of histRows) {
      if ((r.lo as number) < lo) clamped = true;
      r.lo = Math.max(r.lo as number, lo);
    }
    if (clamped) {
      notes.push(
        "Some recorded τ bins start at or below 0 (linear bins); on the log axis they are drawn from its " +
          "left end, so their extent there says nothing about where in the bin the values lie.",
      );
    }
    parts.push({
      title:
        "τ distribution per head at recorded epochs (colour = share of the head's pairs, mean over seeds)",
      data: { values: histRows },
      facet: {
        row: rowFacet,
        column: { field: "column", type: "nominal", title: null, sort: { field: "epoch" } },
      },
      spec: {
        width: 240,
        height: 16 * maxHeads,
        mark: { type: "rect", stroke: "white", strokeWidth: 0.3 },
        encoding: {
          x: { field: "lo", type: "quantitative", title: "τ (log scale)", scale: tau.scale, axis: tau.axis },
          x2: { field: "hi" },
          y: { field: "head", type: "nominal", title: null },
          color: {
            field: "mean",
            type: "quantitative",
            title: "share of pairs",
            scale: { type: "sqrt", domain: [0, 1], scheme: "viridis" },
            legend: { format: ".0%", values: [0.01, 0.1, 0.25, 0.5, 1] },
          },
          tooltip: [
            { field: "head" },
            { field: "lo", title: "τ from", format: ".2e" },
            { field: "hi", title: "τ to", format: ".2e" },
            { field: "mean", title: "share", format: ".1%" },
          ],
        },
      },
    });
  }
  if (statRows.length) {
    const x = { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1, format: "d" } };
    const y = { scale: tau.scale, axis: tau.axis };
    const shape = { field: "head", type: "nominal", title: "head" };
    // One "head" legend (colour + shape, from the points): band and line colour through their own
    // fill/stroke channels (same categorical scheme, same head order) and show no legend.
    const plain = { field: "head", type: "nominal", legend: null };
    parts.push({
      title: "τ per epoch and head: mean (line), min–max (band), tauMin (black dashed)",
      data: { values: statRows },
      facet: { row: rowFacet, column: { field: "column", type: "nominal", title: null } },
      spec: {
        width: 260,
        height: 130,
        layer: [
          {
            mark: { type: "area", opacity: 0.15 },
            encoding: { x, y: { field: "lo", type: "quantitative", ...y }, y2: { field: "hi" }, fill: plain },
          },
          {
            mark: { type: "line", strokeWidth: 1.5 },
            encoding: {
              x,
              y: { field: "mean", type: "quantitative", title: "τ (log scale)", ...y },
              stroke: plain,
              detail: { field: "head" },
            },
          },
          {
            // Distinct open shapes: heads at the same τ (e.g. all at tauMin) stay visible.
            mark: { type: "point", filled: false, size: 45, strokeWidth: 1.5 },
            encoding: { x, y: { field: "mean", type: "quantitative", ...y }, color, shape },
          },
          {
            mark: { type: "rule", strokeDash: [5, 3], color: "black", strokeWidth: 1 },
            encoding: { y: { aggregate: "min", field: "tauMin", type: "quantitative", ...y } },
          },
          {
            mark: { type: "text", align: "right", baseline: "bottom", dy: -3, fontSize: 10, color: "black" },
            encoding: {
              x: { aggregate: "max", field: "epoch", type: "quantitative" },
              y: { aggregate: "min", field: "tauMin", type: "quantitative", ...y },
              text: { value: "tauMin" },
            },
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
      "AMCL's adaptive τ⁺ and τ⁻ per head on a log τ axis spanning [tauMin, tauMax]. Top: the share of each " +
      "head's pairs per τ bin at the recorded epochs (bins as the cells recorded them; blank = no pairs). " +
      "Bottom: per-epoch mean τ per head (open shapes, so heads at the same τ stay visible) with the " +
      "min–max band; black dashed line = tauMin. Series whose cells collapsed carry the collapse mark.",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "F9 · learned temperatures",
      config: BASE_CONFIG,
      vconcat: parts,
      // The heat strips' colour (share) and the lines' colour/shape (head) are separate legends.
      resolve: {
        scale: { color: "independent", shape: "independent", fill: "independent", stroke: "independent" },
        legend: { color: "independent", shape: "independent" },
      },
    },
    notes: histRows.length
      ? notes
      : ["No temperature histograms recorded; only the per-epoch statistics are shown."],
  };
}

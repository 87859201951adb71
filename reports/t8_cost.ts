/**
 * T8 — cost, from the runs' own records: training time per epoch, peak memory and
 * parameters (backbone, heads, φ, total) of baseline vs AMCL, with AMCL's overhead over
 * the matching baseline.
 *
 * @module
 */

import type { CellRecord } from "../benchmarks/record.ts";
import { CONFIG_FIELDS, COST_ROW_FIELDS } from "./config_fields.ts";
import { artefactId, type BuildContext } from "./context.ts";
import { count, meanStd, mib, signed } from "./format.ts";
import { backboneLabel, groupCells } from "./grouping.ts";
import { summarize } from "./stats.ts";
import type { CellValue, Table } from "./table.ts";

function stat(records: readonly CellRecord[], f: (r: CellRecord) => number) {
  return summarize(records.map(f).filter((v) => Number.isFinite(v) && v >= 0));
}

/** Builds T8 from every record of `ctx` (null without records). */
export function buildT8(ctx: BuildContext): Table | null {
  if (ctx.records.length === 0) return null;
  // A cost row: method × variant × backbone × width × batch × heads × scale (seeds and other knobs pooled).
  const groups = groupCells(ctx.records, CONFIG_FIELDS.filter((f) => !COST_ROW_FIELDS.includes(f)));
  const baseTime = new Map<string, number>();
  const baseParams = new Map<string, number>();
  const keyOf = (r: CellRecord) =>
    `${r.config.method}|${r.config.backbone}|${r.config.width}|${r.config.batchSize}|${r.config.scale}`;
  for (const g of groups) {
    if (g.config.variant !== "baseline") continue;
    baseTime.set(keyOf(g.records[0]), stat(g.records, (r) => r.cost.secondsPerEpoch).mean);
    baseParams.set(keyOf(g.records[0]), stat(g.records, (r) => r.cost.params.total).mean);
  }
  const rows = groups.map((g) => {
    const t = stat(g.records, (r) => r.cost.secondsPerEpoch);
    const m = stat(g.records, (r) => r.cost.peakMemoryBytes);
    const p = g.records[0].cost.params;
    const bt = baseTime.get(keyOf(g.records[0]));
    const bp = baseParams.get(keyOf(g.records[0]));
    const row: Record<string, CellValue> = {
      method: g.config.method,
      backbone: backboneLabel(g.config),
      batch: g.config.batchSize,
      scale: g.config.scale,
      variant: g.config.variant === "amcl" ? "AMCL" : "baseline",
      heads: g.config.heads,
      time: t.n === 1 ? `${t.mean.toFixed(3)} (1 cell)` : meanStd(t, 3),
      time_mean: t.mean,
      time_std: t.std,
      memory: m.n === 0 ? "—" : m.n === 1 ? `${mib(m.mean)} (1 cell)` : `${mib(m.mean)} ± ${mib(m.std)}`,
      memory_mean_bytes: m.mean,
      params_backbone: count(p.backbone),
      params_heads: count(p.heads),
      params_phi: count(p.phi),
      params_total: count(p.total),
      params_backbone_n: p.backbone,
      params_heads_n: p.heads,
      params_phi_n: p.phi,
      params_total_n: p.total,
      time_overhead: g.config.variant === "amcl" && bt ? `${signed((100 * (t.mean - bt)) / bt, 1)} %` : "—",
      param_overhead: g.config.variant === "amcl" && bp ? `${signed((100 * (p.total - bp)) / bp, 2)} %` : "—",
      runs: g.records.length,
      backend: [...new Set(g.records.map((r) => r.env.backend))].join(","),
    };
    return row;
  });
  rows.sort((a, b) =>
    String(a.method).localeCompare(String(b.method)) ||
    String(a.backbone).localeCompare(String(b.backbone)) ||
    String(b.variant).localeCompare(String(a.variant))
  );
  return {
    kind: "table",
    id: artefactId("T8", ctx),
    title: "Cost: time per epoch, peak memory and parameters, baseline vs AMCL",
    caption:
      "From the cells' own records (cost fields): seconds per training epoch and peak memory, mean ± " +
      "sample std over the cells of each row; parameter counts of one cell; overhead = AMCL relative to the " +
      "baseline with the same method, backbone and batch size.",
    columns: [
      { key: "method", label: "method" },
      { key: "backbone", label: "backbone" },
      { key: "batch", label: "batch" },
      { key: "scale", label: "scale" },
      { key: "variant", label: "variant" },
      { key: "heads", label: "heads" },
      { key: "time", label: "s / epoch", displayOnly: true },
      { key: "time_mean", label: "", csvOnly: true },
      { key: "time_std", label: "", csvOnly: true },
      { key: "time_overhead", label: "time overhead" },
      { key: "memory", label: "peak memory (MiB)", displayOnly: true },
      { key: "memory_mean_bytes", label: "", csvOnly: true },
      { key: "params_backbone", label: "params backbone", displayOnly: true },
      { key: "params_heads", label: "params heads", displayOnly: true },
      { key: "params_phi", label: "params φ", displayOnly: true },
      { key: "params_total", label: "params total", displayOnly: true },
      { key: "params_backbone_n", label: "", csvOnly: true },
      { key: "params_heads_n", label: "", csvOnly: true },
      { key: "params_phi_n", label: "", csvOnly: true },
      { key: "params_total_n", label: "", csvOnly: true },
      { key: "param_overhead", label: "param overhead" },
      { key: "runs", label: "cells" },
      { key: "backend", label: "backend" },
    ],
    rows,
    notes: ["Peak memory as each cell recorded it (cost.peakMemoryBytes)."],
  };
}

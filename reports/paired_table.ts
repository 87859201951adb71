/**
 * The baseline-vs-AMCL table shared by T3, T4, T5, T7 and T9: one row per AMCL grid
 * point (and per unpaired baseline), the axis fields first, mean ± std over seeds, Δ, the
 * paired t-test's p, the outcome and the collapse mark.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import { compareVariants, type Comparison, countLine } from "./compare.ts";
import { meanStd, pValue, signed } from "./format.ts";
import { formatField } from "./grouping.ts";
import { type AccuracyMetric, METRIC_LABEL } from "./metrics.ts";
import type { CellValue, Column, Table } from "./table.ts";
import type { BuildContext } from "./context.ts";
import { artefactId } from "./context.ts";

/** Options of {@link pairedTable}. */
export interface PairedTableOptions {
  id: string;
  title: string;
  /** Fields shown first and sorted by (e.g. ["augs"]). */
  axes: Array<keyof CellConfig>;
  /** Metrics to show (default: linear probe when present, and kNN). */
  metrics?: AccuracyMetric[];
  /** Extra columns per row, computed from the comparison row of the first metric. */
  extra?: { columns: Column[]; values: (row: Comparison["rows"][number]) => Record<string, CellValue> };
}

function sortValue(v: unknown): number | string {
  return typeof v === "number" ? v : typeof v === "string" ? v : JSON.stringify(v);
}

/** Builds the table for `ctx` (null when the preset has no records). */
export function pairedTable(ctx: BuildContext, o: PairedTableOptions): Table | null {
  if (ctx.records.length === 0) return null;
  const hasLinear = ctx.records.some((r) => typeof r.metrics.linearTop1 === "number");
  const metrics = o.metrics ??
    (hasLinear ? ["linearTop1", "knnTop1"] as AccuracyMetric[] : ["knnTop1"] as AccuracyMetric[]);
  const comps = metrics.map((m) => compareVariants(ctx.records, { metric: m }));
  const first = comps[0];
  const others = first.fields.filter((f) => !o.axes.includes(f) && f !== "method" && f !== "dataset");
  const idFields: Array<keyof CellConfig> = [
    "method",
    "dataset",
    ...o.axes.filter((a) => a !== "method" && a !== "dataset"),
  ];
  const columns: Column[] = idFields.map((f) => ({ key: f, label: f }));
  if (others.length) columns.push(...others.map((f) => ({ key: f, label: f })));
  const short = (m: AccuracyMetric) => (m === "linearTop1" ? "linear" : "kNN");
  for (const m of metrics) {
    const s = short(m);
    columns.push(
      { key: `${s}_b`, label: `baseline ${s}`, displayOnly: true },
      { key: `${s}_a`, label: `AMCL ${s}`, displayOnly: true },
      { key: `${s}_d`, label: `Δ ${s}`, displayOnly: true },
      { key: `${s}_p`, label: `p ${s}`, displayOnly: true },
      { key: `${s}_b_mean`, label: "", csvOnly: true },
      { key: `${s}_b_std`, label: "", csvOnly: true },
      { key: `${s}_a_mean`, label: "", csvOnly: true },
      { key: `${s}_a_std`, label: "", csvOnly: true },
      { key: `${s}_delta`, label: "", csvOnly: true },
      { key: `${s}_pvalue`, label: "", csvOnly: true },
      { key: `${s}_outcome`, label: `outcome ${s}` },
    );
  }
  columns.push({ key: "seeds", label: "seeds (b/a)" }, {
    key: "amcl_collapsed",
    label: "AMCL collapsed seeds",
    csvOnly: true,
  });
  if (o.extra) columns.push(...o.extra.columns);
  const rows = first.rows.map((r0, i) => {
    const row: Record<string, CellValue> = {};
    for (const f of [...idFields, ...others]) row[f] = formatField(f, r0.config);
    comps.forEach((c, j) => {
      const r = c.rows[i];
      const s = short(metrics[j]);
      const mark = r.collapseA ? ` ${r.collapseA}` : "";
      row[`${s}_b`] = meanStd(r.b?.summary);
      row[`${s}_a`] = r.a ? meanStd(r.a.summary) + mark : "—";
      row[`${s}_d`] = signed(r.delta);
      row[`${s}_p`] = pValue(r.test?.p);
      row[`${s}_b_mean`] = r.b?.summary.mean ?? null;
      row[`${s}_b_std`] = r.b?.summary.std ?? null;
      row[`${s}_a_mean`] = r.a?.summary.mean ?? null;
      row[`${s}_a_std`] = r.a?.summary.std ?? null;
      row[`${s}_delta`] = Number.isNaN(r.delta) ? null : r.delta;
      row[`${s}_pvalue`] = r.test && !Number.isNaN(r.test.p) ? r.test.p : null;
      row[`${s}_outcome`] = r.outcome === "loss" ? "LOSS" : r.outcome;
    });
    row.seeds = `${r0.b?.summary.n ?? 0}/${r0.a?.summary.n ?? 0}`;
    row.amcl_collapsed = r0.collapseA ? Number(r0.collapseA.split(" ").pop()!.split("/")[0]) : 0;
    if (o.extra) Object.assign(row, o.extra.values(r0));
    return { row, key: o.axes.map((a) => sortValue(r0.config[a])) };
  });
  rows.sort((x, y) => {
    for (let k = 0; k < x.key.length; k++) {
      const a = x.key[k];
      const b = y.key[k];
      if (a === b) continue;
      return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
    }
    return 0;
  });
  return {
    kind: "table",
    id: artefactId(o.id, ctx),
    title: o.title,
    caption:
      `${
        metrics.map((m) => METRIC_LABEL[m]).join("; ")
      }: mean ± sample std over seeds; Δ = AMCL − baseline. ` +
      `Test: ${first.testDescription}.`,
    columns,
    rows: rows.map((r) => r.row),
    notes: [
      ...comps.map((c, j) => `${short(metrics[j])}: ${countLine(c)}`),
      ...(first.rows.some((r) => r.collapseA)
        ? [
          "⚠ collapsed k/n: k of n AMCL seeds ended with temperatures collapsed to tauMin (spec amcl.md §8).",
        ]
        : []),
    ],
  };
}

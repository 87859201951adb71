/**
 * Baseline vs AMCL at every grid point, and one run against another.
 *
 * A grid point is a configuration without its seed and variant. An AMCL grid point is
 * paired with the baseline grid point that agrees on every shared field (everything but
 * the AMCL knobs {@link AMCL_KNOBS}); among several, the one agreeing on the most knobs
 * wins (then the fewest heads). Seeds are paired by seed value. The test is a two-sided
 * paired t-test over the seeds both sides have; a grid point is a win (loss) when
 * Δ > 0 (< 0) with p < α, else a tie; with fewer than 2 paired seeds it is "untested".
 * Collapsed AMCL cells (spec amcl.md §8) carry the collapse mark.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "../benchmarks/record.ts";
import { collapseNote, isCollapsed } from "./collapse.ts";
import { AMCL_KNOBS, CORE_FIELDS } from "./config_fields.ts";
import { meanStd, pValue, signed } from "./format.ts";
import { axisFields, type CellGroup, configKey, describe, groupCells, varyingFields } from "./grouping.ts";
import { type AccuracyMetric, METRIC_LABEL, metricValue, percentFactor, primaryMetric } from "./metrics.ts";
import { type PairedTTest, pairedTTest, summarize, type Summary } from "./stats.ts";
import type { Table } from "./table.ts";

/** Outcome of one grid point for the first side (AMCL, or run A). */
export type Outcome = "win" | "tie" | "loss" | "untested" | "n/a";

/** One side of a comparison: a grid point's records over seeds. */
export interface Side {
  group: CellGroup;
  /** Metric values (percent) by seed. */
  bySeed: Map<number, number>;
  summary: Summary;
}

/** One row of a comparison. */
export interface ComparisonRow {
  /** Configuration shown for the row (AMCL's / run A's when present). */
  config: CellConfig;
  metric: AccuracyMetric;
  /** Baseline (or run B). */
  b: Side | null;
  /** AMCL (or run A). */
  a: Side | null;
  /** a.mean − b.mean. */
  delta: number;
  test: PairedTTest | null;
  outcome: Outcome;
  /** "⚠ collapsed k/n" for run A's/AMCL's collapsed seeds, else "". */
  collapseA: string;
  /** The same for side B (only meaningful for `--against`). */
  collapseB: string;
}

/** A full comparison with its win/tie/loss count. */
export interface Comparison {
  kind: "variants" | "runs";
  rows: ComparisonRow[];
  counts: Record<Outcome, number>;
  alpha: number;
  /** Fields that vary across the rows (shown as columns). */
  fields: Array<keyof CellConfig>;
  /** The statistical test, in words. */
  testDescription: string;
}

/** Options of a comparison. */
export interface CompareOptions {
  /** Accuracy to compare; "auto" = linear probe where every record has it, else kNN. */
  metric?: AccuracyMetric | "auto";
  /** Significance level of the paired test (default 0.05). */
  alpha?: number;
}

function side(group: CellGroup, metric: AccuracyMetric, factor: number): Side {
  const bySeed = new Map<number, number>();
  for (const r of group.records) {
    const v = metricValue(r, metric);
    if (v !== undefined) bySeed.set(r.config.seed, v * factor);
  }
  return { group, bySeed, summary: summarize([...bySeed.values()]) };
}

function decide(
  a: Side | null,
  b: Side | null,
  alpha: number,
): { test: PairedTTest | null; outcome: Outcome } {
  if (!a || !b || a.summary.n === 0 || b.summary.n === 0) return { test: null, outcome: "n/a" };
  const seeds = [...a.bySeed.keys()].filter((s) => b.bySeed.has(s)).sort((x, y) => x - y);
  const test = pairedTTest(seeds.map((s) => a.bySeed.get(s)!), seeds.map((s) => b.bySeed.get(s)!));
  if (test.n < 2) return { test, outcome: "untested" };
  const delta = a.summary.mean - b.summary.mean;
  if (test.p < alpha && delta > 0) return { test, outcome: "win" };
  if (test.p < alpha && delta < 0) return { test, outcome: "loss" };
  return { test, outcome: "tie" };
}

/** The metric a row compares: the one asked for, else the primary metric of its records. */
function metricChooser(opts: CompareOptions): (gs: CellGroup[]) => AccuracyMetric {
  return (gs) =>
    opts.metric && opts.metric !== "auto" ? opts.metric : primaryMetric(gs.flatMap((g) => g.records));
}

/**
 * The row of side-A grid point `g` against its side-B counterpart `other` (none: no test,
 * outcome "n/a"); `fa`/`fb` scale each side's values to percent.
 */
function pairedRow(
  g: CellGroup,
  other: CellGroup | undefined,
  metric: AccuracyMetric,
  fa: number,
  fb: number,
  alpha: number,
  collapseB: string,
): ComparisonRow {
  const a = side(g, metric, fa);
  const b = other ? side(other, metric, fb) : null;
  const { test, outcome } = decide(a, b, alpha);
  return {
    config: g.config,
    metric,
    a,
    b,
    delta: b ? a.summary.mean - b.summary.mean : NaN,
    test,
    outcome,
    collapseA: collapseNote(g.records),
    collapseB,
  };
}

/** The row of a side-B grid point that nothing on side A pairs with. */
function unpairedRow(g: CellGroup, metric: AccuracyMetric, fb: number, collapseB: string): ComparisonRow {
  return {
    config: g.config,
    metric,
    a: null,
    b: side(g, metric, fb),
    delta: NaN,
    test: null,
    outcome: "n/a",
    collapseA: "",
    collapseB,
  };
}

function countOutcomes(rows: readonly ComparisonRow[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { win: 0, tie: 0, loss: 0, untested: 0, "n/a": 0 };
  for (const r of rows) counts[r.outcome]++;
  return counts;
}

function testText(alpha: number, first: string, second: string): string {
  return `two-sided paired t-test over the seeds both ${first} and ${second} have (df = n − 1, t CDF via the ` +
    `regularised incomplete beta function); win/loss = Δ > 0 / Δ < 0 with p < ${alpha}, otherwise tie; ` +
    `"untested" = fewer than 2 paired seeds (no test possible)`;
}

function agree(a: CellConfig, b: CellConfig, fields: ReadonlyArray<keyof CellConfig>): number {
  return fields.filter((f) => JSON.stringify(a[f]) === JSON.stringify(b[f])).length;
}

function partnerOf(amcl: CellGroup, baselines: readonly CellGroup[]): CellGroup | undefined {
  const omit: Array<keyof CellConfig> = ["seed", "variant", ...AMCL_KNOBS];
  const strictKey = configKey(amcl.config, omit);
  let cands = baselines.filter((b) => configKey(b.config, omit) === strictKey);
  if (cands.length === 0) {
    cands = baselines.filter((b) => agree(b.config, amcl.config, CORE_FIELDS) === CORE_FIELDS.length);
  }
  cands.sort((x, y) =>
    agree(y.config, amcl.config, AMCL_KNOBS) - agree(x.config, amcl.config, AMCL_KNOBS) ||
    x.config.heads - y.config.heads
  );
  return cands[0];
}

/**
 * Baseline vs AMCL for every grid point of `records` (done cells). Baseline grid points
 * that no AMCL point pairs with get a row of their own (outcome "n/a").
 */
export function compareVariants(records: readonly CellRecord[], opts: CompareOptions = {}): Comparison {
  const alpha = opts.alpha ?? 0.05;
  const factor = percentFactor(records);
  const groups = groupCells(records);
  const amcl = groups.filter((g) => g.config.variant === "amcl");
  const base = groups.filter((g) => g.config.variant !== "amcl");
  const used = new Set<CellGroup>();
  const rows: ComparisonRow[] = [];
  const metricFor = metricChooser(opts);
  for (const g of amcl) {
    const partner = partnerOf(g, base);
    if (partner) used.add(partner);
    const metric = metricFor(partner ? [g, partner] : [g]);
    rows.push(pairedRow(g, partner, metric, factor, factor, alpha, ""));
  }
  for (const g of base) {
    if (used.has(g)) continue;
    rows.push(unpairedRow(g, metricFor([g]), factor, ""));
  }
  const fields = axisFields(rows.map((r) => r.config), ["seed", "variant"]);
  return {
    kind: "variants",
    rows,
    counts: countOutcomes(rows),
    alpha,
    fields,
    testDescription: testText(alpha, "baseline", "AMCL"),
  };
}

/**
 * Run A against run B: every grid point (configuration minus seed, variant included)
 * present in either run, Δ = A − B, paired over seeds present in both.
 */
export function compareRuns(
  recordsA: readonly CellRecord[],
  recordsB: readonly CellRecord[],
  opts: CompareOptions = {},
): Comparison {
  const alpha = opts.alpha ?? 0.05;
  const fa = percentFactor(recordsA);
  const fb = percentFactor(recordsB);
  const ga = groupCells(recordsA);
  const gb = new Map(groupCells(recordsB).map((g) => [g.key, g]));
  const rows: ComparisonRow[] = [];
  const seen = new Set<string>();
  const metricFor = metricChooser(opts);
  for (const g of ga) {
    const other = gb.get(g.key);
    seen.add(g.key);
    const metric = metricFor(other ? [g, other] : [g]);
    rows.push(pairedRow(g, other, metric, fa, fb, alpha, other ? collapseNote(other.records) : ""));
  }
  for (const g of gb.values()) {
    if (seen.has(g.key)) continue;
    rows.push(unpairedRow(g, metricFor([g]), fb, collapseNote(g.records)));
  }
  const fields = varyingFields(rows.map((r) => r.config), ["seed"]);
  return {
    kind: "runs",
    rows,
    counts: countOutcomes(rows),
    alpha,
    fields,
    testDescription: testText(alpha, "A", "B"),
  };
}

function withMark(text: string, mark: string): string {
  return mark ? `${text} ${mark}` : text;
}

/** "W/T/L = 2/1/0 (1 untested, 0 unpaired)". */
export function countLine(c: Comparison): string {
  const n = c.counts;
  return `win/tie/loss = ${n.win}/${n.tie}/${n.loss} (${n.untested} untested with < 2 paired seeds, ` +
    `${n["n/a"]} without a partner)`;
}

/** A comparison as a {@link Table} (ids "CMP" / "CMP-RUNS"). */
export function comparisonTable(c: Comparison, labels = { a: "AMCL", b: "baseline" }): Table {
  const idFields: Array<keyof CellConfig> = ["method", "dataset"];
  const extraFields = c.fields.filter((f) => !idFields.includes(f));
  const rows = c.rows.map((r) => {
    const row: Record<string, string | number | null> = {};
    for (const f of idFields) row[f] = String(r.config[f]);
    if (c.kind === "runs") row.variant = r.config.variant;
    row.point = describe(r.config, extraFields) || "—";
    row.metric = r.metric === "linearTop1" ? "linear" : "kNN";
    row.b_text = withMark(meanStd(r.b?.summary), r.collapseB);
    row.a_text = withMark(meanStd(r.a?.summary), r.collapseA);
    row.b_mean = r.b?.summary.mean ?? null;
    row.b_std = r.b?.summary.std ?? null;
    row.b_n = r.b?.summary.n ?? 0;
    row.a_mean = r.a?.summary.mean ?? null;
    row.a_std = r.a?.summary.std ?? null;
    row.a_n = r.a?.summary.n ?? 0;
    row.delta_text = signed(r.delta);
    row.delta = Number.isNaN(r.delta) ? null : r.delta;
    row.t = r.test && Number.isFinite(r.test.t) ? r.test.t : null;
    row.df = r.test && r.test.n >= 2 ? r.test.df : null;
    row.p_text = pValue(r.test?.p);
    row.p = r.test && !Number.isNaN(r.test.p) ? r.test.p : null;
    row.outcome = r.outcome === "loss" ? `LOSS` : r.outcome;
    row.a_collapsed = r.a ? r.a.group.records.filter(isCollapsed).length : 0;
    return row;
  });
  const cols = [
    { key: "method", label: "method" },
    { key: "dataset", label: "dataset" },
    ...(c.kind === "runs" ? [{ key: "variant", label: "variant" }] : []),
    { key: "point", label: "grid point" },
    { key: "metric", label: "metric" },
    { key: "b_text", label: `${labels.b} mean ± std`, displayOnly: true },
    { key: "a_text", label: `${labels.a} mean ± std`, displayOnly: true },
    { key: "b_mean", label: `${labels.b} mean`, csvOnly: true },
    { key: "b_std", label: `${labels.b} std`, csvOnly: true },
    { key: "b_n", label: `${labels.b} seeds`, csvOnly: true },
    { key: "a_mean", label: `${labels.a} mean`, csvOnly: true },
    { key: "a_std", label: `${labels.a} std`, csvOnly: true },
    { key: "a_n", label: `${labels.a} seeds`, csvOnly: true },
    { key: "delta_text", label: `Δ (${labels.a} − ${labels.b})`, displayOnly: true },
    { key: "delta", label: "delta", csvOnly: true },
    { key: "t", label: "t" },
    { key: "df", label: "df" },
    { key: "p_text", label: "p", displayOnly: true },
    { key: "p", label: "p", csvOnly: true },
    { key: "outcome", label: "outcome" },
    { key: "a_collapsed", label: `${labels.a} collapsed seeds`, csvOnly: true },
  ];
  const metrics = new Set(c.rows.map((r) => METRIC_LABEL[r.metric]));
  return {
    kind: "table",
    id: c.kind === "runs" ? "CMP-RUNS" : "CMP",
    title: c.kind === "runs"
      ? `Run ${labels.a} against run ${labels.b}`
      : "Baseline vs AMCL at every grid point",
    caption: `${[...metrics].join(", ")}; mean ± sample std over seeds. Test: ${c.testDescription}.`,
    columns: cols,
    rows,
    notes: [
      countLine(c),
      "⚠ collapsed k/n: k of n seeds ended with collapsed temperatures (spec amcl.md §8); the accuracy is shown as measured.",
    ],
  };
}

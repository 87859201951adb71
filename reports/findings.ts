/**
 * Findings — the paper's six claims, each with a verdict computed from the run's records:
 * (1) AMCL beats the baseline, per method (T3); (2) more heads help (F5); (3) adaptive τ
 * beats the best constant τ (F6); (4) the gap grows with the augmentation set (T4);
 * (5) label efficiency (F7); (6) the gap survives a longer probe (T5).
 *
 * Each claim reads the records of the group that builds its artefact (for a suite, the
 * member preset's cells from the manifest), computes Δ in accuracy points with a two-sided
 * paired t-test over seeds (the comparison's pairing of `compare.ts` where it applies), and
 * gives a verdict by {@link VERDICT_RULE}. The table is generated so that the README's
 * findings can be pasted from `findings.md` and never tuned by hand.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "../benchmarks/record.ts";
import { collapseNote, isCollapsed } from "./collapse.ts";
import { compareVariants, type ComparisonRow } from "./compare.ts";
import { AMCL_KNOBS } from "./config_fields.ts";
import { type Artefact, slug } from "./context.ts";
import { pValue, signed } from "./format.ts";
import { describe, formatField, groupCells, varyingFields } from "./grouping.ts";
import type { MethodMeta } from "./method_meta.ts";
import { type AccuracyMetric, metricValue, percentFactor, primaryMetric } from "./metrics.ts";
import type { RecordGroup } from "./run_groups.ts";
import { type PairedTTest, pairedTTest, summarize } from "./stats.ts";
import type { CellValue, Table } from "./table.ts";

/** Artefact id of the findings table (its files are `findings.csv`, `.md`, `.html`). */
export const FINDINGS_ID = "findings";

/** Significance level of every claim's test. */
export const FINDINGS_ALPHA = 0.05;

/** The verdict rule, as the table states it. */
export const VERDICT_RULE =
  `reproduced = Δ > 0 and p < ${FINDINGS_ALPHA} with no collapsed AMCL cell in the ` +
  `comparison; not reproduced = Δ < 0 and p < ${FINDINGS_ALPHA}, or an AMCL cell collapsed and Δ < 0; ` +
  `inconclusive = otherwise, or fewer than 2 paired seeds, or cells of the artefact missing or failed ` +
  `("n of m cells" done)`;

/** One group of records with the artefacts built from it. */
export interface FindingsPart {
  group: RecordGroup;
  artefacts: readonly Artefact[];
}

type Metric = AccuracyMetric | "labelEfficiency";

const METRIC_TEXT: Record<Metric, string> = {
  linearTop1: "linear-probe top-1",
  knnTop1: "kNN top-1",
  labelEfficiency: "linear-probe top-1 on n labels/class",
};

/** What one claim row computed before it is written as a table row. */
interface Finding {
  claim: string;
  statistic: string;
  metric: Metric | null;
  delta: number;
  test: PairedTTest | null;
  /** AMCL records the comparison reads (for the collapse status). */
  amcl: CellRecord[];
  detail: string;
  /** Why no comparison was possible (sets the verdict to inconclusive). */
  missing?: string;
}

/** The verdict of a finding by {@link VERDICT_RULE}; `done`/`planned` are the artefact's cells. */
export function verdict(
  delta: number,
  test: PairedTTest | null,
  collapsed: number,
  done: number,
  planned?: number,
): string {
  if (planned !== undefined && done < planned) return `inconclusive (${done} of ${planned} cells)`;
  if (!test || test.n < 2 || Number.isNaN(delta)) return "inconclusive (fewer than 2 paired seeds)";
  if (delta < 0 && (test.p < FINDINGS_ALPHA || collapsed > 0)) return "not reproduced";
  if (delta > 0 && test.p < FINDINGS_ALPHA) {
    return collapsed > 0 ? "inconclusive (AMCL collapsed)" : "reproduced";
  }
  return "inconclusive";
}

/** Per-seed values of `records` (percent), by seed. */
function bySeed(
  records: readonly CellRecord[],
  value: (r: CellRecord) => number | undefined,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of records) {
    const v = value(r);
    if (v !== undefined && Number.isFinite(v)) out.set(r.config.seed, v);
  }
  return out;
}

/** Paired test of `a − b` over the seeds both maps have. */
function pairedMaps(a: Map<number, number>, b: Map<number, number>): PairedTTest {
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
  return pairedTTest(seeds.map((s) => a.get(s)!), seeds.map((s) => b.get(s)!));
}

function mean(m: Map<number, number>): number {
  return summarize([...m.values()]).mean;
}

function num(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "—";
}

function none(claim: string, statistic: string, missing: string): Finding {
  return { claim, statistic, metric: null, delta: NaN, test: null, amcl: [], detail: "", missing };
}

function fromRow(claim: string, statistic: string, row: ComparisonRow): Finding {
  const amcl = row.a?.group.records ?? [];
  if (!row.a || !row.b) {
    return { ...none(claim, statistic, row.a ? "no baseline cells" : "no AMCL cells"), amcl };
  }
  return { claim, statistic, metric: row.metric, delta: row.delta, test: row.test, amcl, detail: "" };
}

const T1_STAT = "Δ = AMCL − baseline, paired over seeds";

/** Claim 1: one finding per method (and any other field T3 varies). */
function claimMethods(records: CellRecord[], preset: string, methods: readonly MethodMeta[]): Finding[] {
  const cmp = compareVariants(records, { metric: "auto", alpha: FINDINGS_ALPHA });
  // A row is named by its method and the fields that vary among one method's rows (its defaults are not axes).
  const ignore: Array<keyof CellConfig> = ["seed", "variant", "method", ...AMCL_KNOBS];
  const rest = [
    ...new Set(
      [...new Set(cmp.rows.map((r) => r.config.method))].flatMap((m) =>
        varyingFields(cmp.rows.filter((r) => r.config.method === m).map((r) => r.config), ignore)
      ),
    ),
  ];
  const name = (m: string) => methods.find((x) => x.name === m)?.label ?? m;
  const label = (r: ComparisonRow) =>
    `AMCL beats the baseline: ${
      [name(r.config.method), describe(r.config, rest)].filter(Boolean).join(" · ")
    }`;
  const out = cmp.rows.map((r) => fromRow(label(r), T1_STAT, r));
  if (/(^|[^a-z0-9])t3([^0-9]|$)/i.test(preset)) {
    const seen = new Set(records.map((r) => r.config.method));
    for (const m of methods) {
      if (!seen.has(m.name)) {
        out.push(none(`AMCL beats the baseline: ${name(m.name)}`, T1_STAT, "no cells"));
      }
    }
  }
  return out.length ? out : [none("AMCL beats the baseline", T1_STAT, "no cells")];
}

/** Claim 2: AMCL with the most heads against AMCL with one head (at the most common top-κ). */
function claimHeads(records: CellRecord[]): Finding {
  const claim = "More heads help";
  const stat = "Δ = AMCL with C = max heads − AMCL with C = 1, paired over seeds";
  const metric = primaryMetric(records);
  const f = percentFactor(records);
  const amcl = groupCells(records.filter((r) => r.config.variant === "amcl"));
  const topks = amcl.map((g) => g.config.topk);
  const topk =
    topks.sort((a, b) => topks.filter((x) => x === b).length - topks.filter((x) => x === a).length)[0];
  const axis = amcl.filter((g) => g.config.topk === topk).sort((a, b) => a.config.heads - b.config.heads);
  if (axis.length < 2 || axis[0].config.heads !== 1) return none(claim, stat, "no C = 1 and C > 1 cells");
  const value = (r: CellRecord) => {
    const v = metricValue(r, metric);
    return v === undefined ? undefined : v * f;
  };
  const one = axis[0];
  const top = axis[axis.length - 1];
  const test = pairedMaps(bySeed(top.records, value), bySeed(one.records, value));
  const detail = "mean by C: " +
    axis.map((g) => `C=${g.config.heads}: ${num(mean(bySeed(g.records, value)))}`).join(", ");
  return {
    claim,
    statistic: stat,
    metric,
    delta: test.meanDiff,
    test,
    amcl: [...one.records, ...top.records],
    detail,
  };
}

/** Claim 3: adaptive τ with the most heads against the best constant-τ baseline. */
function claimTau(records: CellRecord[]): Finding {
  const claim = "Adaptive τ beats the best constant τ";
  const stat = "Δ = adaptive τ with the most heads − the best constant τ (1 head), paired over seeds";
  const metric = primaryMetric(records);
  const f = percentFactor(records);
  const value = (r: CellRecord) => {
    const v = metricValue(r, metric);
    return v === undefined ? undefined : v * f;
  };
  const groups = groupCells(records);
  const constant = groups.filter((g) => g.config.variant !== "amcl" && g.config.tauMode === "constant");
  const adaptive = groups.filter((g) => g.config.variant === "amcl" && g.config.tauMode === "adaptive")
    .sort((a, b) => b.config.heads - a.config.heads);
  if (constant.length === 0 || adaptive.length === 0) {
    return none(claim, stat, "no constant-τ or adaptive cells");
  }
  const means = constant.map((g) => ({ g, m: mean(bySeed(g.records, value)) }));
  const best = means.reduce((x, y) => (y.m > x.m ? y : x));
  const test = pairedMaps(bySeed(adaptive[0].records, value), bySeed(best.g.records, value));
  const detail =
    `adaptive, C=${adaptive[0].config.heads}: ${num(mean(bySeed(adaptive[0].records, value)))}; ` +
    `constant τ: ` + means.sort((a, b) => a.g.config.tau - b.g.config.tau)
      .map((x) => `${x.g.config.tau}: ${num(x.m)}${x === best ? " (best)" : ""}`).join(", ");
  return { claim, statistic: stat, metric, delta: test.meanDiff, test, amcl: adaptive[0].records, detail };
}

/** Claim 4: Δ at the largest augmentation set minus Δ at the smallest. */
function claimAugs(records: CellRecord[]): Finding {
  const claim = "The gap grows with the augmentation set";
  const stat = "Δ(largest set) − Δ(smallest set), Δ = AMCL − baseline, paired over seeds";
  const size = (r: ComparisonRow) => formatField("augs", r.config).length;
  const rows = compareVariants(records, { metric: "auto", alpha: FINDINGS_ALPHA }).rows
    .filter((r) => r.a && r.b)
    .sort((x, y) =>
      size(x) - size(y) || formatField("augs", x.config).localeCompare(formatField("augs", y.config))
    );
  if (rows.length < 2) return none(claim, stat, "fewer than 2 augmentation sets with both variants");
  const lo = rows[0];
  const hi = rows[rows.length - 1];
  const diff = (r: ComparisonRow) =>
    new Map(
      [...r.a!.bySeed].filter(([s]) => r.b!.bySeed.has(s)).map(([s, v]) => [s, v - r.b!.bySeed.get(s)!]),
    );
  const test = pairedMaps(diff(hi), diff(lo));
  const detail = "Δ by set: " +
    rows.map((r) => `${formatField("augs", r.config)}: ${signed(r.delta)}`).join(", ");
  return {
    claim,
    statistic: stat,
    metric: hi.metric,
    delta: test.meanDiff,
    test,
    amcl: [...lo.a!.group.records, ...hi.a!.group.records],
    detail,
  };
}

/** Claim 5: AMCL (adaptive τ, most heads) − baseline on the label-efficiency probes, mean over n. */
function claimLabels(records: CellRecord[]): Finding {
  const claim = "Label efficiency";
  const stat = "mean over n labels/class of Δ = AMCL (adaptive τ, most heads) − baseline, paired over seeds";
  const recs = records.filter((r) => Object.keys(r.metrics.labelEfficiency ?? {}).length > 0);
  const f = percentFactor(records);
  const groups = groupCells(recs);
  const base = groups.find((g) => g.config.variant !== "amcl");
  const amcl = groups.filter((g) => g.config.variant === "amcl" && g.config.tauMode === "adaptive")
    .sort((a, b) => b.config.heads - a.config.heads)[0];
  if (!base || !amcl) return none(claim, stat, "no label-efficiency cells of both variants");
  const ns = [...new Set(recs.flatMap((r) => Object.keys(r.metrics.labelEfficiency ?? {})))]
    .map(Number).sort((a, b) => a - b);
  const at = (n: number) => (r: CellRecord) => {
    const v = r.metrics.labelEfficiency?.[String(n)];
    return v === undefined ? undefined : v * f;
  };
  const perN = ns.map((n) => ({ n, a: bySeed(amcl.records, at(n)), b: bySeed(base.records, at(n)) }));
  const seedMean = (pick: (p: typeof perN[number]) => Map<number, number>) => {
    const out = new Map<number, number>();
    const seeds = new Set(perN.flatMap((p) => [...p.a.keys()].filter((s) => p.b.has(s))));
    for (const s of seeds) {
      const vs = perN.filter((p) => p.a.has(s) && p.b.has(s)).map((p) => pick(p).get(s)!);
      out.set(s, summarize(vs).mean);
    }
    return out;
  };
  const test = pairedMaps(seedMean((p) => p.a), seedMean((p) => p.b));
  const detail = `C=${amcl.config.heads}; Δ by n: ` +
    perN.map((p) => `${p.n}: ${signed(pairedMaps(p.a, p.b).meanDiff)}`).join(", ");
  return {
    claim,
    statistic: stat,
    metric: "labelEfficiency",
    delta: test.meanDiff,
    test,
    amcl: amcl.records,
    detail,
  };
}

/** Claim 6: Δ at the longest linear probe. */
function claimProbe(records: CellRecord[]): Finding {
  const claim = "The gap survives a longer probe";
  const stat = "Δ = AMCL − baseline at the longest probe, paired over seeds";
  const rows = compareVariants(records, { metric: "linearTop1", alpha: FINDINGS_ALPHA }).rows
    .filter((r) => r.a && r.b).sort((x, y) => x.config.probeEpochs - y.config.probeEpochs);
  if (rows.length === 0) return none(claim, stat, "no probe length with both variants");
  const last = rows[rows.length - 1];
  const detail = "Δ by probe epochs: " +
    rows.map((r) => `${r.config.probeEpochs}: ${signed(r.delta)}`).join(", ");
  return { ...fromRow(claim, stat, last), detail };
}

/** What a claim's builder receives. */
interface ClaimInput {
  records: CellRecord[];
  preset: string;
  methods: readonly MethodMeta[];
}

/** The claims in order: the artefact whose cells each reads, its name and its builder. */
const CLAIMS: Array<{ artefact: string; name: string; build: (x: ClaimInput) => Finding[] }> = [
  {
    artefact: "T3",
    name: "AMCL beats the baseline",
    build: (x) => claimMethods(x.records, x.preset, x.methods),
  },
  { artefact: "F5", name: "More heads help", build: (x) => [claimHeads(x.records)] },
  { artefact: "F6", name: "Adaptive τ beats the best constant τ", build: (x) => [claimTau(x.records)] },
  {
    artefact: "T4",
    name: "The gap grows with the augmentation set",
    build: (x) => [claimAugs(x.records)],
  },
  { artefact: "F7", name: "Label efficiency", build: (x) => [claimLabels(x.records)] },
  { artefact: "T5", name: "The gap survives a longer probe", build: (x) => [claimProbe(x.records)] },
];

function baseId(id: string): string {
  return id.split(" · ")[0].split("-")[0];
}

/**
 * The findings table from each group's records and the artefacts built from them. A claim
 * reads the first group of the run's own configuration that built its artefact; a claim
 * whose artefact no group built gets one inconclusive row.
 */
export function buildFindings(parts: readonly FindingsPart[], methods: readonly MethodMeta[] = []): Table {
  const rows: Array<Record<string, CellValue>> = [];
  for (const [i, c] of CLAIMS.entries()) {
    const n = i + 1;
    const own = parts.filter((p) => !p.group.other);
    const part = own.find((p) => p.artefacts.some((a) => baseId(a.id) === c.artefact)) ??
      own.find((p) => p.group.artefacts.includes(c.artefact));
    const art = part?.artefacts.find((a) => baseId(a.id) === c.artefact);
    const found = part
      ? c.build({ records: part.group.records, preset: part.group.preset, methods })
      : [none(c.name, "", "no cells")];
    const done = part?.group.records.length ?? 0;
    const planned = part?.group.planned;
    for (const x of found) {
      const collapsed = x.amcl.filter(isCollapsed).length;
      const short = planned !== undefined && done < planned ? `; ${done} of ${planned} cells` : "";
      const v = x.missing
        ? `inconclusive (${x.missing}${short})`
        : verdict(x.delta, x.test, collapsed, done, planned);
      const p = x.test && !Number.isNaN(x.test.p) ? x.test.p : null;
      rows.push({
        no: n,
        claim: x.claim,
        verdict: v,
        delta_text: x.missing ? "—" : signed(x.delta),
        delta: x.missing || Number.isNaN(x.delta) ? null : x.delta,
        p_text: pValue(p),
        p,
        pairs: x.test?.n ?? 0,
        collapse: collapsed ? collapseNote(x.amcl) + " AMCL cells" : x.amcl.length ? "none" : "—",
        collapsed,
        cells: part ? (planned !== undefined ? `${done} of ${planned}` : String(done)) : "0",
        metric: x.metric ? METRIC_TEXT[x.metric] : "—",
        statistic: x.statistic,
        detail: x.detail,
        artefact: art?.id ?? "—",
        file: art ? slug(art.id) : "",
      });
    }
  }
  return {
    kind: "table",
    id: FINDINGS_ID,
    title: "What the run finds: each claim of the paper, with its verdict",
    caption:
      `Δ in accuracy points (metric column); p: two-sided paired t-test over seeds; verdict: ${VERDICT_RULE}.`,
    columns: [
      { key: "no", label: "#" },
      { key: "claim", label: "claim" },
      { key: "verdict", label: "verdict" },
      { key: "delta_text", label: "Δ (points)", displayOnly: true },
      { key: "delta", label: "delta", csvOnly: true },
      { key: "p_text", label: "p", displayOnly: true },
      { key: "p", label: "p", csvOnly: true },
      { key: "pairs", label: "paired seeds" },
      { key: "collapse", label: "collapse", displayOnly: true },
      { key: "collapsed", label: "amcl_collapsed_cells", csvOnly: true },
      { key: "cells", label: "cells done" },
      { key: "metric", label: "metric" },
      { key: "statistic", label: "statistic" },
      { key: "detail", label: "detail" },
      { key: "artefact", label: "artefact" },
      { key: "file", label: "file" },
    ],
    rows,
    notes: [
      "Each claim reads the cells of the artefact it names (a suite's member preset, from the manifest); " +
      `"cells done" = done of planned cells of that artefact, and any missing or failed cell makes the verdict inconclusive.`,
      "Metric: the linear probe where every cell has it, else kNN; claim 5 uses the linear probes on n labelled images per class.",
    ],
  };
}

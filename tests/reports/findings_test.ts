/**
 * The findings table: each claim's Δ, paired p, collapse status and verdict from synthetic
 * FIXTURE records (made-up accuracies chosen to force each verdict), and a render of the
 * committed smoke run.
 */
import assert from "node:assert/strict";
import type { CellConfig } from "../../core/cell_config.ts";
import type { CellRecord } from "../../benchmarks/record.ts";
import { buildArtefacts } from "../../reports/artefacts.ts";
import { FINDINGS_ID } from "../../reports/findings.ts";
import { anchorId } from "../../reports/html.ts";
import { methodMetaFromRegistry } from "../../reports/method_meta.ts";
import { methodCardRows } from "../../methods/method_cards.ts";
import { renderReport } from "../../reports/report.ts";
import type { RecordGroup } from "../../reports/run_groups.ts";
import { pairedTTest } from "../../reports/stats.ts";
import type { Table } from "../../reports/table.ts";
import { fixtureRecord } from "./fixtures.ts";

const B = { variant: "baseline" as const };
const A = { variant: "amcl" as const };

/** FIXTURE: one record per seed with accuracy `acc(seed)` (fraction; linear probe = acc + 0.05). */
function cells(
  over: Partial<CellConfig>,
  acc: (seed: number) => number,
  preset: string,
  opts: { seeds?: number[]; collapsed?: boolean } = {},
): CellRecord[] {
  return (opts.seeds ?? [0, 1, 2]).map((seed) =>
    fixtureRecord({ ...over, seed }, { preset, acc: acc(seed), collapsed: opts.collapsed })
  );
}

/** The findings rows of records grouped by preset (`planned`: cells each preset plans). */
function findings(records: CellRecord[], planned: Record<string, number> = {}): Table["rows"] {
  const presets = [...new Set(records.map((r) => r.preset))];
  const groups: RecordGroup[] = presets.map((preset) => ({
    preset,
    label: preset,
    records: records.filter((r) => r.preset === preset),
    artefacts: [],
    other: false,
    ...(planned[preset] !== undefined ? { planned: planned[preset] } : {}),
  }));
  const t = buildArtefacts(records, [], groups).global.find((a) => a.id === FINDINGS_ID);
  assert.ok(t && t.kind === "table", "the report has a findings table");
  return t.rows;
}

function row(rows: Table["rows"], no: number): Table["rows"][number] {
  const r = rows.find((x) => x.no === no);
  assert.ok(r, `claim ${no} has a row`);
  return r;
}

const base = (s: number) => 0.4 + 0.01 * s;
const better = (s: number) => 0.45 + 0.01 * s + 0.002 * s * s;
const worse = (s: number) => 0.35 + 0.01 * s + 0.002 * s * s;

Deno.test("claim 1: AMCL clearly better → reproduced, with Δ and p of the paired test over seeds", () => {
  const rows = findings([...cells(B, base, "t3"), ...cells(A, better, "t3")], { t3: 6 });
  const r = row(rows, 1);
  const expected = pairedTTest([0, 1, 2].map((s) => better(s) * 100), [0, 1, 2].map((s) => base(s) * 100));
  assert.equal(r.verdict, "reproduced");
  assert.ok(Math.abs((r.delta as number) - expected.meanDiff) < 1e-9, `Δ ${r.delta}`);
  assert.ok(Math.abs((r.p as number) - expected.p) < 1e-9, `p ${r.p}`);
  assert.equal(r.pairs, 3);
  assert.equal(r.collapse, "none");
  assert.equal(r.cells, "6 of 6");
  assert.equal(r.metric, "linear-probe top-1");
  assert.equal(r.artefact, "T3 · t3");
  assert.equal(r.file, "T3__t3");
});

Deno.test("claim 1: AMCL clearly worse → not reproduced; collapsed and worse without significance → not reproduced", () => {
  assert.equal(
    row(findings([...cells(B, base, "t3"), ...cells(A, worse, "t3")]), 1).verdict,
    "not reproduced",
  );
  const noisy = (s: number) => [0.41, 0.37, 0.44][s];
  const r = row(findings([...cells(B, base, "t3"), ...cells(A, noisy, "t3", { collapsed: true })]), 1);
  assert.ok((r.delta as number) < 0 && (r.p as number) >= 0.05, `Δ ${r.delta} p ${r.p}`);
  assert.equal(r.verdict, "not reproduced");
  assert.equal(r.collapsed, 3);
  assert.match(String(r.collapse), /collapsed 3\/3/);
});

Deno.test("claim 1: better but collapsed, a single seed, or missing cells → inconclusive", () => {
  const collapsed = findings([...cells(B, base, "t3"), ...cells(A, better, "t3", { collapsed: true })]);
  assert.equal(row(collapsed, 1).verdict, "inconclusive (AMCL collapsed)");
  const one = findings([...cells(B, base, "t3", { seeds: [0] }), ...cells(A, better, "t3", { seeds: [0] })]);
  assert.equal(row(one, 1).verdict, "inconclusive (fewer than 2 paired seeds)");
  const partial = findings([...cells(B, base, "t3"), ...cells(A, better, "t3")], { t3: 8 });
  assert.equal(row(partial, 1).verdict, "inconclusive (6 of 8 cells)");
  assert.equal(row(partial, 1).cells, "6 of 8");
});

Deno.test("claim 1 has one row per method, named by the method", () => {
  const recs = ["simclr", "moco"].flatMap((method) => [
    ...cells({ ...B, method }, base, "t3"),
    ...cells({ ...A, method }, method === "moco" ? worse : better, "t3"),
  ]);
  const rows = findings(recs).filter((r) => r.no === 1);
  assert.deepEqual(rows.map((r) => [r.claim, r.verdict]), [
    ["AMCL beats the baseline: simclr", "reproduced"],
    ["AMCL beats the baseline: moco", "not reproduced"],
  ]);
});

Deno.test("claim 2: C = max heads against C = 1, with the mean of every C", () => {
  const heads = (h: number) => (s: number) => 0.4 + 0.02 * h + 0.01 * s + 0.001 * h * s * s;
  const recs = [
    ...cells(B, base, "f5"),
    ...[1, 2, 4].flatMap((h) => cells({ ...A, heads: h }, heads(h), "f5")),
  ];
  const r = row(findings(recs), 2);
  assert.equal(r.verdict, "reproduced");
  const pct = (f: (s: number) => number) => [0, 1, 2].map((s) => f(s) * 100);
  const expected = pairedTTest(pct(heads(4)), pct(heads(1)));
  assert.ok(Math.abs((r.delta as number) - expected.meanDiff) < 1e-9, `Δ ${r.delta}`);
  assert.ok(Math.abs((r.p as number) - expected.p) < 1e-9, `p ${r.p}`);
  assert.match(String(r.detail), /C=1: .*C=2: .*C=4: /);
  const flat = row(findings([...cells(B, base, "f5"), ...cells({ ...A, heads: 3 }, better, "f5")]), 2);
  assert.match(String(flat.verdict), /^inconclusive \(no C = 1/);
});

Deno.test("claim 3: adaptive τ with the most heads against the best constant τ", () => {
  const recs = [
    ...cells({ ...B, tau: 0.1 }, (s) => 0.3 + 0.01 * s, "f6"),
    ...cells({ ...B, tau: 0.5 }, base, "f6"),
    ...cells({ ...A, heads: 1 }, (s) => 0.2 + 0.01 * s, "f6"),
    ...cells({ ...A, heads: 3 }, worse, "f6"),
  ];
  const r = row(findings(recs), 3);
  const expected = pairedTTest([0, 1, 2].map((s) => worse(s) * 100), [0, 1, 2].map((s) => base(s) * 100));
  assert.ok(Math.abs((r.delta as number) - expected.meanDiff) < 1e-9, `Δ ${r.delta} against τ = 0.5`);
  assert.equal(r.verdict, "not reproduced");
  assert.match(String(r.detail), /0\.5: [0-9.]+ \(best\)/);
});

Deno.test("claim 4: Δ at the largest augmentation set minus Δ at the smallest, paired over seeds", () => {
  const gap = (augs: string) => (s: number) =>
    0.4 + 0.01 * augs.length + 0.01 * s + 0.001 * augs.length * s * s;
  const recs = ["a", "ab", "abc"].flatMap((augs) => [
    ...cells({ ...B, augs }, base, "t4"),
    ...cells({ ...A, augs }, gap(augs), "t4"),
  ]);
  const r = row(findings(recs), 4);
  const pct = (f: (s: number) => number) => [0, 1, 2].map((s) => (f(s) - base(s)) * 100);
  const expected = pairedTTest(pct(gap("abc")), pct(gap("a")));
  assert.ok(Math.abs((r.delta as number) - expected.meanDiff) < 1e-9, `Δ(abc) − Δ(a) = ${r.delta}`);
  assert.ok(Math.abs((r.p as number) - expected.p) < 1e-9, `p ${r.p}`);
  assert.equal(r.verdict, "reproduced");
  assert.match(String(r.detail), /a: .*ab: .*abc: /);
});

Deno.test("claim 5: label efficiency on the mean Δ over labels per class", () => {
  const lpc = { labelsPerClass: [10, 100] };
  const recs = [
    ...cells({ ...B, ...lpc }, base, "f7"),
    ...cells({ ...A, heads: 1, ...lpc }, base, "f7"),
    ...cells({ ...A, heads: 3, ...lpc }, better, "f7"),
  ];
  const r = row(findings(recs), 5);
  assert.equal(r.verdict, "reproduced");
  assert.equal(r.metric, "linear-probe top-1 on n labels/class");
  assert.match(String(r.detail), /C=3; Δ by n: 10: \+[0-9.]+, 100: \+[0-9.]+/);
});

Deno.test("claim 6: Δ at the longest probe", () => {
  const recs = [5, 20].flatMap((probeEpochs) => [
    ...cells({ ...B, probeEpochs }, base, "t5"),
    ...cells({ ...A, probeEpochs }, probeEpochs === 20 ? worse : better, "t5"),
  ]);
  const r = row(findings(recs), 6);
  assert.equal(r.verdict, "not reproduced");
  assert.match(String(r.detail), /5: \+.*20: −/);
});

Deno.test("claims without cells are inconclusive rows, never an error", () => {
  const rows = findings(cells(B, base, "t3"));
  assert.deepEqual(rows.map((r) => r.no), [1, 2, 3, 4, 5, 6]);
  assert.equal(row(rows, 1).verdict, "inconclusive (no AMCL cells)");
  for (const n of [2, 3, 4, 5, 6]) assert.equal(row(rows, n).verdict, "inconclusive (no cells)");
});

Deno.test("results/smoke: the report writes findings.md/.csv and links each claim to its artefact", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "amcl-findings-" });
  try {
    await renderReport("results/smoke", {
      methods: methodMetaFromRegistry(methodCardRows()),
      reportDir: tmp,
      log: () => {},
    });
    const md = await Deno.readTextFile(`${tmp}/findings.md`);
    const csv = await Deno.readTextFile(`${tmp}/findings.csv`);
    assert.match(md, /reproduced = Δ > 0 and p < 0\.05/);
    assert.equal(csv.trim().split("\n").length, 1 + 6, csv);
    const html = await Deno.readTextFile(`${tmp}/index.html`);
    assert.ok(html.includes(`<a href="#${anchorId("T3 · smoke")}">T3 · smoke</a>`), "claim 1 links to T3");
    assert.ok(html.includes(`id="${anchorId("T3 · smoke")}"`), "the link's target exists");
    assert.match(await Deno.readTextFile(`${tmp}/report.md`), /### findings\. /);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { compareRuns, compareVariants, comparisonTable } from "../../reports/compare.ts";
import { COLLAPSE_MARK } from "../../reports/collapse.ts";
import { tableToCsv, tableToMarkdown, tableToText } from "../../reports/table.ts";
import { fixtureRecord } from "./fixtures.ts";

// FIXTURE: synthetic records with chosen accuracies (fractions) — not results.
function rec(
  variant: "baseline" | "amcl",
  seed: number,
  acc: number,
  extra: Record<string, unknown> = {},
  collapsed = false,
) {
  return fixtureRecord({ variant, seed, ...extra }, { acc, collapsed, linear: false });
}

Deno.test("compareVariants: mean, std, Δ, paired p and outcome on a hand-computed case", () => {
  // baseline 0.40 0.41 0.42 ; AMCL 0.41 0.43 0.45 → differences 1, 2, 3 points
  const records = [
    rec("baseline", 0, 0.40),
    rec("baseline", 1, 0.41),
    rec("baseline", 2, 0.42),
    rec("amcl", 0, 0.41),
    rec("amcl", 1, 0.43),
    rec("amcl", 2, 0.45),
  ];
  const c = compareVariants(records);
  assert.equal(c.rows.length, 1);
  const r = c.rows[0];
  assert.equal(r.metric, "knnTop1");
  assert.ok(Math.abs(r.b!.summary.mean - 41) < 1e-9);
  assert.ok(Math.abs(r.b!.summary.std - 1) < 1e-9);
  assert.ok(Math.abs(r.a!.summary.mean - 43) < 1e-9);
  assert.ok(Math.abs(r.a!.summary.std - 2) < 1e-9);
  assert.ok(Math.abs(r.delta - 2) < 1e-9);
  assert.ok(Math.abs(r.test!.p - 0.07418) < 1e-4);
  assert.equal(r.outcome, "tie"); // p > 0.05
  assert.deepEqual([c.counts.win, c.counts.tie, c.counts.loss], [0, 1, 0]);
  assert.match(c.testDescription, /paired t-test/);
});

Deno.test("compareVariants: a loss shows as a loss, collapsed AMCL cells are marked", () => {
  const records = [0, 1, 2, 3].flatMap((s) => [
    rec("baseline", s, 0.50 + 0.001 * s),
    rec("amcl", s, 0.30 + 0.002 * s, {}, s < 3),
  ]);
  const c = compareVariants(records);
  const r = c.rows[0];
  assert.equal(r.outcome, "loss");
  assert.ok(r.delta < -19);
  assert.equal(r.collapseA, `${COLLAPSE_MARK} 3/4`);
  const t = comparisonTable(c);
  const md = tableToMarkdown(t);
  assert.ok(md.includes("LOSS"), md);
  assert.ok(md.includes(`${COLLAPSE_MARK} 3/4`));
  assert.ok(tableToText(t).includes(COLLAPSE_MARK));
  assert.ok(tableToCsv(t).split("\n")[1].includes(",3"), "CSV has the collapsed-seed count");
  assert.equal(c.counts.loss, 1);
});

Deno.test("compareVariants: pairing ignores AMCL knobs, one seed is untested, axes stay separate", () => {
  const records = [
    rec("baseline", 0, 0.5),
    rec("amcl", 0, 0.6, { tauMin: 1e-5 }),
    rec("amcl", 0, 0.4, { tauMin: 0.1 }),
    rec("baseline", 0, 0.5, { dataset: "cifar10" }),
  ];
  const c = compareVariants(records);
  const amcl = c.rows.filter((r) => r.a);
  assert.equal(amcl.length, 2);
  for (const r of amcl) {
    assert.equal(r.b?.group.config.dataset, "embedded", "paired with the baseline of the same dataset");
    assert.equal(r.outcome, "untested");
  }
  assert.equal(c.rows.filter((r) => !r.a).length, 1, "the cifar10 baseline has no AMCL partner");
  assert.ok(c.fields.includes("tauMin"));
});

Deno.test("compareRuns: A against B per grid point", () => {
  const a = [0, 1, 2].map((s) => rec("amcl", s, 0.5 + 0.01 * s));
  const b = [0, 1, 2].map((s) => rec("amcl", s, 0.4 + 0.01 * s + 0.001 * s * s));
  const c = compareRuns(a, b);
  assert.equal(c.rows.length, 1);
  assert.ok(Math.abs(c.rows[0].delta - (10 - (0 + 0.1 + 0.4) / 3)) < 1e-9);
  assert.equal(c.rows[0].outcome, "win");
});

import assert from "node:assert/strict";
import { pairedTTest, regularizedBeta, studentTCdf, summarize } from "../../reports/stats.ts";

Deno.test("summarize: mean and sample std", () => {
  const s = summarize([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
  assert.deepEqual(summarize([7]), { mean: 7, std: 0, n: 1 });
});

Deno.test("student t CDF matches closed forms for df = 1 and df = 2", () => {
  for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
    // df = 1 (Cauchy): F(t) = 1/2 + atan(t)/π
    assert.ok(Math.abs(studentTCdf(t, 1) - (0.5 + Math.atan(t) / Math.PI)) < 1e-10, `df1 t=${t}`);
    // df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t²))
    assert.ok(Math.abs(studentTCdf(t, 2) - (0.5 + t / (2 * Math.sqrt(2 + t * t)))) < 1e-10, `df2 t=${t}`);
  }
  // a table value: t_{0.975, 10} = 2.228
  assert.ok(Math.abs(studentTCdf(2.228138852, 10) - 0.975) < 1e-6);
  assert.ok(Math.abs(regularizedBeta(0.3, 2, 3) - 0.3483) < 1e-4); // I_0.3(2,3) = 0.3483
});

Deno.test("paired t-test against a hand-computed case", () => {
  // differences 1, 2, 3: mean 2, sd 1, t = 2 / (1/√3) = 3.4641, df 2,
  // two-sided p = 1 − t/√(2 + t²) = 1 − 3.4641/√14 = 0.07418
  const t = pairedTTest([11, 12, 13], [10, 10, 10]);
  assert.equal(t.n, 3);
  assert.equal(t.df, 2);
  assert.ok(Math.abs(t.meanDiff - 2) < 1e-12);
  assert.ok(Math.abs(t.t - 2 * Math.sqrt(3)) < 1e-12);
  assert.ok(Math.abs(t.p - (1 - (2 * Math.sqrt(3)) / Math.sqrt(14))) < 1e-10);
  assert.ok(Math.abs(t.p - 0.07418) < 1e-5);
  // sign flips t, not p
  const u = pairedTTest([10, 10, 10], [11, 12, 13]);
  assert.ok(Math.abs(u.t + t.t) < 1e-12 && Math.abs(u.p - t.p) < 1e-12);
  // fewer than 2 pairs: no test
  assert.ok(Number.isNaN(pairedTTest([1], [0]).p));
  // identical nonzero differences: the limit p = 0
  assert.equal(pairedTTest([2, 3], [1, 2]).p, 0);
});

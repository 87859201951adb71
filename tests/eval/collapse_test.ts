import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { collapseInfo, effectiveRank, meanPairwiseCosine } from "../../eval/collapse.ts";
import { symmetricEigenvalues } from "../../eval/eigen.ts";
import type { FeatureMatrix } from "../../eval/features.ts";
import {
  histogram,
  shareAtTauMin,
  summarizeTemperatures,
  tauStats,
  temperatureCollapsed,
  temperatureHistograms,
} from "../../core/temperature_stats.ts";

await initBackend("cpu");

/** A random orthogonal n × n matrix (Gram–Schmidt on normals), row-major. */
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (let j = 0; j < i; j++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += v[k] * q[j * n + k];
      for (let k = 0; k < n; k++) v[k] -= d * q[j * n + k];
    }
    const norm = Math.hypot(...v);
    for (let k = 0; k < n; k++) q[i * n + k] = v[k] / norm;
  }
  return q;
}

/** Qᵀ diag(λ) Q. */
function withSpectrum(lambda: number[], q: Float64Array): Float64Array {
  const n = lambda.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k * n + i] * lambda[k] * q[k * n + j];
      a[i * n + j] = s;
    }
  }
  return a;
}

Deno.test("eigenvalues of a rotated known spectrum (with repeats, zeros and negatives)", () => {
  const rng = new Rng(3);
  const lambda = [5, 5, 2.5, 1, 0, 0, -3, 1e-3, 7, 0.5, 0.5, 12];
  const n = lambda.length;
  const got = symmetricEigenvalues(withSpectrum(lambda, randomOrthogonal(n, rng)), n);
  const want = [...lambda].sort((a, b) => a - b);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-9, `λ${i}: ${got[i]} vs ${want[i]}`);
});

Deno.test("eigenvalues: 1×1, 2×2 closed form, and a diagonal matrix", () => {
  assert.deepEqual(Array.from(symmetricEigenvalues([4], 1)), [4]);
  // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
  const two = symmetricEigenvalues([2, 1, 1, 2], 2);
  assert.ok(Math.abs(two[0] - 1) < 1e-12 && Math.abs(two[1] - 3) < 1e-12, `${two}`);
  const diag = symmetricEigenvalues([3, 0, 0, 0, -1, 0, 0, 0, 2], 3);
  assert.deepEqual(Array.from(diag, (v) => Math.round(v * 1e9) / 1e9), [-1, 2, 3]);
});

function matrix(rows: number[][]): FeatureMatrix {
  return { data: Float32Array.from(rows.flat()), n: rows.length, dim: rows[0].length };
}

Deno.test("effective rank: rank-1 features → 1, orthonormal rows → D, two equal directions → 2", () => {
  const rng = new Rng(9);
  const dir = Array.from({ length: 16 }, () => rng.normal());
  const rank1 = matrix(Array.from({ length: 50 }, (_, i) => dir.map((v) => v * (1 + i))));
  assert.ok(Math.abs(effectiveRank(rank1) - 1) < 1e-3, `rank-1: ${effectiveRank(rank1)}`);

  const d = 12;
  const q = randomOrthogonal(d, rng);
  const ortho = matrix(Array.from({ length: d }, (_, i) => Array.from(q.subarray(i * d, (i + 1) * d))));
  assert.ok(Math.abs(effectiveRank(ortho) - d) < 1e-3, `orthonormal: ${effectiveRank(ortho)}`);

  // Half the rows along e0, half along e1: singular values equal → effective rank 2.
  const two = matrix(Array.from({ length: 20 }, (_, i) => [i % 2 ? 1 : 0, i % 2 ? 0 : 3, 0, 0]));
  assert.ok(Math.abs(effectiveRank(two) - 2) < 1e-3, `two directions: ${effectiveRank(two)}`);

  // Fewer rows than dims takes the N×N Gram path: 3 orthonormal rows in 8 dims → 3.
  const wide = matrix([[1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 2, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, -1]]);
  assert.ok(Math.abs(effectiveRank(wide) - 3) < 1e-3, `wide: ${effectiveRank(wide)}`);
});

Deno.test("mean pairwise cosine: identical directions → 1, orthonormal → 0, ± pairs → known value", () => {
  assert.ok(Math.abs(meanPairwiseCosine(matrix([[1, 2], [2, 4], [0.5, 1]])) - 1) < 1e-6);
  assert.ok(Math.abs(meanPairwiseCosine(matrix([[1, 0, 0], [0, 3, 0], [0, 0, 2]]))) < 1e-12);
  // Rows u, −u: the only ordered pairs have cosine −1.
  assert.ok(Math.abs(meanPairwiseCosine(matrix([[1, 1], [-2, -2]])) + 1) < 1e-6);
  // Three rows at 0°, 90°, 45°: cosines 0, √½, √½ → mean √2/3.
  const got = meanPairwiseCosine(matrix([[1, 0], [0, 1], [1, 1]]));
  assert.ok(Math.abs(got - Math.SQRT2 / 3) < 1e-6, `${got}`);
});

Deno.test("temperature stats, share at tauMin, collapse flag and histograms", () => {
  const tauMin = 1e-5;
  const collapsed = [...Array(95).fill(tauMin), ...Array(5).fill(0.5)];
  assert.equal(shareAtTauMin(collapsed, tauMin), 0.95);
  assert.equal(temperatureCollapsed(collapsed, tauMin), true);
  // 1.01·tauMin counts as at tauMin, 1.02·tauMin does not.
  assert.equal(shareAtTauMin([tauMin * 1.0099, tauMin * 1.02], tauMin), 0.5);
  const healthy = [...Array(89).fill(tauMin), ...Array(11).fill(0.3)];
  assert.equal(temperatureCollapsed(healthy, tauMin), false);

  const s = tauStats([0.1, 0.2, 0.3, 0.4], tauMin);
  assert.ok(Math.abs(s.mean - 0.25) < 1e-12 && Math.abs(s.std - Math.sqrt(0.0125)) < 1e-12);
  assert.equal(s.min, 0.1);
  assert.equal(s.max, 0.4);
  assert.equal(s.atMin, 0);

  const sum = summarizeTemperatures(
    [{ pos: collapsed, neg: collapsed }, { pos: healthy, neg: healthy }],
    tauMin,
  );
  assert.equal(sum.tauPos.length, 2);
  assert.ok(Math.abs(sum.shareAtTauMin - 0.92) < 1e-12);
  assert.equal(sum.collapsed, true);

  const h = histogram([0, 0.1, 0.5, 0.99, 1, 2, -1], { bins: 2, min: 0, max: 1 });
  assert.deepEqual(h.edges, [0, 0.5, 1]);
  assert.deepEqual(h.counts, [3, 4]); // -1 clamps to the first bin, 2 to the last
  const th = temperatureHistograms(7, [{ pos: [1e-5, 1e-3, 2], neg: [0.1] }], { tauMin: 1e-5, tauMax: 2 }, 4);
  assert.equal(th.length, 2);
  assert.equal(th[0].kind, "pos");
  assert.equal(th[0].hist.counts.reduce((a, b) => a + b, 0), 3);
  assert.ok(Math.abs(th[0].hist.edges[0] - 1e-5) < 1e-12 && Math.abs(th[0].hist.edges[4] - 2) < 1e-9);
});

Deno.test("collapseInfo: collapsed heads and temperatures are flagged; baselines get null share", () => {
  const rng = new Rng(1);
  const dir = Array.from({ length: 8 }, () => rng.normal());
  const collapsedHead = matrix(Array.from({ length: 30 }, () => dir));
  const spread = matrix(Array.from({ length: 30 }, () => Array.from({ length: 8 }, () => rng.normal())));
  const amcl = collapseInfo([collapsedHead, spread], { values: Array(100).fill(1e-5), tauMin: 1e-5 });
  assert.equal(amcl.temperature, true);
  assert.equal(amcl.shareAtTauMin, 1);
  assert.ok(amcl.meanPairwiseCosine[0] > 0.999 && amcl.effectiveRank[0] < 1.01);
  assert.ok(amcl.meanPairwiseCosine[1] < 0.3 && amcl.effectiveRank[1] > 5);
  const base = collapseInfo([spread]);
  assert.equal(base.shareAtTauMin, null);
  assert.equal(base.temperature, false);
});

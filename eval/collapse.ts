/**
 * Representation-collapse indicators of spec amcl.md §8, for head (or backbone) features on
 * the test set: the mean pairwise cosine similarity and the effective rank.
 *
 * - Mean pairwise cosine: mean of `cos(x_i, x_j)` over all ordered pairs i ≠ j (≈ 1 when every
 *   feature points the same way). Computed in O(N·D) from the sum of the unit rows.
 * - Effective rank (Roy & Vetterli 2007): `exp(H(p))` with `p_i = σ_i / Σσ`, σ the singular
 *   values of the feature matrix (rows L2-normalised first, not centred). Rank-1 features give
 *   1; orthonormal rows give D. σ² are the eigenvalues of the Gram `XᵀX` (D × D, or `XXᵀ` when
 *   there are fewer rows than dims), found with {@link symmetricEigenvalues}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";
import type { CollapseInfo } from "./collapse_info.ts";
import { symmetricEigenvalues } from "./eigen.ts";
import type { FeatureMatrix } from "./features.ts";
import { shareAtTauMin, TEMPERATURE_COLLAPSE_SHARE } from "../core/temperature_stats.ts";

/** Rows of `m` divided by their L2 norms, in float64 (zero rows stay zero). */
function unitRows(m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.n * m.dim);
  for (let i = 0; i < m.n; i++) {
    let s = 0;
    const o = i * m.dim;
    for (let j = 0; j < m.dim; j++) s += m.data[o + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < m.dim; j++) out[o + j] = m.data[o + j] * inv;
  }
  return out;
}

/** Mean cosine similarity over all pairs of distinct rows (zero rows count as cosine 0). */
export function meanPairwiseCosine(m: FeatureMatrix): number {
  check(m.n >= 2, `mean pairwise cosine needs at least 2 rows, got ${m.n}`);
  const u = unitRows(m);
  const sum = new Float64Array(m.dim);
  let diag = 0;
  for (let i = 0; i < m.n; i++) {
    const o = i * m.dim;
    for (let j = 0; j < m.dim; j++) {
      sum[j] += u[o + j];
      diag += u[o + j] * u[o + j];
    }
  }
  let total = 0;
  for (let j = 0; j < m.dim; j++) total += sum[j] * sum[j];
  return (total - diag) / (m.n * (m.n - 1));
}

/** Above this many multiply-adds the Gram is computed in float32 with tfjs instead of float64 JS. */
const FLOAT64_GRAM_LIMIT = 4e9;

/**
 * The Gram matrix of the unit rows: `UᵀU` (D × D) or `UUᵀ` (N × N), whichever is smaller, in
 * float64 when affordable (exact zero eigenvalues stay ≈ 1e-16), else in float32 with tfjs
 * (zero eigenvalues come out ≈ 1e-6 of the largest); `floor` is the relative eigenvalue level
 * below which an eigenvalue is numerical noise.
 */
function gram(m: FeatureMatrix): { g: Float64Array; size: number; floor: number } {
  const u = unitRows(m);
  const byRows = m.n < m.dim;
  const size = byRows ? m.n : m.dim;
  const other = byRows ? m.dim : m.n;
  if ((other * size * size) / 2 <= FLOAT64_GRAM_LIMIT) {
    const g = new Float64Array(size * size);
    if (byRows) {
      for (let i = 0; i < m.n; i++) {
        for (let j = i; j < m.n; j++) {
          let acc = 0;
          for (let k = 0; k < m.dim; k++) acc += u[i * m.dim + k] * u[j * m.dim + k];
          g[i * size + j] = acc;
          g[j * size + i] = acc;
        }
      }
    } else {
      for (let r = 0; r < m.n; r++) {
        const o = r * m.dim;
        for (let a = 0; a < m.dim; a++) {
          const xa = u[o + a];
          if (xa === 0) continue;
          const row = a * size;
          for (let b = a; b < m.dim; b++) g[row + b] += xa * u[o + b];
        }
      }
      for (let a = 0; a < size; a++) for (let b = 0; b < a; b++) g[a * size + b] = g[b * size + a];
    }
    return { g, size, floor: 1e-12 };
  }
  const g = tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(u), [m.n, m.dim], "float32");
    if (byRows) return tf.matMul(x, tf.transpose(x)).dataSync();
    // Accumulate XᵀX over row blocks so only a [block, D] slice is transposed at a time.
    let acc: tf.Tensor2D = tf.zeros([m.dim, m.dim]);
    const block = 4096;
    for (let s = 0; s < m.n; s += block) {
      const xb = tf.slice(x, [s, 0], [Math.min(block, m.n - s), m.dim]);
      acc = tf.add(acc, tf.matMul(tf.transpose(xb), xb));
    }
    return acc.dataSync();
  });
  return { g: Float64Array.from(g), size, floor: 1e-5 };
}

/**
 * Effective rank of the feature matrix (rows L2-normalised): 1 for rank-1, D for orthonormal
 * rows. Eigenvalues of the Gram below its numerical noise floor (relative 1e-12 in float64,
 * 1e-5 for the large float32 path) count as zero.
 */
export function effectiveRank(m: FeatureMatrix): number {
  check(m.n >= 1 && m.dim >= 1, `effective rank needs a non-empty feature matrix, got ${m.n} × ${m.dim}`);
  const { g, size, floor } = gram(m);
  const eig = symmetricEigenvalues(g, size);
  const top = Math.max(0, ...eig);
  const sigma = Array.from(eig, (l) => (l > top * floor ? Math.sqrt(l) : 0));
  const total = sigma.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let h = 0;
  for (const s of sigma) {
    const p = s / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

/** Representation statistics of one set of features. */
export interface RepresentationStats {
  meanPairwiseCosine: number;
  effectiveRank: number;
  n: number;
  dim: number;
}

/** Mean pairwise cosine and effective rank of `m`. */
export function representationStats(m: FeatureMatrix): RepresentationStats {
  return { meanPairwiseCosine: meanPairwiseCosine(m), effectiveRank: effectiveRank(m), n: m.n, dim: m.dim };
}

/**
 * The record's collapse indicators (spec amcl.md §8) for a run: head features on the test set
 * (one matrix per head) and, for AMCL runs, the final temperatures (τ⁺ and τ⁻ of every head,
 * pooled) with tauMin. Baselines pass no temperatures: `shareAtTauMin` is then null and the
 * temperature flag false.
 */
export function collapseInfo(
  headFeatures: FeatureMatrix[],
  temperatures?: { values: ArrayLike<number>; tauMin: number },
): CollapseInfo {
  check(headFeatures.length > 0, "collapse indicators need the features of at least one head");
  const stats = headFeatures.map(representationStats);
  const share = temperatures ? shareAtTauMin(temperatures.values, temperatures.tauMin) : null;
  return {
    temperature: share !== null && share >= TEMPERATURE_COLLAPSE_SHARE,
    shareAtTauMin: share,
    meanPairwiseCosine: stats.map((s) => s.meanPairwiseCosine),
    effectiveRank: stats.map((s) => s.effectiveRank),
  };
}

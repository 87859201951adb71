/**
 * Statistics over seeds: mean and sample standard deviation, and the two-sided paired
 * t-test. Student's t CDF and the incomplete beta function come from stdlib
 * (`@stdlib/stats-base-dists-t-cdf`, `@stdlib/math-base-special-betainc`).
 *
 * @module
 */
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import betainc from "@stdlib/math-base-special-betainc";

/** Mean, sample standard deviation (n − 1) and count of a set of values. */
export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
  std: number;
  n: number;
}

/** Mean and sample standard deviation of `values` (NaN mean for an empty set). */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** Regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) return NaN;
  return betainc(x, a, b);
}

/** CDF of Student's t distribution with `df` degrees of freedom at `t`. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  return tCdf(t, df);
}

/** Result of a two-sided paired t-test of `a − b`. */
export interface PairedTTest {
  /** Number of pairs. */
  n: number;
  /** Mean of the differences a − b. */
  meanDiff: number;
  /** Sample standard deviation of the differences. */
  sdDiff: number;
  /** t statistic (NaN with fewer than 2 pairs). */
  t: number;
  /** Degrees of freedom, n − 1. */
  df: number;
  /** Two-sided p-value (NaN with fewer than 2 pairs). */
  p: number;
}

/**
 * Two-sided paired t-test on equal-length arrays (pair i = a[i], b[i]). With identical
 * differences (zero spread) the p-value is its limit: 1 when they are all 0, else 0.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTTest {
  if (a.length !== b.length) throw new Error(`pairedTTest: ${a.length} vs ${b.length} values`);
  const d = a.map((v, i) => v - b[i]);
  const s = summarize(d);
  const n = d.length;
  if (n < 2) return { n, meanDiff: s.mean, sdDiff: NaN, t: NaN, df: Math.max(0, n - 1), p: NaN };
  const df = n - 1;
  if (s.std === 0) {
    const t = s.mean === 0 ? 0 : Math.sign(s.mean) * Infinity;
    return { n, meanDiff: s.mean, sdDiff: 0, t, df, p: s.mean === 0 ? 1 : 0 };
  }
  const t = s.mean / (s.std / Math.sqrt(n));
  const p = 2 * tCdf(-Math.abs(t), df);
  return { n, meanDiff: s.mean, sdDiff: s.std, t, df, p: Math.min(1, Math.max(0, p)) };
}

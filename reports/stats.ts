/**
 * Statistics over seeds: mean and sample standard deviation, and the two-sided paired
 * t-test (Student's t CDF through the regularised incomplete beta function, written here
 * from the textbook definitions).
 *
 * @module
 */

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

/** Natural log of the gamma function (Lanczos approximation, g = 7, 9 terms). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) return NaN;
  if (x === 0) return 0;
  if (x === 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** CDF of Student's t distribution with `df` degrees of freedom at `t`. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
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
  const p = regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return { n, meanDiff: s.mean, sdDiff: s.std, t, df, p: Math.min(1, Math.max(0, p)) };
}

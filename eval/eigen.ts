/**
 * Eigenvalues of a real symmetric matrix, in plain JS (tfjs has no eigen solver), for the
 * effective rank of feature matrices.
 *
 * Method: Householder reduction to tridiagonal form (O(n³), eigenvalues only, no vectors),
 * then every eigenvalue by bisection on Sturm sequence counts (O(n²·iterations)), which is
 * simple, robust and accurate to a few ulps of the matrix norm. A 2048 × 2048 matrix takes
 * seconds; a Jacobi sweep would take minutes at that size.
 *
 * Custom on purpose: only symmetric eigenvalues in float64 are needed, in ~130 lines tested
 * against known spectra, where a linear-algebra package would bring a whole library.
 *
 * @module
 */

/**
 * Eigenvalues, ascending, of the symmetric `n × n` row-major matrix `a` (only symmetry is
 * assumed; `a` is not modified).
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`symmetricEigenvalues: ${a.length} values is not ${n} × ${n}`);
  if (n === 0) return new Float64Array(0);
  const { d, e } = tridiagonalize(Float64Array.from(a), n);
  return tridiagonalEigenvalues(d, e);
}

/**
 * Householder reduction of the symmetric matrix `a` (overwritten) to a tridiagonal matrix
 * with the same eigenvalues: diagonal `d` (length n) and sub-diagonal `e` (length n − 1).
 */
function tridiagonalize(a: Float64Array, n: number): { d: Float64Array; e: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    d[k] = a[k * n + k];
    const s = k + 1; // the trailing block starts at row/column s
    const m = n - s;
    let xnorm = 0;
    for (let i = 0; i < m; i++) xnorm += a[(s + i) * n + k] ** 2;
    xnorm = Math.sqrt(xnorm);
    if (xnorm === 0) {
      e[k] = 0;
      continue;
    }
    const x0 = a[s * n + k];
    const alpha = x0 >= 0 ? -xnorm : xnorm;
    // v = (x − alpha·e1) / ‖x − alpha·e1‖; H = I − 2vvᵀ maps x to alpha·e1.
    let vnorm = 0;
    for (let i = 0; i < m; i++) {
      v[i] = a[(s + i) * n + k] - (i === 0 ? alpha : 0);
      vnorm += v[i] * v[i];
    }
    vnorm = Math.sqrt(vnorm);
    for (let i = 0; i < m; i++) v[i] /= vnorm;
    // p = S·v, K = vᵀp, w = p − K·v; H S H = S − 2(v wᵀ + w vᵀ).
    let kk = 0;
    for (let i = 0; i < m; i++) {
      let acc = 0;
      const row = (s + i) * n + s;
      for (let j = 0; j < m; j++) acc += a[row + j] * v[j];
      p[i] = acc;
      kk += v[i] * acc;
    }
    for (let i = 0; i < m; i++) p[i] -= kk * v[i];
    for (let i = 0; i < m; i++) {
      const row = (s + i) * n + s;
      const vi = v[i];
      const wi = p[i];
      for (let j = 0; j < m; j++) a[row + j] -= 2 * (vi * p[j] + wi * v[j]);
    }
    e[k] = alpha;
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + (n - 2)];
    e[n - 2] = a[(n - 1) * n + (n - 2)];
  }
  d[n - 1] = a[(n - 1) * n + (n - 1)];
  return { d, e };
}

/** Eigenvalues, ascending, of the symmetric tridiagonal matrix (d, e) by Sturm bisection. */
function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  const e2 = new Float64Array(n - 1);
  let lo = Infinity;
  let hi = -Infinity;
  let maxE2 = 0;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0);
    lo = Math.min(lo, d[i] - r);
    hi = Math.max(hi, d[i] + r);
    if (i < n - 1) {
      e2[i] = e[i] * e[i];
      maxE2 = Math.max(maxE2, e2[i]);
    }
  }
  const scale = Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE);
  const pivmin = Math.max(Number.MIN_VALUE * 1e10, maxE2 * 1e-300);
  lo -= 2 * Number.EPSILON * scale;
  hi += 2 * Number.EPSILON * scale;
  // Number of eigenvalues strictly below x (negative pivots of LDLᵀ of T − xI).
  const below = (x: number): number => {
    let count = 0;
    let q = d[0] - x;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
    for (let i = 1; i < n; i++) {
      q = d[i] - x - e2[i - 1] / q;
      if (Math.abs(q) < pivmin) q = -pivmin;
      if (q < 0) count++;
    }
    return count;
  };
  const out = new Float64Array(n);
  const tol = 4 * Number.EPSILON * scale;
  for (let j = 0; j < n; j++) {
    // The (j+1)-th smallest eigenvalue lies in [a, b]: below(a) ≤ j < below(b).
    let a = j > 0 ? out[j - 1] : lo;
    let b = hi;
    if (below(a) > j) a = lo;
    for (let it = 0; it < 200 && b - a > tol; it++) {
      const mid = 0.5 * (a + b);
      if (mid === a || mid === b) break;
      if (below(mid) > j) b = mid;
      else a = mid;
    }
    out[j] = 0.5 * (a + b);
  }
  return out;
}

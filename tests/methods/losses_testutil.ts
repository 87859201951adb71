/**
 * Helpers for the loss tests: seeded random inputs and φ, and a finite-difference
 * directional-derivative check suited to float32.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../../core/random.ts";
import type { PhiParams } from "../../methods/losses/mod.ts";

/** A seeded normal tensor. */
export function randn(rng: Rng, shape: number[], std = 1): tf.Tensor {
  return tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1), std), shape, "float32");
}

/** A seeded φ: R^dim → R^dim with `hidden` units. */
export function randPhi(rng: Rng, dim: number, hidden: number, std = 0.5): PhiParams {
  return {
    w1: randn(rng, [dim, hidden], std) as tf.Tensor2D,
    b1: randn(rng, [hidden], 0.1) as tf.Tensor1D,
    w2: randn(rng, [hidden, dim], std) as tf.Tensor2D,
    b2: randn(rng, [dim], 0.1) as tf.Tensor1D,
  };
}

/** φ as a flat list [w1, b1, w2, b2]. */
export function phiList(p: PhiParams): tf.Tensor[] {
  return [p.w1, p.b1, p.w2, p.b2];
}

/** φ from a list [w1, b1, w2, b2]. */
export function phiFrom(t: tf.Tensor[]): PhiParams {
  return {
    w1: t[0] as tf.Tensor2D,
    b1: t[1] as tf.Tensor1D,
    w2: t[2] as tf.Tensor2D,
    b2: t[3] as tf.Tensor1D,
  };
}

/** Result of one directional check. */
export interface FdResult {
  analytic: number;
  numeric: number;
  /** Absolute error the float32 evaluation allows: rounding of f over 2h, and 0.1% of ‖∇f‖. */
  noise: number;
}

/**
 * Compares ⟨∇f(x), v⟩ with (f(x + h·v) − f(x − h·v)) / 2h for `dirs` random unit
 * directions v over all of `xs` (only the indices in `wrt`, default all). In float32 the
 * central difference carries a rounding error of about |f|·ε/h (ε = 6e-8), reported as
 * `noise` together with 0.1% of ‖∇f‖ (truncation, and directions nearly orthogonal to ∇f).
 */
export function fdCheck(
  f: (xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
  rng: Rng,
  opts: { dirs?: number; h?: number; wrt?: number[] } = {},
): FdResult[] {
  const dirs = opts.dirs ?? 3;
  const h = opts.h ?? 3e-3;
  const wrt = opts.wrt ?? xs.map((_, i) => i);
  const grads = tf.tidy(() => tf.grads((...t: tf.Tensor[]) => f(t))(xs));
  const gData = grads.map((g) => g.dataSync().slice());
  const f0 = tf.tidy(() => Math.abs(f(xs).dataSync()[0]));
  let gNorm = 0;
  gData.forEach((g, i) => wrt.includes(i) && g.forEach((x) => gNorm += x * x));
  const noise = 20 * Math.max(f0, 1) * 6e-8 / h + 1e-3 * Math.sqrt(gNorm);
  grads.forEach((g) => g.dispose());
  const out: FdResult[] = [];
  for (let d = 0; d < dirs; d++) {
    const vs = xs.map((x, i) => wrt.includes(i) ? rng.normals(x.size) : new Float32Array(x.size));
    const norm = Math.sqrt(vs.reduce((s, v) => s + v.reduce((a, b) => a + b * b, 0), 0));
    vs.forEach((v) => v.forEach((_, j) => v[j] /= norm));
    let analytic = 0;
    vs.forEach((v, i) => v.forEach((vj, j) => analytic += vj * gData[i][j]));
    const at = (sign: number) =>
      tf.tidy(() => {
        const shifted = xs.map((x, i) => tf.add(x, tf.mul(tf.tensor(vs[i], x.shape), sign * h)));
        return f(shifted).dataSync()[0];
      });
    out.push({ analytic, numeric: (at(1) - at(-1)) / (2 * h), noise });
  }
  return out;
}

/** Asserts every directional check agrees to `rtol` of the larger magnitude plus the float32 noise. */
export function assertFd(results: FdResult[], rtol = 1e-2): void {
  for (const r of results) {
    const scale = Math.max(Math.abs(r.analytic), Math.abs(r.numeric));
    if (!(Math.abs(r.analytic - r.numeric) <= rtol * scale + r.noise)) {
      throw new Error(`finite-difference mismatch: analytic ${r.analytic}, numeric ${r.numeric}`);
    }
  }
}

/** The float32 value of a scalar loss (and disposes it). */
export function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

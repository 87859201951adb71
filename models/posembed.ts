/**
 * Fixed sine-cosine embeddings: the ViT's 2-D position embedding (MAE's construction) and a
 * 1-D embedding of scalars (positions, or CAN's noise level σ).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";

/**
 * 1-D sin-cos embedding of `values` into `dim` numbers (dim even): with
 * `ω_k = 10000^(−k/(dim/2))`, k = 0..dim/2−1, the first half is `sin(v·ω_k)` and the second
 * half `cos(v·ω_k)`. Returns a row-major Float32Array [values.length, dim].
 */
export function sincos1dValues(values: ArrayLike<number>, dim: number): Float32Array {
  check(dim % 2 === 0 && dim > 0, `sin-cos embedding size ${dim} must be even and positive`);
  const half = dim / 2;
  const out = new Float32Array(values.length * dim);
  for (let i = 0; i < values.length; i++) {
    for (let k = 0; k < half; k++) {
      const omega = 1 / Math.pow(10000, k / half);
      const a = values[i] * omega;
      out[i * dim + k] = Math.sin(a);
      out[i * dim + half + k] = Math.cos(a);
    }
  }
  return out;
}

/**
 * 1-D sin-cos embedding of a tensor of scalars [N] → [N, dim], differentiable (used to embed
 * CAN's per-sample noise level σ).
 */
export function sincos1d(values: tf.Tensor1D, dim: number): tf.Tensor2D {
  check(dim % 2 === 0 && dim > 0, `sin-cos embedding size ${dim} must be even and positive`);
  const half = dim / 2;
  const omega = new Float32Array(half);
  for (let k = 0; k < half; k++) omega[k] = 1 / Math.pow(10000, k / half);
  return tf.tidy(() => {
    const a = tf.mul(tf.reshape(values, [-1, 1]), tf.tensor2d(omega, [1, half]));
    return tf.concat([tf.sin(a), tf.cos(a)], 1) as tf.Tensor2D;
  });
}

/**
 * 2-D sin-cos position embedding for a gh × gw patch grid (row-major), as MAE builds it:
 * the first dim/2 numbers embed the patch's column index, the last dim/2 its row index,
 * each with {@link sincos1dValues}. With `classToken`, a row of zeros comes first.
 * Returns [(classToken ? 1 : 0) + gh·gw, dim]; `dim` must be a multiple of 4.
 */
export function sincos2d(dim: number, gh: number, gw: number, classToken: boolean): tf.Tensor2D {
  check(dim % 4 === 0, `2-D sin-cos position embedding needs a width divisible by 4, got ${dim}`);
  const half = dim / 2;
  const cols: number[] = [], rows: number[] = [];
  for (let r = 0; r < gh; r++) {
    for (let c = 0; c < gw; c++) {
      rows.push(r);
      cols.push(c);
    }
  }
  const ec = sincos1dValues(cols, half), er = sincos1dValues(rows, half);
  const lead = classToken ? 1 : 0;
  const out = new Float32Array((lead + gh * gw) * dim);
  for (let i = 0; i < gh * gw; i++) {
    out.set(ec.subarray(i * half, (i + 1) * half), (lead + i) * dim);
    out.set(er.subarray(i * half, (i + 1) * half), (lead + i) * dim + half);
  }
  return tf.tensor2d(out, [lead + gh * gw, dim]);
}

/**
 * Multi-head plumbing: split [B, C, D] into C matrices [B, D] (Slice, whose gradient is
 * Pad on every backend; tfjs' Unpack gradient breaks for a single output) and sum per-head losses (heads are summed, never averaged:
 * spec amcl.md §4, §5).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** The C head matrices [B, D] of a [B, C, D] tensor. */
export function splitHeads(x: tf.Tensor): tf.Tensor2D[] {
  const [b, c, d] = x.shape;
  return Array.from(
    { length: c },
    (_, i) => tf.reshape(tf.slice(x, [0, i, 0], [b, 1, d]), [b, d!]) as tf.Tensor2D,
  );
}

/** The C matrices [D, K] of a [C, D, K] tensor (a MoCo queue). */
export function splitFirst(x: tf.Tensor): tf.Tensor2D[] {
  const [c, d, k] = x.shape;
  return Array.from(
    { length: c },
    (_, i) => tf.reshape(tf.slice(x, [i, 0, 0], [1, d, k]), [d, k!]) as tf.Tensor2D,
  );
}

/** [B, C, D] → [C, B, D]: the heads as a leading batch axis (one batched op serves every head). */
export function headsFirst(x: tf.Tensor): tf.Tensor3D {
  return tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
}

/** Head 1 alone, [1, N, D], of a heads-first [C, N, D] tensor (`tauFromHead = 1`). */
export function firstHead(x: tf.Tensor3D): tf.Tensor3D {
  return tf.slice(x, [0, 0, 0], [1, x.shape[1], x.shape[2]]);
}

/** Σ_c loss_c. */
export function sumHeads(losses: tf.Scalar[]): tf.Scalar {
  return (losses.length === 1 ? losses[0] : tf.addN(losses)) as tf.Scalar;
}

/**
 * The candidate mask of a two-view batch of 2B anchors (rows: view 1 then view 2): anchor
 * i's candidates are every j ≠ i, and also j ≠ (i + B) mod 2B (its positive) unless
 * `keepPositive`. Bool [2B, 2B].
 */
export function twoViewCandidates(batch: number, keepPositive: boolean): tf.Tensor2D {
  const n = 2 * batch;
  const data = new Uint8Array(n * n).fill(1);
  for (let i = 0; i < n; i++) {
    data[i * n + i] = 0;
    if (!keepPositive) data[i * n + ((i + batch) % n)] = 0;
  }
  return tf.tensor2d(data, [n, n], "bool");
}

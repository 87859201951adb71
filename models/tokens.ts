/**
 * Per-sample selection and placement of tokens, written as one-hot batched matrix products
 * so that they are exact (each output is one input times 1) and differentiable on every
 * backend (the wasm backend has no `UnsortedSegmentSum`, which `tf.gather`'s gradient needs).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** One-hot selection matrix [N, K, L] (float32) for per-sample indices [N, K] into L positions. */
export function selectionMatrix(index: tf.Tensor2D, length: number): tf.Tensor3D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(index, "int32"), length), "float32") as tf.Tensor3D);
}

/**
 * Picks tokens per sample: `out[n, k] = x[n, index[n, k]]`.
 *
 * @param x tokens [N, L, D]
 * @param index int32 [N, K], values in [0, L)
 * @returns [N, K, D]
 */
export function gatherTokens(x: tf.Tensor3D, index: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.matMul(selectionMatrix(index, x.shape[1]), x));
}

/**
 * Places tokens per sample into a sequence of `length` positions: `out[n, index[n, k]] =
 * x[n, k]`, zeros at the positions `index` does not name. Indices must be distinct per row.
 *
 * @param x tokens [N, K, D]
 * @param index int32 [N, K]
 * @returns [N, length, D]
 */
export function scatterTokens(x: tf.Tensor3D, index: tf.Tensor2D, length: number): tf.Tensor3D {
  return tf.tidy(() => tf.matMul(selectionMatrix(index, length), x, true, false));
}

/** 1 at the positions named by `index` [N, K], 0 elsewhere: float32 [N, length]. */
export function indicator(index: tf.Tensor2D, length: number): tf.Tensor2D {
  return tf.tidy(() => tf.sum(selectionMatrix(index, length), 1) as tf.Tensor2D);
}

/**
 * L2 normalisation along the last axis: `n(v) = v / max(‖v‖₂, 1e-12)` (the reference's
 * `F.normalize`), differentiable on every backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Row-wise L2 normalisation of a [N, D] matrix. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), 1, true);
    return tf.div(x, tf.sqrt(tf.maximum(sq, 1e-24)));
  });
}

/** Row-wise dot product of two [N, D] matrices → [N]. */
export function rowDot(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(a, b), 1);
}

/**
 * L2 normalisation along the last axis, `n(v) = v / max(‖v‖₂, 1e-12)` (the reference's
 * `F.normalize`): the one definition shared by the losses, the methods' key encoders and
 * the evaluation (kNN bank, similarity). Written as `√max(Σv², 1e-24)` so that its
 * gradient stays finite at an all-zero vector on every backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** `x` with every vector along its last axis scaled to unit length (zero vectors stay zero). */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), -1, true);
    return tf.div(x, tf.sqrt(tf.maximum(sq, 1e-24))) as T;
  });
}

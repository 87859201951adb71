/**
 * L2 normalisation over the last axis of any tensor (keys [B, C, D], CAN/LGP projections),
 * with a small floor on the norm so an all-zero vector stays finite.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** `x / max(‖x‖₂, 1e-12)` over the last axis. */
export function l2NormalizeLast<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 2, -1, true), 1e-12)) as T);
}

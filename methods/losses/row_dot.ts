/**
 * The row-wise dot product the losses take of unit vectors (cosine similarity of matched
 * rows); the normalisation itself is core/l2_normalize.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Row-wise dot product of two [N, D] matrices → [N]. */
export function rowDot(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(a, b), 1);
}

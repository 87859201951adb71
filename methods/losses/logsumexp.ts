/**
 * Row-wise log-sum-exp over the valid entries of a matrix, stable (the row maximum is
 * subtracted off the gradient tape, which leaves the gradient exact: softmax weights).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { offTape } from "./stop_gradient.ts";

/** log Σ_{j valid} exp(x_ij) for each row i of x [M, N]; `valid` bool [M, N] or null = all. */
export function maskedLogSumExp(x: tf.Tensor2D, valid: tf.Tensor2D | null): tf.Tensor1D {
  return tf.tidy(() => {
    const xv = valid ? tf.where(valid, x, tf.fill(x.shape, -1e30)) : x;
    const mx = offTape(() => tf.max(xv, 1, true));
    const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(xv, mx)), 1, true)), mx);
    return tf.reshape(lse, [x.shape[0]]) as tf.Tensor1D;
  });
}

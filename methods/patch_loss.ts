/**
 * The patch-wise mean squared error of MAE-style methods (CAN, LGP's MAE stage): the MSE of
 * each patch's predicted pixels, averaged over the patches a 0/1 weight selects (masked
 * patches for reconstruction, visible ones for CAN's denoising), and MAE's per-patch
 * normalised pixel targets.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * `Σ_{n,l} w_nl · mean_p (pred − target)² / Σ w` for pred, target [N, L, P] and weights
 * w [N, L] (0 when nothing is selected).
 */
export function maskedPatchMse(pred: tf.Tensor3D, target: tf.Tensor3D, weight: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perPatch = tf.mean(tf.square(tf.sub(pred, target)), -1);
    return tf.div(tf.sum(tf.mul(perPatch, weight)), tf.maximum(tf.sum(weight), 1)) as tf.Scalar;
  });
}

/** MAE's normalised pixels: each patch minus its mean over its (unbiased) std, eps 1e-6. */
export function normalizePatches(patches: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const n = patches.shape[2];
    const { mean, variance } = tf.moments(patches, -1, true);
    const unbiased = tf.mul(variance, n / Math.max(1, n - 1));
    return tf.div(tf.sub(patches, mean), tf.sqrt(tf.add(unbiased, 1e-6))) as tf.Tensor3D;
  });
}

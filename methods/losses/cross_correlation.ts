/**
 * Barlow Twins' cross-correlation matrix (spec amcl.md §4; vectors README "barlow"): each
 * channel standardised over the batch with the **unbiased** std and ε added to the std,
 * then `C = xᵀy / B` (divide by B, not B − 1).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { crossGram } from "./products.ts";

/** (z − mean) / (std + 1e-9) per channel of z [B, D], std unbiased (÷ (B − 1)). */
export function standardize(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const b = z.shape[0];
    const centred = tf.sub(z, tf.mean(z, 0, true));
    const std = tf.sqrt(tf.div(tf.sum(tf.square(centred), 0, true), b - 1));
    return tf.div(centred, tf.add(std, 1e-9)) as tf.Tensor2D;
  });
}

/** C = standardize(z1)ᵀ · standardize(z2) / B, a [D, D] matrix. */
export function crossCorrelation(z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(crossGram(standardize(z1), standardize(z2)), z1.shape[0]) as tf.Tensor2D);
}

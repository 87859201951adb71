/**
 * Barlow Twins' cross-correlation matrix (spec amcl.md §4; vectors README "barlow"): each
 * channel standardised over the batch with the **unbiased** std and ε added to the std,
 * then `C = xᵀy / B` (divide by B, not B − 1).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { crossGram } from "./products.ts";

/** (z − mean) / (std + 1e-9) per channel of z [B, D] (or of each [B, D] of [C, B, D]), std unbiased (÷ (B − 1)). */
export function standardize<T extends tf.Tensor2D | tf.Tensor3D>(z: T): T {
  return tf.tidy(() => {
    const b = z.shape[z.rank - 2];
    const centred = tf.sub(z, tf.mean(z, -2, true));
    const std = tf.sqrt(tf.div(tf.sum(tf.square(centred), -2, true), b - 1));
    return tf.div(centred, tf.add(std, 1e-9)) as T;
  });
}

/** C = standardize(z1)ᵀ · standardize(z2) / B, a [D, D] matrix (per head for [C, B, D]: [C, D, D]). */
export function crossCorrelation<T extends tf.Tensor2D | tf.Tensor3D>(z1: T, z2: T): T {
  return tf.tidy(() => tf.div(crossGram(standardize(z1), standardize(z2)), z1.shape[z1.rank - 2]) as T);
}

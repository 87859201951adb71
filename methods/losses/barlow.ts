/**
 * Barlow Twins' redundancy-reduction loss (spec amcl.md §4, paper Table 1; vectors README
 * "barlow"), per head on [:, c, :]:
 *
 *     L = Σ_l (1 − C_ll)² + λ Σ_l Σ_{m≠l} C_lm²,    C = cross-correlation of the
 *         batch-standardised projections (unbiased std, +1e-9 on the std), C = xᵀy / B
 *
 * **summed** over heads. Default λ = 5e-3.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
export { BARLOW_INFO } from "./formulas.ts";
import { crossCorrelation } from "./cross_correlation.ts";
import { splitHeads, sumHeads } from "./heads.ts";
import { checkNumber, checkViews } from "./validate.ts";
import type { LossOutput } from "./output.ts";

/** Options of {@link barlow}. */
export interface BarlowOptions {
  heads: number;
  /** Off-diagonal weight λ (default in the reference: 5e-3). */
  lambda: number;
}

/** The off-diagonal mask 1 − I of a [D, D] matrix. */
export function offDiagonal(d: number): tf.Tensor2D {
  return tf.tidy(() => tf.sub(1, tf.eye(d)) as tf.Tensor2D);
}

/** Barlow Twins on raw projections z1, z2 [B, C, D]; heads summed. */
export function barlow(z1: tf.Tensor, z2: tf.Tensor, opts: BarlowOptions): LossOutput {
  const { dim } = checkViews("barlow", { z1, z2 }, opts.heads, 2);
  checkNumber("barlow", "lambda", opts.lambda, 0, false);
  const loss = tf.tidy(() => {
    const eye = tf.eye(dim);
    const off = offDiagonal(dim);
    const h1 = splitHeads(z1);
    const h2 = splitHeads(z2);
    const losses = h1.map((a, c) => {
      const cm = crossCorrelation(a, h2[c]);
      const diag = tf.sum(tf.mul(cm, eye), 1);
      const onTerm = tf.sum(tf.square(tf.sub(1, diag)));
      const offTerm = tf.sum(tf.mul(tf.square(cm), off));
      return tf.add(onTerm, tf.mul(offTerm, opts.lambda)) as tf.Scalar;
    });
    return sumHeads(losses);
  });
  return { loss };
}

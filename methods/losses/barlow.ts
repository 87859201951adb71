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
import { diagonal } from "../../core/kernels/diagonal.ts";
import { splitHeads, sumHeads } from "./heads.ts";
import { checkNumber, checkViews } from "./validate.ts";
import type { LossOutput } from "./output.ts";

/** Options of {@link barlow}. */
export interface BarlowOptions {
  heads: number;
  /** Off-diagonal weight λ (default in the reference: 5e-3). */
  lambda: number;
}

/** Barlow Twins on raw projections z1, z2 [B, C, D]; heads summed. */
export function barlow(z1: tf.Tensor, z2: tf.Tensor, opts: BarlowOptions): LossOutput {
  checkViews("barlow", { z1, z2 }, opts.heads, 2);
  checkNumber("barlow", "lambda", opts.lambda, 0, false);
  const loss = tf.tidy(() => {
    const h1 = splitHeads(z1);
    const h2 = splitHeads(z2);
    const losses = h1.map((a, c) => {
      const cm = crossCorrelation(a, h2[c]);
      const diag = diagonal(cm);
      const onTerm = tf.sum(tf.square(tf.sub(1, diag)));
      // Σ_{l≠m} C_lm² = Σ C² − Σ_l C_ll²: no pass of a [D, D] mask (forward or backward).
      const offTerm = tf.sub(tf.sum(tf.square(cm)), tf.sum(tf.square(diag)));
      return tf.add(onTerm, tf.mul(offTerm, opts.lambda)) as tf.Scalar;
    });
    return sumHeads(losses);
  });
  return { loss };
}

/**
 * SimSiam's symmetric negative cosine with stop-gradient (spec amcl.md §4, paper Table 1;
 * vectors README "simsiam"):
 *
 *     L = −½ mean_i cos(p1_i, sg(z2_i)) − ½ mean_i cos(p2_i, sg(z1_i))
 *
 * p = predictor output, z = projector output, sg = stop-gradient (the z's get zero
 * gradient); with C heads, the **sum** over heads.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
export { SIMSIAM_INFO } from "./formulas.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { splitHeads, sumHeads } from "./heads.ts";
import { stopGradient } from "./stop_gradient.ts";
import { checkViews } from "./validate.ts";
import type { LossOutput } from "./output.ts";

/** Options of {@link simsiam}. */
export interface SimsiamOptions {
  heads: number;
}

/** SimSiam loss on raw p1, z2, p2, z1 [B, C, D]; z's stop-gradient; heads summed. */
export function simsiam(
  p1: tf.Tensor,
  z2: tf.Tensor,
  p2: tf.Tensor,
  z1: tf.Tensor,
  opts: SimsiamOptions,
): LossOutput {
  checkViews("simsiam", { p1, z2, p2, z1 }, opts.heads);
  const loss = tf.tidy(() => {
    const [hp1, hz2, hp2, hz1] = [p1, z2, p2, z1].map(splitHeads);
    const losses = hp1.map((_, c) => {
      const a = tf.mean(rowDot(l2Normalize(hp1[c]), l2Normalize(stopGradient(hz2[c]))));
      const b = tf.mean(rowDot(l2Normalize(hp2[c]), l2Normalize(stopGradient(hz1[c]))));
      return tf.mul(tf.add(a, b), -0.5) as tf.Scalar;
    });
    return sumHeads(losses);
  });
  return { loss };
}

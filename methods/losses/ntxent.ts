/**
 * NT-Xent, the SimCLR loss (spec amcl.md §4, paper Table 1; vectors README "ntxent"):
 * over the 2B L2-normalised views of a batch, anchor i with positive i⁺ (the other view of
 * the same image) and the 2B − 2 other images' views as negatives,
 *
 *     ℓ_i = −log( e^{s(z_i, z_i⁺)/T} / ( e^{s(z_i, z_i⁺)/T} + Σ_{n} e^{s(z_i, z_n)/T} ) )
 *
 * mean over the 2B anchors; with C heads, the **sum** over heads of that loss on
 * `[:, c, :]` (spec §4, our reading). Default T = 0.5 (SimCLR).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { gramSelf } from "./products.ts";
export { NTXENT_INFO } from "./formulas.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { splitHeads, sumHeads, twoViewCandidates } from "./heads.ts";
import { maskedLogSumExp } from "./logsumexp.ts";
import { checkNumber, checkViews } from "./validate.ts";
import {
  type HeadTemperatures,
  keepTemperatures,
  type LossOutput,
  type TemperatureRequest,
} from "./output.ts";

/** Options of {@link ntxent}. */
export interface NtxentOptions extends TemperatureRequest {
  /** Number of heads C of the inputs. */
  heads: number;
  /** The fixed temperature T (SimCLR default 0.5). */
  temperature: number;
}

/** The two-view softmax loss with the positive in the denominator (shared by NT-Xent and InfoNCE). */
export function twoViewSoftmaxLoss(
  loss: string,
  z1: tf.Tensor,
  z2: tf.Tensor,
  opts: NtxentOptions,
): LossOutput {
  const { batch } = checkViews(loss, { z1, z2 }, opts.heads, 2);
  checkNumber(loss, "temperature", opts.temperature, 0, true);
  const t = opts.temperature;
  const temps: HeadTemperatures[] = [];
  const out = tf.tidy(() => {
    const valid = twoViewCandidates(batch, true); // every j ≠ i (the positive included)
    const h1 = splitHeads(z1);
    const h2 = splitHeads(z2);
    const losses = h1.map((a, c) => {
      const n1 = l2Normalize(a);
      const n2 = l2Normalize(h2[c]);
      const z = tf.concat([n1, n2]);
      const pos = tf.div(rowDot(z, tf.concat([n2, n1])), t);
      const logits = tf.div(gramSelf(z), t) as tf.Tensor2D;
      if (opts.returnTemperatures) {
        temps.push({
          positive: tf.fill([2 * batch], t),
          negative: tf.fill([2 * batch * (2 * batch - 2)], t),
        });
      }
      return tf.mean(tf.sub(maskedLogSumExp(logits, valid), pos)) as tf.Scalar;
    });
    keepTemperatures(temps);
    return sumHeads(losses);
  });
  return opts.returnTemperatures ? { loss: out, temperatures: temps } : { loss: out };
}

/** NT-Xent (SimCLR) on raw projections z1, z2 [B, C, D]; heads summed. */
export function ntxent(z1: tf.Tensor, z2: tf.Tensor, opts: NtxentOptions): LossOutput {
  return twoViewSoftmaxLoss("ntxent", z1, z2, opts);
}

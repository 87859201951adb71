/**
 * MoCo v3's contrastive loss as LGP uses it (spec methods.md "LGP"; Chen, Xie, He, ICCV
 * 2021). Per head c, with q the online predictions and k the momentum-encoder projections
 * (both L2-normalised; the keys carry **no gradient**, detached here), the in-batch keys
 * are the candidates: key i is query i's positive, the other B − 1 keys its negatives:
 *
 *     ctr(q, k) = 2T · (1/B) Σ_i −log( e^{q_i·k_i/T} / Σ_{j=1}^{B} e^{q_i·k_j/T} )     = 2T·CE(q·kᵀ/T, diagonal)
 *     L = Σ_c [ ctr(q1^c, k2^c) + ctr(q2^c, k1^c) ]
 *
 * Unlike the two-view InfoNCE, a query's candidates are the keys only (no same-view
 * queries). T = 0.2 for LGP; heads **summed**.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { gramLazy } from "./products.ts";
export { MOCOV3_INFO } from "./formulas.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { splitHeads, sumHeads } from "./heads.ts";
import { maskedLogSumExp } from "./logsumexp.ts";
import { stopGradient } from "./stop_gradient.ts";
import { checkNumber, checkViews } from "./validate.ts";
import {
  type HeadTemperatures,
  keepTemperatures,
  type LossOutput,
  type TemperatureRequest,
} from "./output.ts";

/** Options of {@link mocov3}. */
export interface Mocov3Options extends TemperatureRequest {
  heads: number;
  /** The fixed temperature T (LGP: 0.2). */
  temperature: number;
}

/**
 * MoCo v3 loss: q1, q2 (online predictions of views 1, 2) and k1, k2 (momentum projections)
 * all [B, C, D] raw; heads summed; k1, k2 receive zero gradient.
 */
export function mocov3(
  q1: tf.Tensor,
  q2: tf.Tensor,
  k1: tf.Tensor,
  k2: tf.Tensor,
  opts: Mocov3Options,
): LossOutput {
  const { batch } = checkViews("mocov3", { q1, q2, k1, k2 }, opts.heads, 2);
  checkNumber("mocov3", "temperature", opts.temperature, 0, true);
  const t = opts.temperature;
  const temps: HeadTemperatures[] = [];
  const out = tf.tidy(() => {
    const dirs = [[q1, k2], [q2, k1]].map(([q, k]) => ({
      qs: splitHeads(q).map(l2Normalize),
      ks: splitHeads(stopGradient(k)).map(l2Normalize),
    }));
    const losses = dirs[0].qs.map((_, c) => {
      const ctr = dirs.map(({ qs, ks }) => {
        const logits = tf.div(gramLazy(qs[c], ks[c]), t) as tf.Tensor2D;
        const pos = tf.div(rowDot(qs[c], ks[c]), t);
        return tf.mul(tf.mean(tf.sub(maskedLogSumExp(logits, null), pos)), 2 * t);
      });
      if (opts.returnTemperatures) {
        temps.push({ positive: tf.fill([2 * batch], t), negative: tf.fill([2 * batch * (batch - 1)], t) });
      }
      return tf.add(ctr[0], ctr[1]) as tf.Scalar;
    });
    keepTemperatures(temps);
    return sumHeads(losses);
  });
  return opts.returnTemperatures ? { loss: out, temperatures: temps } : { loss: out };
}

/**
 * MoCo's InfoNCE against a queue, one direction (spec amcl.md §4, paper Table 1; vectors
 * README "moco"): q from the query encoder on view 1, k from the momentum encoder on view 2,
 * queue keys key_j, all L2-normalised,
 *
 *     ℓ_i = −log( e^{q_i·k_i/T} / ( e^{q_i·k_i/T} + Σ_j e^{q_i·key_j/T} ) ),   mean over B
 *
 * per head (queue [C, D, K], column j of head c is key j), **summed** over heads. Nothing
 * is detached here: in training k and the queue are constants anyway. Default T = 0.1.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { gramLazy } from "./products.ts";
import { check } from "../../core/errors.ts";
export { MOCO_INFO } from "./formulas.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { splitFirst, splitHeads, sumHeads } from "./heads.ts";
import { maskedLogSumExp } from "./logsumexp.ts";
import { checkNumber, checkViews, fmtShape } from "./validate.ts";
import {
  type HeadTemperatures,
  keepTemperatures,
  type LossOutput,
  type TemperatureRequest,
} from "./output.ts";

/** Options of {@link moco}. */
export interface MocoOptions extends TemperatureRequest {
  heads: number;
  /** The fixed temperature T (MoCo default 0.1). */
  temperature: number;
}

/** Checks a queue [C, D, K] against the heads and dimension of the inputs; returns K. */
export function checkQueue(loss: string, queue: tf.Tensor, heads: number, dim: number): number {
  check(
    queue.rank === 3 && queue.shape[0] === heads && queue.shape[1] === dim && (queue.shape[2] ?? 0) >= 1,
    () =>
      `${loss}: queue has shape ${fmtShape(queue.shape)}; expected [${heads}, ${dim}, K] ` +
      `(heads, dim, queue length ≥ 1)`,
  );
  return queue.shape[2]!;
}

/** The normalised keys [K, D] of each head of a queue [C, D, K]. */
export function queueKeys(queue: tf.Tensor): tf.Tensor2D[] {
  return splitFirst(queue).map((kq) => l2Normalize(tf.transpose(kq)));
}

/** MoCo InfoNCE: q, k [B, C, D] raw, queue [C, D, K] raw; heads summed. */
export function moco(q: tf.Tensor, k: tf.Tensor, queue: tf.Tensor, opts: MocoOptions): LossOutput {
  const { batch, dim } = checkViews("moco", { q, k }, opts.heads);
  const size = checkQueue("moco", queue, opts.heads, dim);
  checkNumber("moco", "temperature", opts.temperature, 0, true);
  const t = opts.temperature;
  const temps: HeadTemperatures[] = [];
  const loss = tf.tidy(() => {
    const qs = splitHeads(q);
    const ks = splitHeads(k);
    const keys = queueKeys(queue);
    const losses = qs.map((qc, c) => {
      const qn = l2Normalize(qc);
      const kn = l2Normalize(ks[c]);
      const pos = tf.reshape(tf.div(rowDot(qn, kn), t), [batch, 1]);
      const neg = tf.div(gramLazy(qn, keys[c]), t);
      const logits = tf.concat([pos, neg], 1) as tf.Tensor2D;
      if (opts.returnTemperatures) {
        temps.push({ positive: tf.fill([batch], t), negative: tf.fill([batch * size], t) });
      }
      return tf.mean(tf.sub(maskedLogSumExp(logits, null), tf.reshape(pos, [batch]))) as tf.Scalar;
    });
    keepTemperatures(temps);
    return sumHeads(losses);
  });
  return opts.returnTemperatures ? { loss, temperatures: temps } : { loss };
}

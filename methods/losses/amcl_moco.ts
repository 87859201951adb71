/**
 * AMCL MoCo (spec amcl.md §5 "SimCLR, MoCo", paper Eq. 2.1 / Eq. 5; vectors README
 * "amcl_moco"). Per head c the negatives are that head's K queue keys (queue [C, D, K],
 * L2-normalised here), and both directions q → k and k → q are used against the same
 * queue; per anchor a with positive p:
 *
 *     ℓ = −s(a,p)/τ(a,p) + (1/k) Σ_{j∈S} s(a,key_j)/τ(a,key_j) + β Ω(τ(a,p)) − β Σ_{j∈S} (log τ_j + 1/τ_j)
 *
 * S = the k = min(κ, K) keys most similar to a. Mean over B per direction, mean of the two
 * directions, heads **summed**. Same switches as AMCL NT-Xent (form, negReg, spec §6).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { gram, gramLazy } from "./products.ts";
export { AMCL_MOCO_INFO } from "./formulas.ts";
import { amclContrast, type PairScores } from "./amcl_contrast.ts";
import { type AmclContrastOptions, resolveContrast } from "./amcl_options.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { checkQueue } from "./moco.ts";
import { firstHead, headsFirst } from "./heads.ts";
import { checkPhi, phiForward, type PhiParams, rowTemperatures } from "./temperature.ts";
import { checkViews } from "./validate.ts";
import { type HeadTemperatures, keepTemperatures, type LossOutput } from "./output.ts";

/** Options of {@link amclMoco}. */
export type AmclMocoOptions = AmclContrastOptions;

/** AMCL MoCo: q, k [B, C, D] raw, queue [C, D, K] raw, shared φ; heads summed. */
export function amclMoco(
  q: tf.Tensor,
  k: tf.Tensor,
  queue: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclMocoOptions,
): LossOutput {
  const loss = "amcl_moco";
  const { dim } = checkViews(loss, { q, k }, opts.heads);
  const size = checkQueue(loss, queue, opts.heads, dim);
  const { contrast, temp } = resolveContrast(loss, opts, dim);
  const f = checkPhi(loss, phi, dim, temp);
  const want = opts.returnTemperatures === true;
  const temps: HeadTemperatures[] = [];
  const out = tf.tidy(() => {
    // The heads as a leading batch axis, [C, ·, D]; amclContrast then sees every head's
    // anchors as rows [C·2B, ·] (it is row-wise), so each op runs once rather than C times.
    const heads = opts.heads, n = q.shape[0];
    const byHead = (x: tf.Tensor) => l2Normalize(headsFirst(x));
    const qn = byHead(q), kn = byHead(k);
    const anchors = tf.concat([qn, kn], 1);
    const rows = heads * 2 * n;
    const sPos = tf.reshape(tf.sum(tf.mul(anchors, tf.concat([kn, qn], 1)), -1), [rows]) as tf.Tensor1D;
    const keys = l2Normalize(tf.transpose(queue, [0, 2, 1])) as tf.Tensor3D; // [C, K, D]
    const sNeg = tf.reshape(gramLazy(anchors, keys), [rows, size]) as tf.Tensor2D;
    let tauPos: tf.Tensor1D | number = temp.positive as number;
    let tauNeg: PairScores | number = temp.negative as number;
    if (temp.positive === "adaptive" || temp.negative === "adaptive") {
      // φ of the heads the temperatures come from (head 1's for all when tauFromHead = 1).
      const from = temp.fromHead === 1 ? 1 : heads;
      const phiOf = (x: tf.Tensor3D) => {
        const rows = tf.reshape(from === heads ? x : firstHead(x), [-1, dim]) as tf.Tensor2D;
        return tf.reshape(phiForward(rows, f!), [from, -1, dim]) as tf.Tensor3D;
      };
      const pq = phiOf(qn), pk = phiOf(kn);
      const pa = tf.concat([pq, pk], 1);
      if (temp.positive === "adaptive") {
        const t = rowTemperatures(
          tf.reshape(pa, [from * 2 * n, dim]) as tf.Tensor2D,
          tf.reshape(tf.concat([pk, pq], 1), [from * 2 * n, dim]) as tf.Tensor2D,
          temp.tauMin,
          temp.tauMax,
        );
        tauPos = from === heads ? t : tf.tile(t, [heads]);
      }
      if (temp.negative === "adaptive") {
        const scores = gram(pa, phiOf(keys));
        const all = from === heads ? scores : tf.tile(scores, [heads, 1, 1]);
        tauNeg = {
          scores: tf.reshape(all, [rows, size]) as tf.Tensor2D,
          tauMin: temp.tauMin,
          tauMax: temp.tauMax,
        };
      }
    }
    const r = amclContrast({ sPos, tauPos, sNeg, tauNeg, valid: null, candidates: size }, contrast, want);
    if (r.temperatures) {
      const pos = tf.split(r.temperatures.positive, heads) as tf.Tensor1D[];
      const neg = tf.split(r.temperatures.negative!, heads) as tf.Tensor1D[];
      pos.forEach((positive, h) => temps.push({ positive, negative: neg[h] }));
    }
    keepTemperatures(temps);
    // amclContrast averages over all C·2B anchors; the heads are summed: × C.
    return tf.mul(r.loss, heads) as tf.Scalar;
  });
  return want ? { loss: out, temperatures: temps } : { loss: out };
}

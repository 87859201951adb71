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
import { amclContrast } from "./amcl_contrast.ts";
import { type AmclContrastOptions, resolveContrast } from "./amcl_options.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { splitHeads, sumHeads } from "./heads.ts";
import { checkQueue, queueKeys } from "./moco.ts";
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
    const qs = splitHeads(q).map(l2Normalize);
    const ks = splitHeads(k).map(l2Normalize);
    const keys = queueKeys(queue);
    let shared: { a: tf.Tensor2D; p: tf.Tensor2D; keys: tf.Tensor2D } | null = null;
    const phiOf = (c: number) => {
      if (temp.fromHead === 1 && shared) return shared;
      const src = temp.fromHead === 1 ? 0 : c;
      const pq = phiForward(qs[src], f!);
      const pk = phiForward(ks[src], f!);
      const r = { a: tf.concat([pq, pk]), p: tf.concat([pk, pq]), keys: phiForward(keys[src], f!) };
      if (temp.fromHead === 1) shared = r;
      return r;
    };
    const losses = qs.map((qn, c) => {
      const kn = ks[c];
      const anchors = tf.concat([qn, kn]);
      const sPos = rowDot(anchors, tf.concat([kn, qn]));
      const sNeg = gramLazy(anchors, keys[c]);
      const p = temp.positive === "adaptive" || temp.negative === "adaptive" ? phiOf(c) : null;
      const tauPos = temp.positive === "adaptive"
        ? rowTemperatures(p!.a, p!.p, temp.tauMin, temp.tauMax)
        : temp.positive;
      const tauNeg = temp.negative === "adaptive"
        ? { scores: gram(p!.a, p!.keys), tauMin: temp.tauMin, tauMax: temp.tauMax }
        : temp.negative;
      const r = amclContrast({ sPos, tauPos, sNeg, tauNeg, valid: null, candidates: size }, contrast, want);
      if (r.temperatures) temps.push(r.temperatures);
      return r.loss;
    });
    keepTemperatures(temps);
    return sumHeads(losses);
  });
  return want ? { loss: out, temperatures: temps } : { loss: out };
}

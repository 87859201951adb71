/**
 * AMCL NT-Xent, the SimCLR form of AMCL (spec amcl.md §5 "SimCLR, MoCo", paper Eq. 2.1 and
 * the top-κ form Eq. 5; vectors README "amcl_ntxent", "amcl_ntxent_softmax",
 * "amcl_ntxent_paperreg"). Per head c, per anchor (both views in turn; the negatives of an
 * anchor are the other B − 1 images' views from both views, 2B − 2 in all):
 *
 *     ℓ = −s⁺/τ⁺ + (1/k) Σ_{n∈S} s_n/τ_n + β Ω(τ⁺) − β Σ_{n∈S} (log τ_n + 1/τ_n)
 *
 * S = the k = min(κ, 2B − 2) negatives with the largest similarity, τ from φ on the
 * L2-normalised head features (spec §2), Ω(τ) = (d'/2) log τ + 1/τ. Each direction is the
 * mean over its B anchors, the head's loss the mean of the two directions (= the mean over
 * the 2B anchors), and heads are **summed**. `form: "softmax"` and `negReg: "paper"` switch
 * the negative term (see amcl_contrast.ts); the temperature switches are spec §6.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { gramSelf } from "./products.ts";
export { AMCL_NTXENT_INFO, AMCL_NTXENT_PAPERREG_INFO, AMCL_NTXENT_SOFTMAX_INFO } from "./formulas.ts";
import { amclContrast } from "./amcl_contrast.ts";
import { type AmclContrastOptions, resolveContrast } from "./amcl_options.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { splitHeads, sumHeads, twoViewCandidates } from "./heads.ts";
import { checkPhi, phiForward, type PhiParams, rowTemperatures } from "./temperature.ts";
import { checkViews } from "./validate.ts";
import { type HeadTemperatures, keepTemperatures, type LossOutput } from "./output.ts";

/** Options of {@link amclNtxent}. */
export type AmclNtxentOptions = AmclContrastOptions;

/**
 * The two-view AMCL loss: `positiveIsCandidate` false gives AMCL NT-Xent (negatives only),
 * true gives AMCL InfoNCE (the positive is also a top-κ candidate).
 */
export function amclTwoView(
  loss: string,
  z1: tf.Tensor,
  z2: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclContrastOptions,
  positiveIsCandidate: boolean,
): LossOutput {
  const { batch, dim } = checkViews(loss, { z1, z2 }, opts.heads, 2);
  const { contrast, temp } = resolveContrast(loss, opts, dim);
  const f = checkPhi(loss, phi, dim, temp);
  const temps: HeadTemperatures[] = [];
  const want = opts.returnTemperatures === true;
  const out = tf.tidy(() => {
    const valid = twoViewCandidates(batch, positiveIsCandidate);
    const candidates = positiveIsCandidate ? 2 * batch - 1 : 2 * batch - 2;
    const h1 = splitHeads(z1).map(l2Normalize);
    const h2 = splitHeads(z2).map(l2Normalize);
    // φ of the features each head's temperatures come from (head 1's for all when tauFromHead = 1).
    let shared: { phi: tf.Tensor2D; phiSwap: tf.Tensor2D } | null = null;
    const phiOf = (c: number) => {
      if (temp.fromHead === 1 && shared) return shared;
      const src = temp.fromHead === 1 ? 0 : c;
      const p1 = phiForward(h1[src], f!);
      const p2 = phiForward(h2[src], f!);
      const r = { phi: tf.concat([p1, p2]), phiSwap: tf.concat([p2, p1]) };
      if (temp.fromHead === 1) shared = r;
      return r;
    };
    const losses = h1.map((n1, c) => {
      const n2 = h2[c];
      const z = tf.concat([n1, n2]);
      const sPos = rowDot(z, tf.concat([n2, n1]));
      const sNeg = gramSelf(z);
      const p = temp.positive === "adaptive" || temp.negative === "adaptive" ? phiOf(c) : null;
      const tauPos = temp.positive === "adaptive"
        ? rowTemperatures(p!.phi, p!.phiSwap, temp.tauMin, temp.tauMax)
        : temp.positive;
      const tauNeg = temp.negative === "adaptive"
        ? { scores: gramSelf(p!.phi), tauMin: temp.tauMin, tauMax: temp.tauMax }
        : temp.negative;
      const r = amclContrast({ sPos, tauPos, sNeg, tauNeg, valid, candidates }, contrast, want);
      if (r.temperatures) temps.push(r.temperatures);
      return r.loss;
    });
    keepTemperatures(temps);
    return sumHeads(losses);
  });
  return want ? { loss: out, temperatures: temps } : { loss: out };
}

/**
 * AMCL NT-Xent on raw projections z1, z2 [B, C, D] with the shared temperature MLP φ
 * (null only when both sides use a constant τ).
 */
export function amclNtxent(
  z1: tf.Tensor,
  z2: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclNtxentOptions,
): LossOutput {
  return amclTwoView("amcl_ntxent", z1, z2, phi, opts, false);
}

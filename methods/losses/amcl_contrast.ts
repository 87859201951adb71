/**
 * The per-anchor AMCL contrastive term shared by AMCL NT-Xent (SimCLR), AMCL MoCo, AMCL
 * InfoNCE (CAN) and AMCL MoCo v3 (LGP): spec amcl.md §5, paper Eq. 2.1 and its top-κ form Eq. 5, the softmax
 * form (our reading) and the `negReg` switch of spec §8.
 *
 * For anchor i with positive similarity s⁺, temperature τ⁺, candidate negatives n with
 * similarity s_n and temperature τ_n, S the k = min(κ, #candidates) candidates with the
 * largest **similarity** s_n (not s_n/τ_n):
 *
 *     top-κ, negReg "code":   ℓ_i = −s⁺/τ⁺ + βΩ(τ⁺) + (1/k) Σ_{n∈S} s_n/τ_n − β Σ_{n∈S} (log τ_n + 1/τ_n)
 *     top-κ, negReg "paper":  ℓ_i = −s⁺/τ⁺ + βΩ(τ⁺) + (1/k) Σ_{n∈S} s_n/τ_n − β (1/k) Σ_{n∈S} Ω(τ_n)
 *     softmax, "code":        ℓ_i = −s⁺/τ⁺ + βΩ(τ⁺) + logsumexp_n(s_n/τ_n) − β Σ_n w_n (log τ_n + 1/τ_n)
 *     softmax, "paper":       ℓ_i = −s⁺/τ⁺ + βΩ(τ⁺) + logsumexp_n(s_n/τ_n) − β Σ_n w_n Ω(τ_n)
 *
 * with Ω(τ) = (d'/2) log τ + 1/τ and w = softmax_n(s_n/τ_n) (gradient flows through w).
 * The result is the mean of ℓ_i over the anchors. A constant-τ side drops its Ω terms
 * (they depend on no parameter; spec §6).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { omega, omegaNoScale } from "./omega.ts";
import { offTape, stopGradient } from "./stop_gradient.ts";
import { takePositions, topkPositions } from "./topk_take.ts";
import { boundTemperature } from "./temperature.ts";
import type { HeadTemperatures } from "./output.ts";

/** Negative-regulariser form (spec §8): the reference's ("code", default) or the paper's. */
export type NegReg = "code" | "paper";
/** Negative-term form: top-κ (paper Eq. 5, κ = 1 the max form) or softmax (our reading). */
export type ContrastForm = "topk" | "softmax";

/**
 * Adaptive temperatures of the candidate pairs, given by their scores r = ⟨φ(a), φ(n)⟩
 * [M, N]: τ = tauMin + (tauMax − tauMin)·sigmoid(−r) (spec §2), evaluated only where the
 * loss needs it (the top-κ picks, or every candidate for the softmax form).
 */
export interface PairScores {
  scores: tf.Tensor2D;
  tauMin: number;
  tauMax: number;
}

/** The similarities and temperatures of one head's anchors. */
export interface ContrastTerms {
  /** s⁺ per anchor [M]. */
  sPos: tf.Tensor1D;
  /** τ⁺ per anchor [M], or a constant. */
  tauPos: tf.Tensor1D | number;
  /** s_n per anchor and candidate [M, N]. */
  sNeg: tf.Tensor2D;
  /** τ_n per anchor and candidate, from their scores, or a constant. */
  tauNeg: PairScores | number;
  /** Which entries of sNeg are candidates (bool [M, N]); null = all. */
  valid: tf.Tensor2D | null;
  /** Number of candidates per anchor (the same for every anchor). */
  candidates: number;
}

/** The settings of the contrastive term. */
export interface ContrastSettings {
  beta: number;
  /** d' (the head dimension) for Ω's d'/2 factor. */
  dim: number;
  /** κ (top-κ form); clipped to the number of candidates. */
  topk: number;
  form: ContrastForm;
  negReg: NegReg;
}

/** The mean over anchors of ℓ_i, and (when asked) the temperatures that entered it. */
export function amclContrast(
  t: ContrastTerms,
  s: ContrastSettings,
  wantTemperatures: boolean,
): { loss: tf.Scalar; temperatures?: HeadTemperatures } {
  return tf.tidy(() => {
    const m = t.sPos.shape[0];
    // Positive: −s⁺/τ⁺ + βΩ(τ⁺).
    let pos: tf.Tensor1D = tf.neg(tf.div(t.sPos, t.tauPos));
    if (typeof t.tauPos !== "number" && s.beta !== 0) {
      pos = tf.add(pos, tf.mul(omega(t.tauPos, s.dim), s.beta));
    }
    const adaptiveNeg = typeof t.tauNeg !== "number" && s.beta !== 0;
    const regTerm = (tau: tf.Tensor2D) => s.negReg === "code" ? omegaNoScale(tau) : omega(tau, s.dim);
    const tauOf = (scores: tf.Tensor2D) => {
      const p = t.tauNeg as PairScores;
      return boundTemperature(scores, p.tauMin, p.tauMax);
    };
    let neg: tf.Tensor1D;
    let tauUsed: tf.Tensor2D | number;
    let k = t.candidates;
    if (s.form === "topk") {
      // Pick the κ most similar candidates once; everything after works on [M, κ].
      k = Math.min(s.topk, t.candidates);
      const at = topkPositions(t.sNeg, t.valid, k);
      const tau = typeof t.tauNeg === "number" ? t.tauNeg : tauOf(takePositions(t.tauNeg.scores, at, k));
      neg = tf.div(tf.sum(tf.div(takePositions(t.sNeg, at, k), tau), 1), k);
      if (adaptiveNeg) {
        let reg = tf.sum(regTerm(tau as tf.Tensor2D), 1);
        if (s.negReg === "paper") reg = tf.div(reg, k);
        neg = tf.sub(neg, tf.mul(reg, s.beta));
      }
      tauUsed = tau;
    } else {
      const tau = typeof t.tauNeg === "number" ? t.tauNeg : tauOf(t.tauNeg.scores);
      const x = tf.div(t.sNeg, tau) as tf.Tensor2D; // s_n / τ_n
      const xv = t.valid ? tf.where(t.valid, x, tf.fill(x.shape, -1e30)) : x;
      const mx = offTape(() => tf.max(xv, 1, true));
      const e = tf.exp(tf.sub(xv, mx));
      const z = tf.sum(e, 1, true);
      neg = tf.reshape(tf.add(tf.log(z), mx), [m]);
      if (adaptiveNeg) {
        const w = tf.div(e, z);
        neg = tf.sub(neg, tf.mul(tf.sum(tf.mul(w, regTerm(tau as tf.Tensor2D)), 1), s.beta));
      }
      tauUsed = tau;
    }
    const loss = tf.mean(tf.add(pos, neg)) as tf.Scalar;
    if (!wantTemperatures) return { loss };
    const positive = typeof t.tauPos === "number" ? tf.fill([m], t.tauPos) as tf.Tensor1D : t.tauPos;
    // Softmax form: every candidate's τ, per anchor most similar first (the top-κ order).
    const picked = typeof tauUsed === "number" || s.form === "topk"
      ? tauUsed
      : takePositions(tauUsed, topkPositions(t.sNeg, t.valid, k), k);
    const negative = typeof picked === "number"
      ? tf.fill([m * k], picked) as tf.Tensor1D
      : stopGradient(tf.reshape(picked, [m * k]) as tf.Tensor1D);
    return { loss, temperatures: { positive: stopGradient(positive), negative } };
  });
}

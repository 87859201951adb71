/**
 * InfoNCE as CAN names it (spec amcl.md §4, paper Table 1; vectors README
 * "infonce"): the positive sits in the denominator, which for SimCLR-style two-view batches
 * is numerically NT-Xent:
 *
 *     ℓ_i = −log( e^{s⁺_i/T} / ( e^{s⁺_i/T} + Σ_{n} e^{s_n/T} ) ),   mean over 2B anchors, Σ over heads
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
export { INFONCE_INFO } from "./formulas.ts";
import { type NtxentOptions, twoViewSoftmaxLoss } from "./ntxent.ts";
import type { LossOutput } from "./output.ts";

/** Options of {@link infonce} (as NT-Xent). */
export type InfonceOptions = NtxentOptions;

/** InfoNCE (CAN) on raw projections z1, z2 [B, C, D]; heads summed. */
export function infonce(z1: tf.Tensor, z2: tf.Tensor, opts: InfonceOptions): LossOutput {
  return twoViewSoftmaxLoss("infonce", z1, z2, opts);
}

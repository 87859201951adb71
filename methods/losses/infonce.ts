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
import type { LossInfo } from "./info.ts";
import { type NtxentOptions, twoViewSoftmaxLoss } from "./ntxent.ts";
import type { LossOutput } from "./output.ts";

/** Options of {@link infonce} (as NT-Xent). */
export type InfonceOptions = NtxentOptions;

/** Formula metadata (table T1). */
export const INFONCE_INFO: LossInfo = {
  name: "infonce",
  title: "InfoNCE (CAN)",
  kind: "baseline",
  methods: ["can"],
  equation: "amcl.md §4 (paper Table 1, CAN / LGP)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{2B}\sum_{i=1}^{2B} -\log \frac{\exp(s_i^{c+}/T)}{\exp(s_i^{c+}/T) + \sum_{n} \exp(s_{in}^{c-}/T)}`,
  text: "L = Σ_c mean_i −log( exp(s⁺/T) / (exp(s⁺/T) + Σ_n exp(s_n/T)) ), positive in the denominator",
};

/** InfoNCE (CAN) on raw projections z1, z2 [B, C, D]; heads summed. */
export function infonce(z1: tf.Tensor, z2: tf.Tensor, opts: InfonceOptions): LossOutput {
  return twoViewSoftmaxLoss("infonce", z1, z2, opts);
}

/**
 * AMCL InfoNCE, the CAN form of AMCL (spec amcl.md §5 "CAN, LGP", paper Eq. 2.4;
 * vectors README "amcl_infonce", our reading): as AMCL NT-Xent, but the top-κ candidate
 * set is the 2B − 2 negatives **plus the positive** (k = min(κ, 2B − 1)); a selected
 * positive contributes s⁺/τ⁺ to the mean and log τ⁺ + 1/τ⁺ to the regulariser sum, while
 * the −s⁺/τ⁺ + βΩ(τ⁺) terms stay:
 *
 *     ℓ = −s⁺/τ⁺ + (1/k) Σ_{n∈S} s_n/τ_n + β Ω(τ⁺) − β Σ_{n∈S} (log τ_n + 1/τ_n),   S ⊂ negatives ∪ {positive}
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
export { AMCL_INFONCE_INFO } from "./formulas.ts";
import type { AmclContrastOptions } from "./amcl_options.ts";
import { amclTwoView } from "./amcl_ntxent.ts";
import type { PhiParams } from "./temperature.ts";
import type { LossOutput } from "./output.ts";

/** Options of {@link amclInfonce}. */
export type AmclInfonceOptions = AmclContrastOptions;

/** AMCL InfoNCE on raw projections z1, z2 [B, C, D] with the shared φ. */
export function amclInfonce(
  z1: tf.Tensor,
  z2: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclInfonceOptions,
): LossOutput {
  return amclTwoView("amcl_infonce", z1, z2, phi, opts, true);
}

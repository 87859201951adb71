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
import type { LossInfo } from "./info.ts";
import type { AmclContrastOptions } from "./amcl_options.ts";
import { amclTwoView } from "./amcl_ntxent.ts";
import type { PhiParams } from "./temperature.ts";
import type { LossOutput } from "./output.ts";

/** Options of {@link amclInfonce}. */
export type AmclInfonceOptions = AmclContrastOptions;

/** Formula metadata (table T2). */
export const AMCL_INFONCE_INFO: LossInfo = {
  name: "amcl_infonce",
  title: "AMCL InfoNCE (CAN)",
  kind: "amcl",
  methods: ["can"],
  equation: "amcl.md §5 (paper Eq. 2.4, top-κ form Eq. 5)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{2B}\sum_{i} \Big[ -\frac{s_i^{c+}}{\tau_i^{c+}} + \frac{1}{\kappa}\sum_{n \in S_i^c} \frac{s_{in}^{c}}{\tau_{in}^{c}} + \beta\,\Omega(\tau_i^{c+}) - \beta \sum_{n \in S_i^c} \big(\log \tau_{in}^{c} + 1/\tau_{in}^{c}\big) \Big],\ S_i^c \subset \{\text{negatives}\} \cup \{i^+\}`,
  text:
    "L = Σ_c mean_i [ −s⁺/τ⁺ + (1/κ)Σ_{n∈S} s_n/τ_n + βΩ(τ⁺) − βΣ_{n∈S}(log τ_n + 1/τ_n) ], S = top-κ of negatives + positive by similarity",
};

/** AMCL InfoNCE on raw projections z1, z2 [B, C, D] with the shared φ. */
export function amclInfonce(
  z1: tf.Tensor,
  z2: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclInfonceOptions,
): LossOutput {
  return amclTwoView("amcl_infonce", z1, z2, phi, opts, true);
}

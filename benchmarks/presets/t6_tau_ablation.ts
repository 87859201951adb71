import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_STL, SEEDS } from "./common.ts";

/** T6: temperature ablation (constant, one side adaptive, head-1 temperatures, fully adaptive). */
export const t6: PresetInput = {
  name: "t6",
  description:
    "Temperature ablation: global constant τ, adaptive negatives or positives only, head-1 τ, adaptive",
  artefacts: ["T6"],
  fixed: { method: "simclr", variant: "amcl", heads: 3 },
  grid: { tauMode: ["constant", "adaptive-neg", "adaptive-pos", "head1", "adaptive"] },
  seeds: SEEDS,
  scales: { cpu: { fixed: CPU_REAL }, paper: { fixed: PAPER_STL } },
};

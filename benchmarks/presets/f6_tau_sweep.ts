import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_STL, SEEDS } from "./common.ts";

/** F6: constant τ sweep with 1 head vs adaptive τ with 1 and 3 heads. */
export const f6: PresetInput = {
  name: "f6",
  description: "Temperature sweep: constant τ 0.07…1.0 (1 head) vs adaptive τ with 1 and 3 heads",
  artefacts: ["F6"],
  fixed: { method: "simclr" },
  cases: [
    { variant: "baseline", tau: [0.07, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0] },
    { variant: "amcl", heads: [1, 3] },
  ],
  seeds: SEEDS,
  scales: { cpu: { fixed: CPU_REAL }, paper: { fixed: PAPER_STL } },
};

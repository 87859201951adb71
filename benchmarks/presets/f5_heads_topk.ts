import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_STL, SEEDS } from "./common.ts";

/** F5: sensitivity to the number of heads C and to top-κ (0 = softmax over all negatives). */
export const f5: PresetInput = {
  name: "f5",
  description: "Sensitivity: number of heads C (vs the 1-head constant-τ baseline) and top-κ incl. softmax",
  artefacts: ["F5"],
  fixed: { method: "simclr" },
  seeds: SEEDS,
  scales: {
    cpu: {
      fixed: CPU_REAL,
      cases: [
        { variant: "baseline" },
        { variant: "amcl", heads: [1, 2, 3, 4, 5] },
        { variant: "amcl", heads: 3, topk: [0, 10, 50, 200] },
      ],
    },
    paper: {
      fixed: PAPER_STL,
      cases: [
        { variant: "baseline" },
        { variant: "amcl", heads: [1, 2, 3, 4, 5, 6] },
        { variant: "amcl", heads: 3, topk: [0, 10, 50, 200, 400] },
      ],
    },
  },
};

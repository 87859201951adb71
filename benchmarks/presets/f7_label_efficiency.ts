import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_STL, SEEDS } from "./common.ts";

/** F7: label efficiency for {1, 3} heads × {constant, adaptive} τ. */
export const f7: PresetInput = {
  name: "f7",
  description:
    "Label efficiency: accuracy vs labelled images per class for {1, 3} heads × {constant, adaptive} τ",
  artefacts: ["F7"],
  fixed: { method: "simclr" },
  cases: [
    { variant: "baseline", heads: 1 },
    { variant: "amcl", heads: 1, tauMode: "adaptive" },
    { variant: "amcl", heads: 3, tauMode: ["constant", "adaptive"] },
  ],
  seeds: SEEDS,
  scales: {
    cpu: { fixed: { ...CPU_REAL, labelsPerClass: [10, 20, 50, 100, 200] } },
    paper: { fixed: { ...PAPER_STL, labelsPerClass: [10, 20, 50, 100, 200, 500] } },
  },
};

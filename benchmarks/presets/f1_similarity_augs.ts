import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_STL, SEEDS } from "./common.ts";

/** F1: similarity histograms of positive vs negative pairs, 1-head baseline vs AMCL, at 1, 3 and 5 augmentation types. */
export const f1: PresetInput = {
  name: "f1",
  description:
    "Similarity of positive vs negative pairs, baseline vs AMCL, with 1, 3 and 5 augmentation types",
  artefacts: ["F1"],
  grid: { method: ["simclr"], variant: ["baseline", "amcl"], augs: ["a", "abc", "abcde"] },
  seeds: SEEDS,
  scales: { cpu: { fixed: CPU_REAL }, paper: { fixed: PAPER_STL } },
};

import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_STL, SEEDS } from "./common.ts";

/** F3: similarity distributions of head and backbone features, SimCLR ResNet-18, baseline vs AMCL. */
export const f3: PresetInput = {
  name: "f3",
  description:
    "Similarity score distributions (head and backbone features), SimCLR ResNet-18, baseline vs AMCL",
  artefacts: ["F3"],
  grid: { method: ["simclr"], variant: ["baseline", "amcl"] },
  seeds: SEEDS,
  scales: { cpu: { fixed: CPU_REAL }, paper: { fixed: PAPER_STL } },
};

import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR } from "./common.ts";

/** T8: cost (time per epoch, peak memory, parameters) of baseline vs AMCL per method. */
export const t8: PresetInput = {
  name: "t8",
  description: "Cost: seconds per epoch, peak memory and parameter counts, baseline vs AMCL (short runs)",
  artefacts: ["T8"],
  grid: { method: ["simclr", "moco", "simsiam", "barlow"], variant: ["baseline", "amcl"] },
  seeds: [0],
  scales: {
    cpu: { fixed: { ...CPU_REAL, epochs: 2, probeEpochs: 0 } },
    paper: { fixed: { ...PAPER_CIFAR, epochs: 5, probeEpochs: 0 } },
  },
};

import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR, SEEDS } from "./common.ts";

/** T5: the gap stays when the linear probe trains longer. */
export const t5: PresetInput = {
  name: "t5",
  description: "Linear-probe epochs: baseline vs AMCL with probes of increasing length",
  artefacts: ["T5"],
  grid: { method: ["simclr"], variant: ["baseline", "amcl"] },
  seeds: SEEDS,
  scales: {
    cpu: { fixed: CPU_REAL, grid: { probeEpochs: [5, 20, 50] } },
    paper: { fixed: PAPER_CIFAR, grid: { probeEpochs: [10, 50, 100] } },
  },
};

import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR, SEEDS } from "./common.ts";

/** F8: training curves (kNN accuracy and loss per epoch), baseline vs AMCL, per method. */
export const f8: PresetInput = {
  name: "f8",
  description: "Training curves: kNN accuracy and loss per epoch, baseline vs AMCL, per method",
  artefacts: ["F8"],
  grid: { method: ["simclr", "moco", "simsiam", "barlow"], variant: ["baseline", "amcl"] },
  seeds: SEEDS,
  scales: {
    cpu: { fixed: { ...CPU_REAL, knnEpochs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } },
    paper: { fixed: PAPER_CIFAR },
  },
};

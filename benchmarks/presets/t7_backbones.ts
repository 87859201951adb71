import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR, SEEDS } from "./common.ts";

/** T7: baseline vs AMCL across backbones and widths. */
export const t7: PresetInput = {
  name: "t7",
  description: "Backbones: ResNet-18/50 (and widths), baseline vs AMCL",
  artefacts: ["T7"],
  grid: { method: ["simclr"], variant: ["baseline", "amcl"] },
  seeds: SEEDS,
  scales: {
    cpu: {
      fixed: CPU_REAL,
      cases: [{ backbone: "resnet18", width: [0.0625, 0.125] }, { backbone: "resnet50", width: 0.0625 }],
    },
    paper: {
      fixed: PAPER_CIFAR,
      cases: [{ backbone: "resnet18", width: 1 }, { backbone: "resnet50", width: 1 }],
    },
  },
};

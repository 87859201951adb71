import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR, SEEDS } from "./common.ts";

/** T3: linear probe (and kNN) of baseline vs AMCL for every method × dataset. */
export const t3: PresetInput = {
  name: "t3",
  description: "Main result: baseline vs AMCL for every method × dataset (linear probe, kNN)",
  artefacts: ["T3", "T8", "F8"],
  grid: { variant: ["baseline", "amcl"] },
  seeds: SEEDS,
  scales: {
    cpu: {
      fixed: CPU_REAL,
      grid: { dataset: ["cifar10-subset", "embedded"] },
      cases: [
        { method: ["simclr", "moco", "simsiam", "barlow"] },
        { method: ["can", "lgp"], backbone: "vit-tiny" },
      ],
    },
    paper: {
      fixed: PAPER_CIFAR,
      cases: [
        { method: ["simclr", "moco", "simsiam", "barlow"], dataset: ["cifar10", "cifar100", "stl10"] },
        { method: ["can"], backbone: "vit-base", dataset: "imagenet", batchSize: 1024 },
      ],
    },
  },
};

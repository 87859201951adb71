import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR, SEEDS } from "./common.ts";

/** T4: baseline vs AMCL as the augmentation set grows (a … abcde). */
export const t4: PresetInput = {
  name: "t4",
  description: "Multiple augmentations: baseline vs AMCL for augmentation sets a, ab, abc, abcd, abcde",
  artefacts: ["T4"],
  grid: { method: ["simclr"], variant: ["baseline", "amcl"], augs: ["a", "ab", "abc", "abcd", "abcde"] },
  seeds: SEEDS,
  scales: { cpu: { fixed: CPU_REAL }, paper: { fixed: PAPER_CIFAR } },
};

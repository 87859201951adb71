import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR, SEEDS } from "./common.ts";

/** T9: temperature floor × regulariser form for SimCLR AMCL, against the baseline (amcl.md §8). */
export const t9: PresetInput = {
  name: "t9",
  description: "Temperature floor and regulariser form: tauMin × negReg for SimCLR AMCL vs the baseline",
  artefacts: ["T9"],
  fixed: { method: "simclr" },
  cases: [
    { variant: "baseline" },
    { variant: "amcl", tauMin: [1e-5, 1e-3, 1e-2, 0.05, 0.1], negReg: ["code", "paper"] },
  ],
  seeds: SEEDS,
  scales: {
    cpu: { fixed: { ...CPU_REAL, epochs: 30, knnEpochs: [10, 20, 30] } },
    paper: { fixed: PAPER_CIFAR },
  },
};

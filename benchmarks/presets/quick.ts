import type { PresetInput } from "../preset.ts";
import { PAPER_CIFAR, SEEDS } from "./common.ts";

/**
 * `quick` (the default of `deno task bench`): SimCLR baseline vs AMCL on the embedded
 * dataset, three seeds, within 10 minutes on 2 cores.
 *
 * Two AMCL cases: the reference configuration (tauMin 1e-5, the regulariser as the
 * authors' code writes it), which at this scale collapses its temperatures to tauMin
 * (spec amcl.md §8) — shown, not hidden — and the same with the temperature floor at 0.05
 * (the suite's own T9 study), so a first run already shows both behaviours.
 */
export const quick: PresetInput = {
  name: "quick",
  description:
    "SimCLR baseline vs AMCL (reference tauMin 1e-5, and tauMin 0.05) on the embedded dataset, 3 seeds",
  artefacts: ["T3", "T8", "T9", "F8", "F9"],
  fixed: { method: "simclr" },
  cases: [
    { variant: "baseline" },
    { variant: "amcl", tauMin: [1e-5, 0.05] },
  ],
  seeds: SEEDS,
  scales: {
    cpu: {
      fixed: {
        dataset: "embedded",
        backbone: "resnet18",
        width: 0.0625,
        epochs: 6,
        batchSize: 64,
        probeEpochs: 10,
        knnEpochs: [2, 4, 6],
        "extra.trainSize": 1536,
        "extra.testSize": 512,
      },
    },
    paper: { fixed: PAPER_CIFAR },
  },
};

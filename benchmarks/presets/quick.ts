import type { PresetInput } from "../preset.ts";
import { PAPER_CIFAR, SEEDS } from "./common.ts";

/** `quick` (the default of `deno task bench`): SimCLR baseline vs AMCL, a few minutes on 2 cores. */
export const quick: PresetInput = {
  name: "quick",
  description: "SimCLR baseline vs AMCL on the embedded dataset, several seeds (minutes on a laptop)",
  artefacts: ["T3", "F8", "F9"],
  grid: { method: ["simclr"], variant: ["baseline", "amcl"] },
  seeds: SEEDS,
  scales: {
    cpu: {
      fixed: {
        dataset: "embedded",
        backbone: "resnet18",
        width: 0.0625,
        epochs: 3,
        batchSize: 64,
        probeEpochs: 10,
        knnEpochs: [1, 2, 3],
        "extra.trainSize": 512,
        "extra.testSize": 256,
      },
    },
    paper: { fixed: PAPER_CIFAR },
  },
};

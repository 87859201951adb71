import type { PresetInput } from "../preset.ts";
import { PAPER_CIFAR } from "./common.ts";

/** `smoke`: the smallest sweep that runs every stage of a cell (tests; under a minute). */
export const smoke: PresetInput = {
  name: "smoke",
  description: "SimCLR baseline vs AMCL, 1 epoch on a few embedded images (tests, under a minute)",
  artefacts: [],
  grid: { method: ["simclr"], variant: ["baseline", "amcl"] },
  seeds: [0],
  scales: {
    cpu: {
      fixed: {
        dataset: "embedded",
        backbone: "resnet18",
        width: 0.0625,
        epochs: 1,
        batchSize: 32,
        heads: 2,
        topk: 16,
        probeEpochs: 2,
        knnEpochs: [1],
        "extra.trainSize": 64,
        "extra.testSize": 64,
      },
    },
    paper: { fixed: { ...PAPER_CIFAR, epochs: 1 } },
  },
};

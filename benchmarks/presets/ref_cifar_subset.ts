import type { PresetInput, PresetLayer } from "../preset.ts";

/**
 * `ref-cifar-subset`: the reference configuration on the shipped real data (amcl.md §8):
 * SimCLR baseline (1 head, τ 0.5) vs AMCL (3 heads and 1 head), ResNet-18 CIFAR stem ×1/8,
 * 30 epochs, SGD lr 0.03 momentum 0.9 wd 5e-4 (φ included), cosine per epoch, clip 1.0,
 * kNN (k 200, t 0.1) at epochs 10, 20, 30, seeds 0–2. Identical at both scales.
 */
const layer: PresetLayer = {
  fixed: {
    method: "simclr",
    dataset: "cifar10-subset",
    backbone: "resnet18",
    width: 0.125,
    augs: "default",
    batchSize: 256,
    epochs: 30,
    lr: 0.03,
    probeEpochs: 0,
    knnEpochs: [10, 20, 30],
    "extra.dropLast": true,
    "extra.optimizer": "sgd",
    "extra.weightDecay": 5e-4,
    "extra.lrGranularity": "epoch",
    "extra.warmupEpochs": 0,
    "extra.clipNorm": 1,
    "extra.knnK": 200,
    "extra.knnT": 0.1,
  },
  cases: [
    { variant: "baseline", heads: 1, tauMode: "constant", tau: 0.5 },
    {
      variant: "amcl",
      heads: [3, 1],
      tauMode: "adaptive",
      beta: 1e-4,
      topk: 100,
      tauMin: 1e-5,
      tauMax: 2,
      negReg: "code",
      "extra.phiHidden": 128,
    },
  ],
  seeds: [0, 1, 2],
};

/** The reference configuration preset. */
export const refCifarSubset: PresetInput = {
  name: "ref-cifar-subset",
  description:
    "Reference configuration on the shipped CIFAR-10 subset (SimCLR baseline vs AMCL 3 and 1 heads)",
  artefacts: ["T9", "F8", "F9"],
  scales: { cpu: layer, paper: layer },
};

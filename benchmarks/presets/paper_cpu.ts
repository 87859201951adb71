/**
 * `paper-cpu`: the paper's tables T3–T9 and figures F1, F3–F9 regenerated together at a size
 * meant to fit about two hours on a 2-core machine (T1, T2 and F2 come from the method
 * registry and need no cells). A suite of the per-artefact presets, each resized by a layer
 * of its own; cells several artefacts share (the SimCLR baseline and AMCL cells of T3 are
 * also those of T5, T6, T7, T8, F3, F5, F6, F7, F8 and F9) are identical configurations, so
 * they have one id and run once. Every member shares {@link BASE}: the same epochs, kNN
 * monitor (every epoch, for F8's curves) and label-efficiency probes (for F7), so that a
 * cell is the same cell wherever it appears.
 *
 * What is shrunk against the paper, and what each member keeps, is in the README
 * ("Regenerating the paper at cpu scale"); `deno task bench --preset paper-cpu --dry-run`
 * prints the cells per member and the distinct total.
 *
 * @module
 */
import type { PresetInput, PresetLayer } from "../preset.ts";
import { SEEDS } from "./common.ts";

type Fixed = NonNullable<PresetLayer["fixed"]>;

/** The size every ResNet cell of the suite shares. */
export const BASE: Fixed = {
  dataset: "cifar10-subset",
  backbone: "resnet18",
  width: 0.0625,
  epochs: 5,
  batchSize: 128,
  probeEpochs: 10,
  knnEpochs: [1, 2, 3, 4, 5],
  labelsPerClass: [10, 20, 50, 100],
  "extra.trainSize": 2000,
};

/**
 * ViT cells (CAN, LGP): ViT-tiny cut to 2 blocks, 8-pixel patches (16 tokens on 32-pixel
 * images instead of 64), batch 64, 3 epochs (LGP: 1 MAE epoch first).
 */
const VIT: Fixed = {
  backbone: "vit-tiny",
  width: 1,
  batchSize: 64,
  epochs: 3,
  knnEpochs: [1, 2, 3],
  "extra.vitPatch": 8,
  "extra.vitDepth": 2,
};

export const paperCpu: PresetInput = {
  name: "paper-cpu",
  description: "T3–T9 and F1, F3–F9 together at cpu scale (≈ 2 h on 2 cores); shared cells run once",
  scale: "cpu",
  fixed: BASE,
  seeds: SEEDS,
  members: [
    {
      preset: "t3",
      cases: [
        { method: ["simclr", "moco", "simsiam", "barlow"] },
        { method: "can", ...VIT },
        { method: "lgp", ...VIT, "extra.maeEpochs": 1 },
      ],
    },
    { preset: "t4" },
    { preset: "t5", grid: { probeEpochs: [5, 10, 30] } },
    { preset: "t6" },
    {
      preset: "t7",
      cases: [{ backbone: "resnet18", width: [0.0625, 0.125] }, { backbone: "resnet50", width: 0.0625 }],
    },
    // T8 reads the cost of the T3 cells of seed 0: the same cells, nothing more to run.
    { preset: "t8", seeds: [0] },
    {
      preset: "t9",
      cases: [{ variant: "baseline" }, {
        variant: "amcl",
        tauMin: [1e-5, 1e-2, 0.1],
        negReg: ["code", "paper"],
      }],
    },
    { preset: "f1" },
    { preset: "f3" },
    {
      preset: "f4",
      seeds: [0],
      // The longer run of each backbone is the T7 / T3 cell of seed 0 (same kNN epochs).
      cases: [
        { method: "simclr", backbone: "resnet50", width: [0.0625, 0.125], epochs: 3, knnEpochs: [1, 2, 3] },
        { method: "simclr", backbone: "resnet50", width: [0.0625, 0.125] },
        { method: "can", ...VIT, backbone: ["vit-tiny", "vit-small"], epochs: 2, knnEpochs: [1, 2] },
        { method: "can", ...VIT, backbone: ["vit-tiny", "vit-small"] },
      ],
    },
    {
      preset: "f5",
      cases: [
        { variant: "baseline" },
        { variant: "amcl", heads: [1, 2, 3, 4, 5] },
        { variant: "amcl", heads: 3, topk: [0, 10, 50] },
      ],
    },
    {
      preset: "f6",
      cases: [{ variant: "baseline", tau: [0.07, 0.2, 0.5, 0.7, 1.0] }, { variant: "amcl", heads: [1, 3] }],
    },
    { preset: "f7" },
    { preset: "f8" },
    { preset: "f9" },
  ],
};

/**
 * Settings shared by the built-in presets: the sizes each scale uses for the paper's
 * CIFAR/STL-style experiments, and the seeds.
 *
 * @module
 */
import type { PresetLayer } from "../preset.ts";

/** `cpu` scale on real images: ResNet-18 ×1/8 on the shipped CIFAR-10 subset. */
export const CPU_REAL: NonNullable<PresetLayer["fixed"]> = {
  dataset: "cifar10-subset",
  backbone: "resnet18",
  width: 0.125,
  epochs: 10,
  batchSize: 256,
  probeEpochs: 20,
};

/** `paper` scale, CIFAR-style: ResNet-18, batch 512, 800 epochs. */
export const PAPER_CIFAR: NonNullable<PresetLayer["fixed"]> = {
  dataset: "cifar10",
  backbone: "resnet18",
  width: 1,
  epochs: 800,
  batchSize: 512,
  probeEpochs: 100,
};

/** `paper` scale, the STL-10 experiments of the ablations and figures. */
export const PAPER_STL: NonNullable<PresetLayer["fixed"]> = { ...PAPER_CIFAR, dataset: "stl10" };

/** Seeds of every built-in preset (mean ± std over 3, methods.md). */
export const SEEDS = [0, 1, 2];

/**
 * Defaults shared by the ResNet methods (SimCLR, MoCo, SimSiam, Barlow Twins): the
 * reference implementation's paper-scale settings (spec amcl.md §7) and their cpu-scale
 * shrink (ResNet-18 at width ×1/8, batch 128, a few epochs), plus their SGD training plan;
 * and the defaults shared by the ViT methods (CAN, LGP).
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import type { MethodDefaults, Scale, Variant } from "./method_definition.ts";
import { extraNumber, extraString } from "./method_definition.ts";
import type { TrainPlan } from "./train.ts";
import type { OptimizerKind } from "./optim.ts";

/**
 * Positive (and as many negative) validation pairs of the similarity analysis every cell runs
 * (figures F1, F3; `extra.simPairs`): the paper's 500, fewer at cpu scale to keep the
 * analysis cheap next to training.
 */
export function simPairs(scale: Scale): number {
  return scale === "paper" ? 500 : 200;
}

/** Paper/cpu defaults of a ResNet method, with the method's own values on top. */
export function resnetDefaults(
  scale: Scale,
  variant: Variant,
  own: {
    lr: number;
    tau: number;
    beta: number;
    topk: number;
    extra: Record<string, number | string | boolean>;
  },
): MethodDefaults {
  const paper = scale === "paper";
  return {
    backbone: "resnet18",
    width: paper ? 1 : 0.125,
    epochs: paper ? 800 : 10,
    batchSize: paper ? 512 : 128,
    heads: variant === "amcl" ? 3 : 1,
    topk: own.topk,
    augs: "default",
    tauMode: variant === "amcl" ? "adaptive" : "constant",
    tau: own.tau,
    tauMin: 1e-5,
    tauMax: 2,
    negReg: "code",
    beta: own.beta,
    lr: own.lr,
    extra: { clipNorm: 1, phiHidden: 128, weightDecay: 5e-4, simPairs: simPairs(scale), ...own.extra },
  };
}

/**
 * SGD (momentum 0.9, weight decay `extra.weightDecay`) with a cosine schedule over the
 * cell's epochs and warm-up `extra.warmupEpochs` (default 0); `extra.optimizer` may pick
 * "lars" (Barlow Twins) or "adamw". Gradient-norm clip `extra.clipNorm` (0 = none).
 */
export function sgdPlan(cell: CellConfig): TrainPlan {
  return {
    stages: [{
      name: "main",
      epochs: cell.epochs,
      optimizer: {
        kind: extraString(cell, "optimizer", "sgd") as OptimizerKind,
        weightDecay: extraNumber(cell, "weightDecay", 5e-4),
        momentum: 0.9,
        larsEta: extraNumber(cell, "larsEta", 0.001),
      },
      schedule: {
        base: cell.lr,
        warmupEpochs: extraNumber(cell, "warmupEpochs", 0),
        granularity: "step",
      },
    }],
    clipNorm: extraNumber(cell, "clipNorm", 0),
  };
}

/** Defaults shared by the ViT methods (CAN, LGP). */
export function vitDefaults(
  scale: "paper" | "cpu",
  variant: "baseline" | "amcl",
  own: { lr: number; tau: number; epochs: number; extra: Record<string, number | string | boolean> },
): MethodDefaults {
  const paper = scale === "paper";
  return {
    backbone: paper ? "vit-base" : "vit-tiny",
    width: 1,
    epochs: own.epochs,
    batchSize: paper ? 4096 : 64,
    heads: variant === "amcl" ? 3 : 1,
    topk: 100,
    augs: "default",
    tauMode: variant === "amcl" ? "adaptive" : "constant",
    tau: own.tau,
    tauMin: 1e-5,
    tauMax: 2,
    negReg: "code",
    beta: 1e-4,
    lr: own.lr,
    extra: {
      phiHidden: 128,
      simPairs: simPairs(scale),
      // cpu scale: ViT-tiny (width 192, 3 heads, patch 4 at 32 px) with 4 of its 12 blocks, and a
      // 128 × 2 decoder; the full depth at batch ≥ 64 exceeds the wasm backend's memory.
      ...(paper ? {} : { vitDepth: 4, decoderDim: 128, decoderDepth: 2, decoderHeads: 4 }),
      ...own.extra,
    },
  };
}

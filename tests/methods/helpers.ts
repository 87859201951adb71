/**
 * Shared helpers of the methods tests: a few real CIFAR-10 images (from the shared subset,
 * average-pooled to 16×16 to keep the cpu backend fast), fixed-batch training data, and
 * tiny cpu-scale cells for every method × variant.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { CellConfig } from "../../core/cell_config.ts";
import type { TrainData } from "../../methods/train.ts";
import { methodDefaults } from "../../methods/registry.ts";
import type { Rng } from "../../core/random.ts";

const SUBSET = new URL("../../../shared/data/cifar10-subset/cifar10_train_4000.bin", import.meta.url);

/** The first `n` training images of the shared CIFAR-10 subset, [n, side, side, 3] in [0, 1]. */
export function cifarImages(n: number, side = 16): tf.Tensor4D {
  const bytes = Deno.readFileSync(SUBSET);
  const px = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < n; i++) {
    const base = i * 3073 + 1;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) px[(i * 1024 + p) * 3 + c] = bytes[base + c * 1024 + p] / 255;
    }
  }
  return tf.tidy(() => {
    const x = tf.tensor4d(px, [n, 32, 32, 3]);
    const f = 32 / side;
    const pooled = f === 1 ? x : tf.avgPool(x, f, f, "valid");
    return tf.div(tf.sub(pooled, 0.45), 0.25) as tf.Tensor4D;
  });
}

/**
 * Data that serves the same batch every step (or, with `batchSize` < the number of images,
 * cycles through the images' consecutive batches) (fixed-batch overfitting: a loss that cannot
 * go down here is broken). Views: random horizontal flip per image plus small Gaussian
 * noise, both drawn from the step's rng, so runs are reproducible and resumable.
 */
export function fixedBatchData(
  images: tf.Tensor4D,
  stepsPerEpoch: number,
  batchSize = images.shape[0],
): TrainData {
  const b = batchSize;
  const pool = images.shape[0] / b;
  return {
    stepsPerEpoch,
    batchSize: b,
    *batches(_epoch: number, _rng: Rng) {
      for (let i = 0; i < stepsPerEpoch; i++) {
        yield pool === 1 ? images.clone() : tf.slice(images, [(i % pool) * b, 0, 0, 0], [b, -1, -1, -1]);
      }
    },
    views(x: tf.Tensor4D, rng: Rng): [tf.Tensor4D, tf.Tensor4D] {
      const one = () => {
        const flips = Array.from({ length: b }, () => rng.bernoulli(0.5));
        const noise = rng.normals(x.size, 0.05);
        return tf.tidy(() => {
          const flipped = tf.reverse(x, 2);
          const m = tf.tensor4d(flips.map((f) => (f ? 1 : 0)), [b, 1, 1, 1]);
          const v = tf.add(tf.mul(m, flipped), tf.mul(tf.sub(1, m), x));
          return tf.add(v, tf.tensor(noise, x.shape)) as tf.Tensor4D;
        });
      };
      return [one(), one()];
    },
  };
}

/** A tiny cpu-scale cell of `method` × `variant` (sizes shrunk for tests; every mechanism kept). */
export function tinyCell(
  method: string,
  variant: "baseline" | "amcl",
  over: Partial<CellConfig> = {},
  extra: Record<string, number | string | boolean> = {},
): CellConfig {
  const d = methodDefaults(method, variant, "cpu");
  const vit = d.backbone.startsWith("vit");
  return {
    method,
    variant,
    dataset: "cifar10-subset",
    backbone: d.backbone,
    width: vit ? d.width : 1 / 16,
    epochs: 1,
    batchSize: 16,
    heads: variant === "amcl" ? 2 : 1,
    topk: 8,
    augs: d.augs,
    tauMode: d.tauMode,
    tau: d.tau,
    tauMin: d.tauMin,
    tauMax: d.tauMax,
    negReg: d.negReg,
    beta: d.beta,
    lr: d.lr,
    probeEpochs: 0,
    labelsPerClass: [],
    knnEpochs: [],
    scale: "cpu",
    seed: 7,
    ...over,
    extra: {
      ...d.extra,
      projDim: 32,
      projHidden: 32,
      predHidden: 16,
      phiHidden: 16,
      queueSize: 64,
      vitWidth: 32,
      vitDepth: 3,
      vitHeads: 2,
      decoderDim: 32,
      decoderDepth: 1,
      decoderHeads: 2,
      ...extra,
    },
  };
}

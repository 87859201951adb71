/**
 * Linear probe (spec methods.md): a linear classifier trained on frozen features of
 * un-augmented images (computed once), SGD with lr 0.1, momentum 0.9, no weight decay, a
 * cosine schedule stepped every iteration, batch 512, cross-entropy; optional BatchNorm
 * without affine (eps 1e-6) before the classifier, as the MAE protocol does for ViT methods.
 * Top-1 and top-5 on the test features.
 *
 * Deterministic for a seed: the classifier's initial weights and the per-epoch shuffles draw
 * from named streams of a `Rng` made from the seed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { Linear } from "../models/layers.ts";
import { checkLabelled, type FeatureMatrix, type Labelled, numClassesOf } from "./features.ts";

/** Settings of the linear probe. */
export interface LinearProbeOptions {
  /** Probe epochs (default 100, the paper scale; a sweep axis). */
  epochs?: number;
  /** Base learning rate (default 0.1). */
  lr?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Mini-batch size (default 512). */
  batchSize?: number;
  /** BatchNorm without affine before the classifier (ViT methods; default false). */
  batchNorm?: boolean;
  /** Seed of the initial weights and the shuffles (default 0). */
  seed?: number;
  /** Number of classes (default: from the labels). */
  numClasses?: number;
  /** Called after every epoch with its mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** The result of one linear probe (a plain JSON record). */
export interface LinearProbeResult {
  protocol: "linear";
  top1: number;
  top5: number;
  epochs: number;
  lr: number;
  momentum: number;
  batchSize: number;
  batchNorm: boolean;
  seed: number;
  trainSize: number;
  testSize: number;
  dim: number;
  numClasses: number;
  /** Mean training cross-entropy of the last epoch. */
  finalLoss: number;
  seconds: number;
}

/** Validates and fills in the probe settings. */
export function resolveProbeOptions(
  opts: LinearProbeOptions,
): Required<Omit<LinearProbeOptions, "onEpoch" | "numClasses">> {
  const r = {
    epochs: opts.epochs ?? 100,
    lr: opts.lr ?? 0.1,
    momentum: opts.momentum ?? 0.9,
    batchSize: opts.batchSize ?? 512,
    batchNorm: opts.batchNorm ?? false,
    seed: opts.seed ?? 0,
  };
  check(
    Number.isInteger(r.epochs) && r.epochs > 0,
    `probe epochs must be a positive integer, got ${r.epochs}`,
  );
  check(Number.isFinite(r.lr) && r.lr > 0, `probe learning rate must be positive, got ${r.lr}`);
  check(r.momentum >= 0 && r.momentum < 1, `probe momentum must be in [0, 1), got ${r.momentum}`);
  check(Number.isInteger(r.batchSize) && r.batchSize > 0, `probe batch size must be a positive integer`);
  check(Number.isInteger(r.seed) && r.seed >= 0, `seed must be a non-negative integer, got ${r.seed}`);
  return r;
}

/**
 * BatchNorm without affine parameters (eps 1e-6, momentum 0.1, unbiased running variance, as
 * PyTorch's `BatchNorm1d(affine=False)`): batch statistics while training, running statistics
 * for the test features. (Kept here rather than using models/layers.ts `BatchNorm` because its
 * non-affine training path has no gradient in tfjs: `tf.batchNorm` without scale/offset fails
 * to record its backward pass.)
 */
class ProbeNorm {
  readonly eps = 1e-6;
  readonly momentum = 0.1;
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
  constructor(dim: number) {
    this.mean = tf.tidy(() => tf.variable(tf.zeros([dim]), false));
    this.variance = tf.tidy(() => tf.variable(tf.ones([dim]), false));
  }
  /** Normalises with the batch's statistics (biased variance). */
  train(x: tf.Tensor2D): tf.Tensor2D {
    const { mean, variance } = tf.moments(x, 0);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
  }
  /** Moves the running statistics towards the batch's (call outside the gradient). */
  update(x: tf.Tensor2D): void {
    const { mean, variance } = tf.moments(x, 0);
    const n = x.shape[0];
    const m = this.momentum;
    this.mean.assign(tf.add(tf.mul(this.mean, 1 - m), tf.mul(mean, m)));
    this.variance.assign(
      tf.add(tf.mul(this.variance, 1 - m), tf.mul(variance, (m * n) / Math.max(1, n - 1))),
    );
  }
  /** Normalises with the running statistics. */
  eval(x: tf.Tensor2D): tf.Tensor2D {
    return tf.mul(tf.sub(x, this.mean), tf.rsqrt(tf.add(this.variance, this.eps)));
  }
  dispose(): void {
    this.mean.dispose();
    this.variance.dispose();
  }
}

/** Cross-entropy of `logits` against integer `labels`, mean over the batch. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const picked = tf.sum(tf.mul(logits, tf.oneHot(labels, classes)), 1);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked));
}

/**
 * Trains a linear classifier on `train` features and scores it on `test` features.
 * The features are never modified; only the probe's own weights train.
 */
export function linearProbe(
  train: Labelled<FeatureMatrix>,
  test: Labelled<FeatureMatrix>,
  opts: LinearProbeOptions = {},
): LinearProbeResult {
  checkLabelled(train, "probe train");
  checkLabelled(test, "probe test");
  check(
    train.x.dim === test.x.dim,
    `probe train features have ${train.x.dim} dims but test features ${test.x.dim}; use one encoder for both`,
  );
  const o = resolveProbeOptions(opts);
  const classes = opts.numClasses ?? numClassesOf(train, test);
  const t0 = performance.now();
  const rng = new Rng(o.seed);
  const order = rng.derive("probe/order");
  const dim = train.x.dim;
  const norm = o.batchNorm ? new ProbeNorm(dim) : null;
  const fc = new Linear(rng.derive("probe/init"), dim, classes);
  const params = fc.parameters().map((p) => p.variable);
  const velocity = tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p), false)));
  const x = tf.tensor2d(train.x.data, [train.x.n, dim], "float32");
  const y = tf.tensor1d(train.y, "int32");
  const stepsPerEpoch = Math.ceil(train.x.n / o.batchSize);
  const totalSteps = o.epochs * stepsPerEpoch;
  let step = 0;
  let finalLoss = NaN;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const perm = order.permutation(train.x.n);
      let lossSum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const lr = 0.5 * o.lr * (1 + Math.cos((Math.PI * step) / totalSteps));
        const idx = perm.subarray(s * o.batchSize, Math.min(train.x.n, (s + 1) * o.batchSize));
        const loss = tf.tidy(() => {
          const it = tf.tensor1d(idx, "int32");
          const xb = tf.gather(x, it) as tf.Tensor2D;
          const yb = tf.gather(y, it) as tf.Tensor1D;
          const { value, grads } = tf.variableGrads(() => {
            const h = norm ? norm.train(xb) : xb;
            return crossEntropy(fc.forward(h) as tf.Tensor2D, yb, classes);
          }, params);
          params.forEach((p, i) => {
            const v = velocity[i];
            v.assign(tf.add(tf.mul(v, o.momentum), grads[p.name]));
            p.assign(tf.sub(p, tf.mul(v, lr)));
          });
          norm?.update(xb);
          return value.dataSync()[0];
        });
        lossSum += loss * idx.length;
        step++;
      }
      finalLoss = lossSum / train.x.n;
      opts.onEpoch?.(epoch + 1, finalLoss);
    }
    const { top1, top5 } = scoreProbe(fc, norm, test, classes);
    return {
      protocol: "linear",
      top1,
      top5,
      ...o,
      trainSize: train.x.n,
      testSize: test.x.n,
      dim,
      numClasses: classes,
      finalLoss,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    x.dispose();
    y.dispose();
    velocity.forEach((v) => v.dispose());
    fc.dispose();
    norm?.dispose();
  }
}

/** Top-1 / top-5 accuracy of the trained probe on `test` (BatchNorm in eval mode). */
function scoreProbe(
  fc: Linear,
  norm: ProbeNorm | null,
  test: Labelled<FeatureMatrix>,
  classes: number,
): { top1: number; top5: number } {
  const nTop = Math.min(5, classes);
  const batch = 1024;
  let hit1 = 0;
  let hit5 = 0;
  for (let s = 0; s < test.x.n; s += batch) {
    const e = Math.min(test.x.n, s + batch);
    const top = tf.tidy(() => {
      const xb = tf.tensor2d(test.x.data.subarray(s * test.x.dim, e * test.x.dim), [e - s, test.x.dim]);
      const h = norm ? norm.eval(xb) : xb;
      return tf.topk(fc.forward(h), nTop, true).indices.dataSync();
    });
    for (let i = 0; i < e - s; i++) {
      const label = test.y[s + i];
      if (top[i * nTop] === label) hit1++;
      for (let j = 0; j < nTop; j++) {
        if (top[i * nTop + j] === label) {
          hit5++;
          break;
        }
      }
    }
  }
  return { top1: hit1 / test.x.n, top5: hit5 / test.x.n };
}

/**
 * The basic layers: Linear, Conv2d, BatchNorm (over the last axis, for [N, C] and
 * [N, H, W, C]) and LayerNorm. Tensors are NHWC, as tfjs wants them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { type Ctx, Module, pendingValue, recordUpdate } from "./module.ts";
import { fanInUniform, heNormal, xavierUniform } from "./init.ts";
import { batchNormTrain } from "../core/kernels/batch_norm.ts";
import { untaped } from "../core/gradients.ts";

/** Fully connected layer `y = x·W + b`, W of shape [in, out]. */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  constructor(
    rng: Rng,
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean; init?: "fanin" | "xavier" } = {},
  ) {
    super();
    const shape = [inFeatures, outFeatures];
    this.weight = this.param(
      "weight",
      opts.init === "xavier"
        ? xavierUniform(rng, shape, inFeatures, outFeatures)
        : fanInUniform(rng, shape, inFeatures),
    );
    this.bias = opts.bias === false ? null : this.param(
      "bias",
      opts.init === "xavier" ? tf.zeros([outFeatures]) : fanInUniform(rng, [outFeatures], inFeatures),
      false,
    );
  }

  /** Applies the layer to [..., in]. */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank === 2) {
      const y = tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D);
      return this.bias ? tf.add(y, this.bias) : y;
    }
    const lead = x.shape.slice(0, -1);
    const y = tf.matMul(tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D, this.weight as tf.Tensor2D);
    return tf.reshape(this.bias ? tf.add(y, this.bias) : y, [...lead, this.outFeatures]);
  }
}

/** 2-D convolution, NHWC input, filter [kh, kw, in, out]. */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly padding: number | "same" | "valid" = "same",
    opts: { bias?: boolean; init?: "he" | "fanin" } = {},
  ) {
    super();
    const shape = [kernel, kernel, inChannels, outChannels];
    this.weight = this.param(
      "weight",
      opts.init === "fanin"
        ? fanInUniform(rng, shape, kernel * kernel * inChannels)
        : heNormal(rng, shape, kernel * kernel * outChannels),
    );
    this.bias = opts.bias ? this.param("bias", tf.zeros([outChannels]), false) : null;
  }

  /** Applies the convolution to [N, H, W, in]. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    // Numeric padding is the convolution's own (explicit, every side): no padded copy of x
    // forward and no slice of its gradient backward.
    const p = this.padding;
    const pad = typeof p === "number"
      ? (p > 0 ? [[0, 0], [p, p], [p, p], [0, 0]] as tf.backend_util.ExplicitPadding : "valid")
      : p;
    const y = tf.conv2d(x, this.weight as tf.Tensor4D, this.stride, pad);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/**
 * Batch normalisation over the last axis. Training mode normalises with the batch's
 * statistics (biased variance) and records running-statistic updates (unbiased variance,
 * momentum 0.1, as PyTorch); eval mode uses the running statistics. Each training call, and
 * each group of a grouped call (`Ctx.groups`), updates them in turn, r ← (1 − m)·r + m·s, as
 * PyTorch does when a method calls its encoder once per view.
 */
export class BatchNorm extends Module {
  readonly gamma: tf.Variable | null;
  readonly beta: tf.Variable | null;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  constructor(
    readonly channels: number,
    opts: { affine?: boolean; eps?: number; momentum?: number } = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    const affine = opts.affine ?? true;
    this.gamma = affine ? this.param("weight", tf.ones([channels]), false) : null;
    this.beta = affine ? this.param("bias", tf.zeros([channels]), false) : null;
    this.runningMean = this.buffer("running_mean", tf.zeros([channels]));
    this.runningVar = this.buffer("running_var", tf.ones([channels]));
  }
  readonly eps: number;
  readonly momentum: number;

  /** Normalises [N, C] or [N, H, W, C]. */
  forward<T extends tf.Tensor>(x: T, c: Ctx): T {
    return batchNormSideBySide([this], x, c);
  }
}

/** `ts` joined along their only axis (the one tensor itself when there is one). */
function joined(ts: tf.Tensor[]): tf.Tensor1D {
  return (ts.length === 1 ? ts[0] : tf.concat(ts, 0)) as tf.Tensor1D;
}

/**
 * BatchNorms of one kind (same eps, momentum and affinity) applied to their channels laid
 * side by side along the last axis of x (`bns[k]`'s channels after those of `bns[0..k)`):
 * one kernel where one call per BatchNorm would take `bns.length`, with the same values,
 * since every channel is normalised on its own. The running statistics of each are updated
 * as its own forward would update them. One BatchNorm: {@link BatchNorm.forward}.
 */
export function batchNormSideBySide<T extends tf.Tensor>(bns: BatchNorm[], x: T, c: Ctx): T {
  const [first] = bns;
  const affine = first.gamma !== null;
  if (!c.training) {
    return tf.tidy(() =>
      tf.batchNorm(
        x,
        joined(bns.map((b) => b.runningMean)),
        joined(bns.map((b) => b.runningVar)),
        affine ? joined(bns.map((b) => b.beta!)) : undefined,
        affine ? joined(bns.map((b) => b.gamma!)) : undefined,
        first.eps,
      ) as T
    );
  }
  // One fused op (core/kernels/batch_norm.ts): closed-form backward instead of tfjs
  // differentiating tf.moments + tf.batchNorm op by op; same values. With c.groups G > 1
  // each of the G batches along axis 0 has its own statistics.
  const G = c.groups ?? 1;
  const gamma = affine ? joined(bns.map((b) => b.gamma!)) : null;
  const beta = affine ? joined(bns.map((b) => b.beta!)) : null;
  const { y, mean, variance } = batchNormTrain(x, gamma, beta, first.eps, G);
  const channels = x.shape[x.rank - 1];
  // Off the gradient tape: running statistics are buffers, never differentiated.
  untaped(() => recordRunning(bns, c, mean, variance, G, x.size / channels / G));
  return y;
}

/**
 * Records r ← (1 − m)·r + m·s for each of the G groups' batch statistics in turn (`mean`,
 * `variance`: [ΣC] for G = 1, else [G, ΣC]; the variance made unbiased over n values), on
 * the BatchNorms' running statistics side by side, then each BatchNorm's share.
 */
function recordRunning(
  bns: BatchNorm[],
  c: Ctx,
  mean: tf.Tensor,
  variance: tf.Tensor,
  G: number,
  n: number,
): void {
  const m = bns[0].momentum;
  const rows = (s: tf.Tensor) => G === 1 ? [s] : tf.unstack(s);
  const means = rows(mean), variances = rows(variance);
  const sizes = bns.map((b) => b.channels);
  const update = (buffer: (b: BatchNorm) => tf.Variable, stats: tf.Tensor[], scale: number) => {
    let r: tf.Tensor = joined(bns.map((b) => pendingValue(c, buffer(b))));
    for (let g = 0; g < G; g++) r = tf.add(tf.mul(r, 1 - m), tf.mul(stats[g], scale));
    const parts = bns.length === 1 ? [r] : tf.split(r, sizes);
    bns.forEach((b, k) => recordUpdate(c, buffer(b), parts[k]));
  };
  update((b) => b.runningMean, means, m);
  update((b) => b.runningVar, variances, (m * n) / Math.max(1, n - 1));
}

/** Layer normalisation over the last axis. */
export class LayerNorm extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  constructor(readonly dim: number, readonly eps = 1e-6) {
    super();
    this.gamma = this.param("weight", tf.ones([dim]), false);
    this.beta = this.param("bias", tf.zeros([dim]), false);
  }

  /** Normalises [..., dim]. */
  forward(x: tf.Tensor): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps))), this.gamma),
      this.beta,
    );
  }
}

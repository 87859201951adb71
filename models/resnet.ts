/**
 * ResNet-18/34 (BasicBlock) and ResNet-50 (Bottleneck, stride on the 3×3 conv as in
 * torchvision ≥ 0.2 "v1.5") with BatchNorm, no fc: global average pool → features.
 *
 * - **CIFAR stem** (default for images ≤ 64 px): 3×3 conv stride 1 + BN + ReLU, no max-pool.
 * - **ImageNet stem**: 7×7 conv stride 2 (padding 3) + BN + ReLU + 3×3 max-pool stride 2
 *   (padding 1).
 * - Width multiplier w (1/16 … 4): every convolution's channel count c becomes
 *   `max(1, round(c·w))` (Python's round-half-even, as the PyTorch peer does); bottleneck
 *   outputs are 4 × the scaled inner width. Features: 512·w (18/34) or 2048·w (50).
 *
 * Convolutions carry no bias; stride-2 3×3 convs pad 1 on every side (PyTorch's
 * alignment, not TensorFlow's "same"). Init as PyTorch's ResNet: He-normal (fan-out) convs,
 * BN weight 1 and bias 0. Parameter paths follow torchvision: `conv1.weight`, `bn1.…`,
 * `layer<s>.<b>.conv1.weight`, `layer<s>.<b>.downsample.{conv,bn}.…`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { type Ctx, Module } from "./module.ts";
import { BatchNorm, Conv2d } from "./layers.ts";

/** Supported depths. */
export const RESNET_DEPTHS = [18, 34, 50] as const;
/** A supported depth. */
export type ResNetDepth = typeof RESNET_DEPTHS[number];
/** Stem choice; `auto` picks `cifar` for images ≤ 64 px and `imagenet` otherwise. */
export type ResNetStem = "auto" | "cifar" | "imagenet";

/** A ResNet's configuration. */
export interface ResNetConfig {
  depth: ResNetDepth;
  /** Channel multiplier, 1/16 … 4 (default 1). */
  width?: number;
  /** Stem (default `auto`, which needs `imageSize`). */
  stem?: ResNetStem;
  /** Input side in pixels (decides the `auto` stem). */
  imageSize?: number;
  /** Input channels, 3 or 1 (default 3). */
  inChannels?: number;
}

const LAYOUT: Record<ResNetDepth, { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
};

/** Python 3's round(): to nearest, ties to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** A channel count scaled by the width multiplier: `max(1, round(c·w))`. */
export function scaledChannels(c: number, width: number): number {
  return Math.max(1, roundHalfEven(c * width));
}

/** The stem `auto` resolves to for an image side. */
export function resolveStem(stem: ResNetStem, imageSize?: number): "cifar" | "imagenet" {
  if (stem !== "auto") return stem;
  check(imageSize !== undefined, "ResNet stem 'auto' needs imageSize (or pick stem 'cifar' or 'imagenet')");
  return imageSize <= 64 ? "cifar" : "imagenet";
}

function conv(rng: Rng, cin: number, cout: number, k: number, stride: number): Conv2d {
  // 1×1: no padding; k×k: pad (k−1)/2 each side (explicit when strided, to match PyTorch).
  const pad: number | "same" | "valid" = k === 1 ? "valid" : stride === 1 ? "same" : (k - 1) / 2;
  return new Conv2d(rng, cin, cout, k, stride, pad, { bias: false, init: "he" });
}

/** 1×1 conv + BN projection shortcut. */
class Downsample extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  constructor(rng: Rng, cin: number, cout: number, stride: number) {
    super();
    this.conv = this.child("conv", conv(rng.derive("conv"), cin, cout, 1, stride));
    this.bn = this.child("bn", new BatchNorm(cout));
  }
  forward(x: tf.Tensor4D, c: Ctx): tf.Tensor4D {
    return this.bn.forward(this.conv.forward(x), c);
  }
}

/** Two 3×3 convs with a residual connection. */
class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm;
  readonly downsample: Downsample | null;
  constructor(rng: Rng, cin: number, planes: number, stride: number) {
    super();
    this.conv1 = this.child("conv1", conv(rng.derive("conv1"), cin, planes, 3, stride));
    this.bn1 = this.child("bn1", new BatchNorm(planes));
    this.conv2 = this.child("conv2", conv(rng.derive("conv2"), planes, planes, 3, 1));
    this.bn2 = this.child("bn2", new BatchNorm(planes));
    this.downsample = stride !== 1 || cin !== planes
      ? this.child("downsample", new Downsample(rng.derive("downsample"), cin, planes, stride))
      : null;
  }
  forward(x: tf.Tensor4D, c: Ctx): tf.Tensor4D {
    const y = tf.relu(this.bn1.forward(this.conv1.forward(x), c));
    const z = this.bn2.forward(this.conv2.forward(y), c);
    return tf.relu(tf.add(z, this.downsample ? this.downsample.forward(x, c) : x));
  }
}

/** 1×1 reduce, 3×3 (strided), 1×1 expand ×4, with a residual connection. */
class Bottleneck extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm;
  readonly downsample: Downsample | null;
  constructor(rng: Rng, cin: number, planes: number, stride: number) {
    super();
    const out = planes * 4;
    this.conv1 = this.child("conv1", conv(rng.derive("conv1"), cin, planes, 1, 1));
    this.bn1 = this.child("bn1", new BatchNorm(planes));
    this.conv2 = this.child("conv2", conv(rng.derive("conv2"), planes, planes, 3, stride));
    this.bn2 = this.child("bn2", new BatchNorm(planes));
    this.conv3 = this.child("conv3", conv(rng.derive("conv3"), planes, out, 1, 1));
    this.bn3 = this.child("bn3", new BatchNorm(out));
    this.downsample = stride !== 1 || cin !== out
      ? this.child("downsample", new Downsample(rng.derive("downsample"), cin, out, stride))
      : null;
  }
  forward(x: tf.Tensor4D, c: Ctx): tf.Tensor4D {
    const y1 = tf.relu(this.bn1.forward(this.conv1.forward(x), c));
    const y2 = tf.relu(this.bn2.forward(this.conv2.forward(y1), c));
    const z = this.bn3.forward(this.conv3.forward(y2), c);
    return tf.relu(tf.add(z, this.downsample ? this.downsample.forward(x, c) : x));
  }
}

/** ResNet backbone without fc: [N, H, W, C] → [N, featureDim]. */
export class ResNet extends Module {
  readonly depth: ResNetDepth;
  readonly width: number;
  readonly stem: "cifar" | "imagenet";
  readonly inChannels: number;
  /** Feature width after global average pooling. */
  readonly featureDim: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm;
  readonly blocks: Array<BasicBlock | Bottleneck> = [];

  constructor(rng: Rng, config: ResNetConfig) {
    super();
    const depth = config.depth;
    check(
      (RESNET_DEPTHS as readonly number[]).includes(depth),
      `unknown ResNet depth ${depth}; use one of ${RESNET_DEPTHS.join(", ")}`,
    );
    const width = config.width ?? 1;
    check(
      Number.isFinite(width) && width >= 1 / 16 && width <= 4,
      `ResNet width multiplier ${width} is outside 1/16 … 4`,
    );
    const inChannels = config.inChannels ?? 3;
    check(inChannels === 1 || inChannels === 3, `ResNet inChannels ${inChannels} must be 1 or 3`);
    this.depth = depth;
    this.width = width;
    this.inChannels = inChannels;
    this.stem = resolveStem(config.stem ?? "auto", config.imageSize);

    const { blocks, bottleneck } = LAYOUT[depth];
    const stemCh = scaledChannels(64, width);
    this.conv1 = this.child(
      "conv1",
      this.stem === "cifar"
        ? conv(rng.derive("conv1"), inChannels, stemCh, 3, 1)
        : conv(rng.derive("conv1"), inChannels, stemCh, 7, 2),
    );
    this.bn1 = this.child("bn1", new BatchNorm(stemCh));
    let cin = stemCh;
    [64, 128, 256, 512].forEach((base, s) => {
      const planes = scaledChannels(base, width);
      for (let b = 0; b < blocks[s]; b++) {
        const stride = b === 0 && s > 0 ? 2 : 1;
        const name = `layer${s + 1}.${b}`;
        const block = bottleneck
          ? new Bottleneck(rng.derive(name), cin, planes, stride)
          : new BasicBlock(rng.derive(name), cin, planes, stride);
        this.blocks.push(this.child(name, block));
        cin = bottleneck ? planes * 4 : planes;
      }
    });
    this.featureDim = cin;
  }

  /** The stem's output map: CIFAR stem [N, H, W, c], ImageNet stem [N, H/4, W/4, c]. */
  forwardStem(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    check(
      x.rank === 4 && x.shape[3] === this.inChannels,
      () => `ResNet built for ${this.inChannels}-channel NHWC images got shape [${x.shape}]`,
    );
    return tf.tidy(() => {
      const y = tf.relu(this.bn1.forward(this.conv1.forward(x), ctx));
      if (this.stem === "cifar") return y;
      // Pad with zeros (inputs are ≥ 0 after ReLU, so this equals −∞ padding) for PyTorch's alignment.
      return tf.maxPool(tf.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, "valid");
    });
  }

  /** The last stage's feature map before pooling: [N, H/s, W/s, featureDim] (s = 8 or 32). */
  forwardMap(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    return tf.tidy(() => {
      let y = this.forwardStem(x, ctx);
      for (const b of this.blocks) y = b.forward(y, ctx);
      return y;
    });
  }

  /** Features [N, featureDim] of images [N, H, W, inChannels]; BN mode from `ctx.training`. */
  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor2D {
    return tf.tidy(() => tf.mean(this.forwardMap(x, ctx), [1, 2]) as tf.Tensor2D);
  }
}

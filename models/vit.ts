/**
 * Vision Transformer backbone: patch embedding (a linear map of flattened p×p patches,
 * equivalent to a p×p stride-p convolution), fixed 2-D sin-cos position embedding, class
 * token, pre-LayerNorm blocks (eps 1e-6, GELU MLP), final LayerNorm. Features are the class
 * token after the final norm, or the mean of the patch tokens after the final norm.
 *
 * The encoder can run on the **visible patches only** (MAE / CAN): pass per-sample kept
 * indices (see {@link randomMasks}); position embeddings are added before the selection.
 *
 * Parameter paths: `patch_embed.{weight,bias}`, `cls_token`, `blocks.<i>.…`, `norm.…`
 * (the fixed position embedding is the buffer `pos_embed`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { type Ctx, Module } from "./module.ts";
import { LayerNorm, Linear } from "./layers.ts";
import { truncNormal } from "./init.ts";
import { Block } from "./transformer.ts";
import { patchify } from "./patches.ts";
import { sincos2d } from "./posembed.ts";
import { gatherTokens } from "./tokens.ts";

/** The standard ViT sizes. */
export const VIT_SIZES = ["tiny", "small", "base", "large"] as const;
/** A standard ViT size. */
export type VitSize = typeof VIT_SIZES[number];

const SIZE_TABLE: Record<VitSize, { width: number; depth: number; heads: number }> = {
  tiny: { width: 192, depth: 12, heads: 3 },
  small: { width: 384, depth: 12, heads: 6 },
  base: { width: 768, depth: 12, heads: 12 },
  large: { width: 1024, depth: 24, heads: 16 },
};

/** How the encoder's tokens become one feature vector. */
export type VitPool = "cls" | "mean";

/** A ViT's full configuration. */
export interface VitConfig {
  /** Token width D. */
  width: number;
  /** Number of transformer blocks. */
  depth: number;
  /** Attention heads (must divide `width`). */
  heads: number;
  /** MLP hidden width = mlpRatio × width. */
  mlpRatio: number;
  /** Patch side p in pixels. */
  patchSize: number;
  /** Image side (square) or [height, width]; both multiples of `patchSize`. */
  imageSize: number | [number, number];
  /** Input channels (3 or 1). */
  inChannels: number;
  /** Feature pooling: class token after the final norm, or mean of patch tokens after it. */
  pool: VitPool;
  /** Whether a class token is prepended (needed for `pool: "cls"`). */
  classToken: boolean;
  /** LayerNorm epsilon. */
  eps: number;
}

/**
 * The configuration of a standard ViT size, with overrides (e.g. a cpu-scale
 * `vitConfig("tiny", { depth: 4, imageSize: 32 })`). Without `patchSize`, images of at most
 * 64 px get patch 4 and larger ones patch 16. Validates the result (UserError).
 */
export function vitConfig(size: VitSize, overrides: Partial<VitConfig> = {}): VitConfig {
  check(
    (VIT_SIZES as readonly string[]).includes(size),
    `unknown ViT size "${size}"; use one of ${VIT_SIZES.join(", ")}`,
  );
  const imageSize = overrides.imageSize ?? 224;
  const side = Array.isArray(imageSize) ? Math.max(...imageSize) : imageSize;
  const cfg: VitConfig = {
    ...SIZE_TABLE[size],
    mlpRatio: 4,
    patchSize: side <= 64 ? 4 : 16,
    imageSize,
    inChannels: 3,
    pool: "cls",
    classToken: true,
    eps: 1e-6,
    ...overrides,
  };
  validateVitConfig(cfg);
  return cfg;
}

/** Throws a UserError naming the first problem in `cfg`. */
export function validateVitConfig(cfg: VitConfig): void {
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  check(posInt(cfg.width) && cfg.width % 4 === 0, `ViT width ${cfg.width} must be a positive multiple of 4`);
  check(posInt(cfg.depth), `ViT depth ${cfg.depth} must be a positive integer`);
  check(
    posInt(cfg.heads) && cfg.width % cfg.heads === 0,
    `ViT heads ${cfg.heads} must be a positive divisor of the width ${cfg.width}`,
  );
  check(cfg.mlpRatio > 0, `ViT mlpRatio ${cfg.mlpRatio} must be positive`);
  check(posInt(cfg.patchSize), `ViT patch size ${cfg.patchSize} must be a positive integer`);
  const [h, w] = imageHW(cfg);
  check(
    posInt(h) && posInt(w) && h % cfg.patchSize === 0 && w % cfg.patchSize === 0,
    `image size ${h}×${w} is not a multiple of the patch size ${cfg.patchSize}; pick a patch size that divides it`,
  );
  check(cfg.inChannels === 1 || cfg.inChannels === 3, `inChannels ${cfg.inChannels} must be 1 or 3`);
  check(cfg.pool === "cls" || cfg.pool === "mean", `ViT pool "${cfg.pool}" must be "cls" or "mean"`);
  check(cfg.pool !== "cls" || cfg.classToken, `ViT pool "cls" needs classToken: true`);
}

function imageHW(cfg: VitConfig): [number, number] {
  return Array.isArray(cfg.imageSize) ? [cfg.imageSize[0], cfg.imageSize[1]] : [cfg.imageSize, cfg.imageSize];
}

/** Options of a ViT forward pass. */
export interface VitForwardOptions {
  /** int32 [N, L_keep]: run on these patches only (per sample); all patches when absent. */
  keep?: tf.Tensor2D;
}

/** Vision Transformer encoder. */
export class ViT extends Module {
  readonly config: VitConfig;
  /** Feature width (= token width D). */
  readonly featureDim: number;
  /** Patch grid rows and columns. */
  readonly gridSize: [number, number];
  /** Number of patches L. */
  readonly numPatches: number;
  readonly patchEmbed: Linear;
  readonly clsToken: tf.Variable | null;
  /** Fixed position embedding [(1 if class token) + L, D] (a buffer, not trained). */
  readonly posEmbed: tf.Variable;
  readonly blocks: Block[] = [];
  readonly norm: LayerNorm;

  constructor(rng: Rng, config: VitConfig) {
    super();
    validateVitConfig(config);
    this.config = config;
    const { width: d, patchSize: p, inChannels: c } = config;
    const [h, w] = imageHW(config);
    this.gridSize = [h / p, w / p];
    this.numPatches = this.gridSize[0] * this.gridSize[1];
    this.featureDim = d;
    this.patchEmbed = this.child(
      "patch_embed",
      new Linear(rng.derive("patch_embed"), p * p * c, d, { init: "xavier" }),
    );
    this.clsToken = config.classToken
      ? this.param("cls_token", truncNormal(rng.derive("cls_token"), [d], 0.02), false)
      : null;
    this.posEmbed = this.buffer(
      "pos_embed",
      sincos2d(d, this.gridSize[0], this.gridSize[1], config.classToken),
    );
    for (let i = 0; i < config.depth; i++) {
      this.blocks.push(
        this.child(
          `blocks.${i}`,
          new Block(rng.derive(`blocks.${i}`), d, config.heads, config.mlpRatio, config.eps),
        ),
      );
    }
    this.norm = this.child("norm", new LayerNorm(d, config.eps));
  }

  /** Patch grid tokens: [N, H, W, C] → [N, L, D] with position embeddings added. */
  embed(x: tf.Tensor4D): tf.Tensor3D {
    const [, h, w, c] = x.shape;
    const [eh, ew] = imageHW(this.config);
    check(
      h === eh && w === ew && c === this.config.inChannels,
      () =>
        `ViT built for ${eh}×${ew}×${this.config.inChannels} images got ${h}×${w}×${c}; build it with the input's size`,
    );
    return tf.tidy(() => {
      const t = this.patchEmbed.forward(patchify(x, this.config.patchSize));
      const lead = this.clsToken ? 1 : 0;
      return tf.add(t, tf.slice(this.posEmbed, [lead, 0], [this.numPatches, -1])) as tf.Tensor3D;
    });
  }

  /**
   * All output tokens after the final norm: [N, (1 if class token) + L_keep, D], class
   * token first, then the kept patches in the order of `keep` (all L patches without it).
   */
  forwardTokens(x: tf.Tensor4D, _ctx?: Ctx, opts: VitForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      let t = this.embed(x);
      if (opts.keep) {
        check(
          opts.keep.shape[0] === x.shape[0],
          `keep indices are for ${opts.keep.shape[0]} samples, the batch has ${x.shape[0]}`,
        );
        t = gatherTokens(t, opts.keep);
      }
      if (this.clsToken) {
        const n = x.shape[0], d = this.featureDim;
        const cls = tf.add(this.clsToken, tf.reshape(tf.slice(this.posEmbed, [0, 0], [1, -1]), [d]));
        t = tf.concat([tf.tile(tf.reshape(cls, [1, 1, d]), [n, 1, 1]), t], 1) as tf.Tensor3D;
      }
      for (const b of this.blocks) t = b.forward(t);
      return this.norm.forward(t) as tf.Tensor3D;
    });
  }

  /** Pools tokens from {@link forwardTokens} into features [N, D] by `pool`. */
  pool(tokens: tf.Tensor3D, pool: VitPool = this.config.pool): tf.Tensor2D {
    return tf.tidy(() => {
      if (pool === "cls") {
        check(this.clsToken !== null, `ViT pool "cls" needs a class token`);
        return tf.reshape(tf.slice(tokens, [0, 0, 0], [-1, 1, -1]), [tokens.shape[0], -1]) as tf.Tensor2D;
      }
      const lead = this.clsToken ? 1 : 0;
      return tf.mean(tf.slice(tokens, [0, lead, 0], [-1, -1, -1]), 1) as tf.Tensor2D;
    });
  }

  /** Features [N, D] of images [N, H, W, C] (optionally of the kept patches only). */
  forward(x: tf.Tensor4D, ctx?: Ctx, opts: VitForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => this.pool(this.forwardTokens(x, ctx, opts)));
  }
}

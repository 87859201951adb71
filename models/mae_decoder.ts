/**
 * MAE-style decoder: projects the encoder's tokens (class token + visible patches) to the
 * decoder width, puts a learned mask token at every masked position, adds a fixed 2-D sin-cos
 * position embedding, optionally adds a per-sample conditioning vector to every token (CAN's
 * noise-level embedding), runs pre-norm transformer blocks and predicts the p·p·C pixels of
 * **every** patch position: output [N, L, p·p·C] (patch order and pixel order of
 * {@link patchify}). The caller selects masked (reconstruction) or visible (denoising)
 * positions.
 *
 * Parameter paths: `decoder_embed.…`, `mask_token`, `decoder_blocks.<i>.…`, `decoder_norm.…`,
 * `decoder_pred.…`; buffer `decoder_pos_embed`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { Module } from "./module.ts";
import { LayerNorm, Linear } from "./layers.ts";
import { truncNormal } from "./init.ts";
import { Block } from "./transformer.ts";
import { sincos1d, sincos2d } from "./posembed.ts";
import { indicator, scatterTokens } from "./tokens.ts";
import { gelu } from "./activations.ts";

/** MAE decoder configuration. */
export interface MaeDecoderConfig {
  /** Width of the encoder tokens it reads. */
  encoderDim: number;
  /** Patch grid [rows, columns] of the encoder. */
  gridSize: [number, number];
  /** Patch side in pixels. */
  patchSize: number;
  /** Image channels (predicted pixels per patch = patchSize² · inChannels). */
  inChannels: number;
  /** Decoder width (paper scale 512). */
  dim: number;
  /** Decoder blocks (paper scale 8). */
  depth: number;
  /** Decoder attention heads (paper scale 16). */
  heads: number;
  /** MLP ratio of the decoder blocks. */
  mlpRatio: number;
  /** Whether the encoder's tokens start with a class token. */
  classToken: boolean;
}

/** Defaults for the settings a caller does not give (MAE paper scale: 512 wide, 8 blocks, 16 heads). */
export function maeDecoderConfig(
  encoder: {
    featureDim: number;
    gridSize: [number, number];
    config: { patchSize: number; inChannels: number; classToken: boolean };
  },
  overrides: Partial<Omit<MaeDecoderConfig, "encoderDim" | "gridSize" | "patchSize" | "inChannels">> = {},
): MaeDecoderConfig {
  const cfg: MaeDecoderConfig = {
    encoderDim: encoder.featureDim,
    gridSize: encoder.gridSize,
    patchSize: encoder.config.patchSize,
    inChannels: encoder.config.inChannels,
    classToken: encoder.config.classToken,
    dim: 512,
    depth: 8,
    heads: 16,
    mlpRatio: 4,
    ...overrides,
  };
  return cfg;
}

/** MAE-style decoder predicting every patch's pixels. */
export class MaeDecoder extends Module {
  readonly config: MaeDecoderConfig;
  readonly numPatches: number;
  /** Output numbers per patch: patchSize² · inChannels. */
  readonly patchDim: number;
  readonly embed: Linear;
  readonly maskToken: tf.Variable;
  readonly posEmbed: tf.Variable;
  readonly blocks: Block[] = [];
  readonly norm: LayerNorm;
  readonly pred: Linear;

  constructor(rng: Rng, config: MaeDecoderConfig) {
    super();
    const c = config;
    check(
      Number.isInteger(c.dim) && c.dim > 0 && c.dim % 4 === 0,
      `decoder width ${c.dim} must be a positive multiple of 4`,
    );
    check(Number.isInteger(c.depth) && c.depth > 0, `decoder depth ${c.depth} must be a positive integer`);
    check(
      Number.isInteger(c.heads) && c.heads > 0 && c.dim % c.heads === 0,
      `decoder heads ${c.heads} must divide the decoder width ${c.dim}`,
    );
    this.config = c;
    this.numPatches = c.gridSize[0] * c.gridSize[1];
    this.patchDim = c.patchSize * c.patchSize * c.inChannels;
    this.embed = this.child(
      "decoder_embed",
      new Linear(rng.derive("embed"), c.encoderDim, c.dim, { init: "xavier" }),
    );
    this.maskToken = this.param("mask_token", truncNormal(rng.derive("mask_token"), [c.dim], 0.02), false);
    this.posEmbed = this.buffer(
      "decoder_pos_embed",
      sincos2d(c.dim, c.gridSize[0], c.gridSize[1], c.classToken),
    );
    for (let i = 0; i < c.depth; i++) {
      this.blocks.push(
        this.child(`decoder_blocks.${i}`, new Block(rng.derive(`blocks.${i}`), c.dim, c.heads, c.mlpRatio)),
      );
    }
    this.norm = this.child("decoder_norm", new LayerNorm(c.dim));
    this.pred = this.child(
      "decoder_pred",
      new Linear(rng.derive("pred"), c.dim, this.patchDim, { init: "xavier" }),
    );
  }

  /**
   * Predicts every patch.
   *
   * @param latent encoder tokens after its final norm: [N, (1 if class token) + L_keep, encoderDim]
   * @param keep int32 [N, L_keep] visible indices used by the encoder; absent = all L visible
   * @param cond optional [N, dim] vector added to every decoder input token (after the
   *   position embedding), e.g. CAN's noise-level embedding
   * @returns [N, L, patchSize² · inChannels]
   */
  forward(latent: tf.Tensor3D, keep?: tf.Tensor2D, cond?: tf.Tensor2D): tf.Tensor3D {
    const c = this.config;
    const lead = c.classToken ? 1 : 0;
    const nKeep = keep ? keep.shape[1] : this.numPatches;
    check(
      latent.shape[1] === lead + nKeep && latent.shape[2] === c.encoderDim,
      () => `decoder expects [N, ${lead + nKeep}, ${c.encoderDim}] tokens, got [${latent.shape}]`,
    );
    check(
      !cond || (cond.shape[0] === latent.shape[0] && cond.shape[1] === c.dim),
      () => `decoder conditioning must be [${latent.shape[0]}, ${c.dim}], got [${cond!.shape}]`,
    );
    return tf.tidy(() => {
      const n = latent.shape[0], d = c.dim, L = this.numPatches;
      const x = this.embed.forward(latent) as tf.Tensor3D;
      let patches = tf.slice(x, [0, lead, 0], [-1, -1, -1]) as tf.Tensor3D;
      if (keep) {
        const placed = scatterTokens(patches, keep, L);
        const masked = tf.sub(1, tf.reshape(indicator(keep, L), [n, L, 1]));
        patches = tf.add(placed, tf.mul(masked, tf.reshape(this.maskToken, [1, 1, d]))) as tf.Tensor3D;
      }
      let t: tf.Tensor3D = lead ? tf.concat([tf.slice(x, [0, 0, 0], [-1, 1, -1]), patches], 1) : patches;
      t = tf.add(t, this.posEmbed);
      if (cond) t = tf.add(t, tf.reshape(cond, [n, 1, d]));
      for (const b of this.blocks) t = b.forward(t);
      const y = this.pred.forward(this.norm.forward(t)) as tf.Tensor3D;
      return lead ? tf.slice(y, [0, lead, 0], [-1, -1, -1]) as tf.Tensor3D : y;
    });
  }
}

/**
 * Embedding of a per-sample scalar (CAN's noise level σ) for the decoder's conditioning:
 * `Linear(freqDim → dim) – GELU – Linear(dim → dim)` applied to `sincos1d(scale · σ)`.
 * The scale (default 1000) spreads σ ∈ [0, 0.1] over the sin-cos frequencies **(our
 * choice; the CAN paper does not give it)**.
 */
export class ScalarEmbedding extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(rng: Rng, readonly dim: number, readonly freqDim = 64, readonly scale = 1000) {
    super();
    check(freqDim % 2 === 0 && freqDim > 0, `scalar embedding freqDim ${freqDim} must be even and positive`);
    this.fc1 = this.child("fc1", new Linear(rng.derive("fc1"), freqDim, dim, { init: "xavier" }));
    this.fc2 = this.child("fc2", new Linear(rng.derive("fc2"), dim, dim, { init: "xavier" }));
  }

  /** [N] scalars → [N, dim]. */
  forward(values: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() =>
      this.fc2.forward(
        gelu(this.fc1.forward(sincos1d(tf.mul(values, this.scale) as tf.Tensor1D, this.freqDim))),
      ) as tf.Tensor2D
    );
  }
}

/**
 * The contract between a method and the training loop: a built method is a
 * {@link MethodModel} — one root {@link Module} holding every parameter and buffer (the
 * momentum encoder and the MoCo queue included, so a checkpoint is the root's state), the
 * parameter groups the optimiser trains, a training forward pass returning the loss and
 * its parts, an after-step hook (EMA, enqueue), eval-mode feature functions and what the
 * similarity analysis needs ({@link MethodSimilarity}).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import type { Ctx, Module } from "../models/module.ts";
import type { ParamGroup } from "./optim.ts";

/** Temperatures of one step, per head (AMCL). Each tensor holds any number of τ values. */
export interface StepTaus {
  /** τ⁺ per head (length C). */
  pos: tf.Tensor[];
  /** τ⁻ per head (length C). */
  neg: tf.Tensor[];
}

/** What a training forward pass returns (tensors the loop disposes). */
export interface StepOutput {
  /** The total loss (sum over heads). */
  loss: tf.Scalar;
  /** Named parts of the loss (e.g. CAN's infonce, rec, denoise). */
  parts: Record<string, tf.Scalar>;
  /** AMCL temperatures. */
  taus?: StepTaus;
}

/** Where training is, for schedules inside a method (momentum cosine). */
export interface StepInfo {
  /** Stage name ("main", or LGP's "mae" / "moco"). */
  stage: string;
  epoch: number;
  /** Progress through the current stage, in [0, 1] (momentum schedules). */
  stageProgress: number;
  /** Global step (0-based) and the total number of steps of the run. */
  step: number;
  totalSteps: number;
}

/**
 * The pair being scored by a {@link PairTemperatureFn}: whether it is a positive pair (two
 * views of one image) or a negative pair, and the L2-normalised features of every head
 * ([N, d'] each; head 0 first), for temperatures taken from another head (tauMode "head1").
 * Structurally the same as eval/similarity.ts `PairContext`.
 */
export interface PairContext {
  kind: "pos" | "neg";
  a: tf.Tensor2D[];
  b: tf.Tensor2D[];
}

/**
 * τ per pair [N] for head `head`'s L2-normalised features `a`, `b` ([N, d'], row i pairs with
 * row i). Without `pair`, both sides are taken as adaptive and from `head` itself.
 */
export type PairTemperatureFn = (
  head: number,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  pair?: PairContext,
) => tf.Tensor1D;

/**
 * What the similarity analysis (figures F1, F3) needs from a model, in eval mode without
 * gradients; it fits eval/similarity.ts `SimilarityModel`.
 */
export interface MethodSimilarity {
  /** Backbone features [B, F] (normalised input images). */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** Head features [B, C, D]. */
  headFeatures(x: tf.Tensor4D): tf.Tensor3D;
  /** The learned τ(a, b) (AMCL, honouring the cell's tauMode) or the constant τ (baselines). */
  temperature: PairTemperatureFn | number;
  /** One line saying which temperature the scaled similarities use (for the record). */
  temperatureNote: string;
}

/** A built, trainable method. */
export interface MethodModel {
  /** Registry name and variant. */
  readonly method: string;
  readonly variant: "baseline" | "amcl";
  /** Every parameter and buffer (the checkpoint is this module's state). */
  readonly root: Module;
  /**
   * What the optimiser trains in `stage`, with learning-rate multipliers. Frozen
   * parameters are absent.
   */
  paramGroups(stage: string): ParamGroup[];
  /**
   * Called when a stage starts (not when a run resumes inside it), e.g. LGP initialises
   * its momentum encoder from the MAE encoder here.
   */
  beginStage?(stage: string): void;
  /**
   * Training forward pass on two augmented views [B, H, W, C]. Runs inside
   * `tf.variableGrads`; may `tf.keep` tensors it needs in {@link afterStep} (and free them
   * there). BatchNorm updates go to `c`.
   */
  forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx, rng: Rng, info: StepInfo): StepOutput;
  /** After the optimiser step (and the BN updates): EMA updates, queue writes. */
  afterStep(info: StepInfo): void;
  /** Eval-mode backbone features [B, F] (kNN, probe, similarity). */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** Eval-mode head features [B, C, D] (similarity, collapse indicators). */
  headFeatures(x: tf.Tensor4D): tf.Tensor3D;
  /** The model as the similarity analysis sees it (eval mode; temperatures of the cell). */
  similarityModel(): MethodSimilarity;
  /** Parameter counts for the record. */
  paramCounts(): { backbone: number; heads: number; phi: number; total: number };
  /** Frees every tensor the model owns. */
  dispose(): void;
}

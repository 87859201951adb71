/**
 * Similarity analysis (figures F1 and F3; spec methods.md): P positive pairs (two augmented
 * views of the same validation image) and P negative pairs (one augmented view each of two
 * different images). For every pair: the cosine similarity of the backbone features, and for
 * every head the temperature-scaled similarity `sim / τ` of the head features (τ from the
 * learned temperature function, or a constant τ for baselines). Returns histogram data and an
 * example-pairs table (image ids and both similarities) that reports can show with thumbnails.
 *
 * The augmentation and the model are parameters, so this file knows nothing of datasets or
 * methods. Pairs and augmentations are deterministic for a seed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";
import { l2Normalize } from "../core/l2_normalize.ts";
import { Rng } from "../core/random.ts";
import type { Histogram } from "../core/temperature_stats.ts";
import { type FeatureFn, type HeadFeatureFn, type ImageArray, imageBatch, selectImages } from "./features.ts";
import { histogram } from "../core/temperature_stats.ts";

/** An augmentation: a batch of NHWC images in [0, 1] to one augmented view per image. */
export type AugmentFn = (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

/**
 * The pair a {@link TemperatureFn} scores: positive (two views of one image) or negative, and
 * the L2-normalised features of every head ([N, d'] each, head 0 first), for temperatures
 * that depend on the kind of pair or come from another head (temperature ablations).
 */
export interface PairContext {
  kind: "pos" | "neg";
  a: tf.Tensor2D[];
  b: tf.Tensor2D[];
}

/**
 * A temperature function: τ per pair, [N], of head `head`'s L2-normalised features `a` and `b`
 * ([N, d'] each, row i pairs with row i). The analysis also passes the {@link PairContext}.
 */
export type TemperatureFn = (head: number, a: tf.Tensor2D, b: tf.Tensor2D, pair?: PairContext) => tf.Tensor1D;

/**
 * The model seen by the analysis (eval mode: no gradients, no BatchNorm updates). The shape
 * of methods' `MethodModel` (`features`, `headFeatures`) plus the temperature.
 */
export interface SimilarityModel {
  /** Backbone features [B, F] of a batch of (augmented) images. */
  features: FeatureFn;
  /** Head features [B, C, D] of a batch of images (absent: no heads). */
  headFeatures?: HeadFeatureFn;
  /** Learned temperatures, or a constant τ for every pair (baselines). */
  temperature: TemperatureFn | number;
}

/** Settings of the similarity analysis. */
export interface SimilarityOptions {
  /** Positive pairs, and as many negative pairs (default 500). */
  pairs?: number;
  /** Seed of the pair choice and the augmentations (default 0). */
  seed?: number;
  /** Histogram bins (default 50). */
  bins?: number;
  /** Example pairs of each kind in the table (default 8). */
  examples?: number;
  /** Pairs per forward pass (default 250). */
  batchSize?: number;
}

/** One row of the example-pairs table. */
export interface SimilarityExample {
  /** Image ids (indices into the validation split). */
  a: number;
  b: number;
  positive: boolean;
  /** Backbone cosine similarity. */
  backbone: number;
  /** Temperature-scaled similarity of head 0 (NaN when there is no head). */
  head: number;
  /** Temperature-scaled similarity of every head. */
  heads: number[];
}

/** Per-pair values of one kind of pair. */
export interface PairValues {
  a: number[];
  b: number[];
  backbone: number[];
  /** Per head: the cosine of the head features. */
  headCosine: number[][];
  /** Per head: the temperature of the pair. */
  tau: number[][];
  /** Per head: cosine / τ. */
  headScaled: number[][];
}

/** The result of the similarity analysis (a plain JSON record). */
export interface SimilarityResult {
  protocol: "similarity";
  pairs: number;
  seed: number;
  /** Backbone cosine histograms, edges fixed to [-1, 1]. */
  backbonePos: Histogram;
  backboneNeg: Histogram;
  /** Per head: histograms of sim/τ; positive and negative share edges. */
  headPos: Histogram[];
  headNeg: Histogram[];
  /** Means, for tables. */
  summary: {
    backbonePosMean: number;
    backboneNegMean: number;
    headPosMean: number[];
    headNegMean: number[];
    tauPosMean: number[];
    tauNegMean: number[];
  };
  examples: SimilarityExample[];
  positives: PairValues;
  negatives: PairValues;
  seconds: number;
}

/**
 * τ from the temperature MLP φ (spec amcl.md §2): `τ = tauMin + (tauMax − tauMin)·sigmoid(−⟨φ(a), φ(b)⟩)`,
 * for the normalised head features a, b. `phi` maps [N, d'] → [N, d'] (one φ shared by all heads).
 */
export function phiTemperature(
  phi: (x: tf.Tensor2D) => tf.Tensor,
  tauMin: number,
  tauMax: number,
): TemperatureFn {
  return (_head, a, b) =>
    tf.tidy(() => {
      const r = tf.sum(tf.mul(phi(a), phi(b)), 1);
      return tf.add(tf.mul(tf.sigmoid(tf.neg(r)), tauMax - tauMin), tauMin) as tf.Tensor1D;
    });
}

function emptyValues(heads: number): PairValues {
  const per = () => Array.from({ length: heads }, () => [] as number[]);
  return { a: [], b: [], backbone: [], headCosine: per(), tau: per(), headScaled: per() };
}

/** Draws P positive ids and P negative (a, b ≠ a) id pairs from `n` images. */
export function drawPairs(
  n: number,
  pairs: number,
  seed: number,
): { pos: Int32Array; negA: Int32Array; negB: Int32Array } {
  check(n >= 2, `similarity analysis needs at least 2 validation images, got ${n}`);
  const rng = new Rng(seed).derive("similarity/pairs");
  const perm = rng.permutation(n);
  const pos = new Int32Array(pairs);
  for (let i = 0; i < pairs; i++) pos[i] = perm[i % n];
  const negA = new Int32Array(pairs);
  const negB = new Int32Array(pairs);
  for (let i = 0; i < pairs; i++) {
    negA[i] = rng.int(n);
    negB[i] = (negA[i] + 1 + rng.int(n - 1)) % n;
  }
  return { pos, negA, negB };
}

/**
 * Runs the analysis on `images` (the validation split) with `augment` and `model`.
 * Nothing trains: each batch runs in `tf.tidy` with the model in eval mode.
 */
export function similarityAnalysis(
  images: ImageArray,
  augment: AugmentFn,
  model: SimilarityModel,
  opts: SimilarityOptions = {},
): SimilarityResult {
  const pairs = opts.pairs ?? 500;
  const seed = opts.seed ?? 0;
  const bins = opts.bins ?? 50;
  const nExamples = opts.examples ?? 8;
  const batch = opts.batchSize ?? 250;
  check(Number.isInteger(pairs) && pairs > 0, `pairs must be a positive integer, got ${pairs}`);
  check(Number.isInteger(batch) && batch > 0, `similarity batch size must be a positive integer`);
  if (typeof model.temperature === "number") {
    check(model.temperature > 0, `constant temperature must be positive, got ${model.temperature}`);
  }
  const t0 = performance.now();
  const { pos, negA, negB } = drawPairs(images.n, pairs, seed);
  const root = new Rng(seed);
  const positives = measure(images, pos, pos, augment, model, root.derive("similarity/pos"), batch, "pos");
  const negatives = measure(images, negA, negB, augment, model, root.derive("similarity/neg"), batch, "neg");

  const heads = positives.headScaled.length;
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  const headPos: Histogram[] = [];
  const headNeg: Histogram[] = [];
  for (let h = 0; h < heads; h++) {
    const all = [...positives.headScaled[h], ...negatives.headScaled[h]];
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    headPos.push(histogram(positives.headScaled[h], { bins, min: lo, max: hi }));
    headNeg.push(histogram(negatives.headScaled[h], { bins, min: lo, max: hi }));
  }
  return {
    protocol: "similarity",
    pairs,
    seed,
    backbonePos: histogram(positives.backbone, { bins, min: -1, max: 1 }),
    backboneNeg: histogram(negatives.backbone, { bins, min: -1, max: 1 }),
    headPos,
    headNeg,
    summary: {
      backbonePosMean: mean(positives.backbone),
      backboneNegMean: mean(negatives.backbone),
      headPosMean: positives.headScaled.map(mean),
      headNegMean: negatives.headScaled.map(mean),
      tauPosMean: positives.tau.map(mean),
      tauNegMean: negatives.tau.map(mean),
    },
    examples: [...pickExamples(positives, true, nExamples), ...pickExamples(negatives, false, nExamples)],
    positives,
    negatives,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Similarities of pairs (idsA[i], idsB[i]), each image augmented independently. */
function measure(
  images: ImageArray,
  idsA: Int32Array,
  idsB: Int32Array,
  augment: AugmentFn,
  model: SimilarityModel,
  rng: Rng,
  batch: number,
  kind: PairContext["kind"],
): PairValues {
  const viewA = rng.derive("view-a");
  const viewB = rng.derive("view-b");
  let out: PairValues | null = null;
  for (let s = 0; s < idsA.length; s += batch) {
    const e = Math.min(idsA.length, s + batch);
    const a = selectImages(images, idsA.subarray(s, e));
    const b = selectImages(images, idsB.subarray(s, e));
    const values = tf.tidy(() => {
      const xa = augment(imageBatch(a, 0, a.n), viewA);
      const xb = augment(imageBatch(b, 0, b.n), viewB);
      const backbone = tf.sum(tf.mul(l2Normalize(model.features(xa)), l2Normalize(model.features(xb))), 1)
        .dataSync();
      const ha = model.headFeatures ? tf.unstack(model.headFeatures(xa), 1) as tf.Tensor2D[] : [];
      const hb = model.headFeatures ? tf.unstack(model.headFeatures(xb), 1) as tf.Tensor2D[] : [];
      const pair: PairContext = { kind, a: ha.map(l2Normalize), b: hb.map(l2Normalize) };
      const perHead = pair.a.map((za, h) => {
        const zb = pair.b[h];
        const cos = tf.sum(tf.mul(za, zb), 1);
        const tau = typeof model.temperature === "number"
          ? tf.fill([e - s], model.temperature)
          : model.temperature(h, za, zb, pair);
        return { cos: cos.dataSync(), tau: tau.dataSync(), scaled: tf.div(cos, tau).dataSync() };
      });
      return { backbone, perHead };
    });
    const heads = values.perHead.length;
    out ??= emptyValues(heads);
    for (let i = 0; i < e - s; i++) {
      out.a.push(idsA[s + i]);
      out.b.push(idsB[s + i]);
      out.backbone.push(values.backbone[i]);
      for (let h = 0; h < heads; h++) {
        out.headCosine[h].push(values.perHead[h].cos[i]);
        out.tau[h].push(values.perHead[h].tau[i]);
        out.headScaled[h].push(values.perHead[h].scaled[i]);
      }
    }
  }
  return out!;
}

/** `count` pairs spread evenly over the range of backbone similarity (lowest to highest). */
function pickExamples(v: PairValues, positive: boolean, count: number): SimilarityExample[] {
  const n = v.backbone.length;
  if (count <= 0 || n === 0) return [];
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => v.backbone[x] - v.backbone[y]);
  const picked = new Set<number>();
  const k = Math.min(count, n);
  for (let j = 0; j < k; j++) picked.add(order[k === 1 ? 0 : Math.round((j * (n - 1)) / (k - 1))]);
  return [...picked].map((i) => ({
    a: v.a[i],
    b: v.b[i],
    positive,
    backbone: v.backbone[i],
    head: v.headScaled.length > 0 ? v.headScaled[0][i] : NaN,
    heads: v.headScaled.map((h) => h[i]),
  }));
}

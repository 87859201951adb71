/**
 * The paper's five augmentations as batched tensor ops, their named sets, and the
 * `Augmenter` that draws one view of a batch from a seeded `Rng`.
 *
 * | flag | op | parameters |
 * |---|---|---|
 * | a | random resized crop | scale (0.08, 1), ratio (3/4, 4/3), output = input size |
 * | b | Gaussian blur | p 0.5, kernel ≈ 10% of the side (odd), σ ∈ (0.1, 2.0) |
 * | c | grayscale | p 0.2 |
 * | d | colour jitter | p 0.8, s = 0.5: brightness 0.4, contrast 0.4, saturation 0.4, hue 0.1 |
 * | e | horizontal flip | p 0.5 |
 *
 * Named sets: `a`, `ab`, `abc`, `abcd`, `abcde`, `default` = `acde`; any other
 * combination of the letters is accepted too, and `none` gives the whole image.
 *
 * Order. Whatever the letters' order, the ops run in the reference order of the SimCLR
 * pipelines in torchvision: RandomResizedCrop (a) → RandomHorizontalFlip (e) →
 * RandomApply(ColorJitter) (d) → RandomGrayscale (c) → GaussianBlur (b); then the
 * dataset's mean/std normalisation. Parameters are drawn per image in that same order.
 *
 * One-channel images: the colour ops (c grayscale, d colour jitter) are identity; the
 * augmenter lists them in `identityOps` and says so in `note`, for the run's record.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { ImageShape } from "./dataset.ts";
import { type CropBox, cropBoxCoords, resizedCrop, sampleCropBox } from "./aug_crop.ts";
import { FLIP_P, flipImages } from "./aug_flip.ts";
import { colourJitter, JITTER_P, type JitterParams, sampleJitter } from "./aug_jitter.ts";
import { onHostBackend, runHostKernel } from "./host_kernel.ts";
import { GRAYSCALE_P, grayscaleImages } from "./aug_grayscale.ts";
import { BLUR_P, BLUR_SIGMA, blurImages, blurKernelSize } from "./aug_blur.ts";

/** Augmentation flags. */
export const AUG_FLAGS = ["a", "b", "c", "d", "e"] as const;
/** One augmentation flag. */
export type AugFlag = typeof AUG_FLAGS[number];

/** What each flag does (for messages and reports). */
export const AUG_NAMES: Readonly<Record<AugFlag, string>> = {
  a: "random resized crop",
  b: "Gaussian blur",
  c: "grayscale",
  d: "colour jitter",
  e: "horizontal flip",
};

/** The named sets. */
export const AUG_SETS: Readonly<Record<string, string>> = {
  a: "a",
  ab: "ab",
  abc: "abc",
  abcd: "abcd",
  abcde: "abcde",
  default: "acde",
  none: "",
};

/** The order ops are applied in (torchvision's SimCLR pipeline order). */
export const REFERENCE_ORDER: readonly AugFlag[] = ["a", "e", "d", "c", "b"];

/** The colour ops (identity on one-channel images). */
export const COLOUR_OPS: readonly AugFlag[] = ["c", "d"];

/** A parsed augmentation set. */
export interface AugSet {
  /** The name as given ("default", "abcde", "ae", …). */
  name: string;
  /** Its flags, in the order they are applied. */
  flags: AugFlag[];
}

/** Parses a set name or flag string; unknown input raises a `UserError` listing the valid ones. */
export function parseAugSet(spec: string): AugSet {
  const letters = Object.hasOwn(AUG_SETS, spec) ? AUG_SETS[spec] : spec;
  const valid = `valid flags: ${AUG_FLAGS.map((f) => `${f} (${AUG_NAMES[f]})`).join(", ")}; named sets: ${
    Object.keys(AUG_SETS).join(", ")
  }`;
  if (spec === "") throw new UserError(`empty augmentation set; ${valid}`);
  const seen = new Set<string>();
  for (const ch of letters) {
    if (!(AUG_FLAGS as readonly string[]).includes(ch)) {
      throw new UserError(`unknown augmentation flag "${ch}" in "${spec}"; ${valid}`);
    }
    if (seen.has(ch)) throw new UserError(`augmentation flag "${ch}" repeated in "${spec}"; ${valid}`);
    seen.add(ch);
  }
  return { name: spec, flags: REFERENCE_ORDER.filter((f) => seen.has(f)) };
}

/** The random parameters of one image's view (null/false = op not applied). */
export interface ViewParams {
  crop: CropBox | null;
  flip: boolean;
  jitter: JitterParams | null;
  gray: boolean;
  blurSigma: number | null;
}

/** Applies one augmentation set to batches of one image shape. */
export class Augmenter {
  /** The set. */
  readonly set: AugSet;
  /** Image shape [H, W, C]. */
  readonly shape: ImageShape;
  /** Flags actually applied (colour ops dropped on one-channel images), in order. */
  readonly active: AugFlag[];
  /** Flags of the set that are identity for this data (colour ops on one channel). */
  readonly identityOps: AugFlag[];
  /** Blur kernel size for this image side. */
  readonly blurKernel: number;
  readonly #mean: number[];
  readonly #std: number[];

  constructor(
    set: string | AugSet,
    data: { shape: ImageShape; mean: readonly number[]; std: readonly number[] },
  ) {
    this.set = typeof set === "string" ? parseAugSet(set) : set;
    this.shape = data.shape;
    const grey = data.shape[2] === 1;
    this.identityOps = grey ? this.set.flags.filter((f) => COLOUR_OPS.includes(f)) : [];
    this.active = this.set.flags.filter((f) => !this.identityOps.includes(f));
    this.blurKernel = blurKernelSize(Math.min(data.shape[0], data.shape[1]));
    if (data.mean.length !== data.shape[2] || data.std.length !== data.shape[2]) {
      throw new Error(`Augmenter: mean/std need ${data.shape[2]} channels`);
    }
    this.#mean = [...data.mean];
    this.#std = [...data.std];
  }

  /** A line for the run's record when some ops are identity, else null. */
  get note(): string | null {
    if (this.identityOps.length === 0) return null;
    return `colour ops ${this.identityOps.join(", ")} (${
      this.identityOps.map((f) => AUG_NAMES[f]).join(", ")
    }) are identity on one-channel images`;
  }

  /** Draws the parameters of one view of `n` images (per image, ops in applied order). */
  sample(n: number, rng: Rng): ViewParams[] {
    const [h, w] = this.shape;
    const out: ViewParams[] = [];
    for (let i = 0; i < n; i++) {
      const p: ViewParams = { crop: null, flip: false, jitter: null, gray: false, blurSigma: null };
      for (const f of this.active) {
        if (f === "a") p.crop = sampleCropBox(h, w, rng);
        else if (f === "e") p.flip = rng.bernoulli(FLIP_P);
        else if (f === "d") p.jitter = rng.bernoulli(JITTER_P) ? sampleJitter(rng) : null;
        else if (f === "c") p.gray = rng.bernoulli(GRAYSCALE_P);
        else if (f === "b") {
          p.blurSigma = rng.bernoulli(BLUR_P) ? rng.range(BLUR_SIGMA[0], BLUR_SIGMA[1]) : null;
        }
      }
      out.push(p);
    }
    return out;
  }

  /** Applies drawn parameters to images in [0, 1] (no normalisation); returns a new tensor. */
  applyParams(images: tf.Tensor4D, params: readonly ViewParams[]): tf.Tensor4D {
    const [, h, w] = images.shape;
    if (params.length !== images.shape[0]) throw new Error("Augmenter: one ViewParams per image");
    return tf.tidy(() => {
      let x: tf.Tensor4D = images;
      // Crop then flip is one cropAndResize with mirrored boxes (exactly the same pixels).
      const fold = this.active.includes("a") && this.active.includes("e");
      for (const f of this.active) {
        if (f === "a") x = resizedCrop(x, params.map((p) => cropBoxCoords(p.crop!, h, w, fold && p.flip)));
        else if (f === "e") x = fold ? x : flipImages(x, params.map((p) => p.flip));
        else if (f === "d") x = colourJitter(x, params.map((p) => p.jitter));
        else if (f === "c") x = grayscaleImages(x, params.map((p) => p.gray));
        else if (f === "b") x = blurImages(x, params.map((p) => p.blurSigma), this.blurKernel);
      }
      return x === images ? tf.clone(x) : x;
    });
  }

  /** (x − mean) / std per channel. */
  normalise(images: tf.Tensor4D): tf.Tensor4D {
    const std = this.#std.map((s) => s || 1);
    if (onHostBackend()) {
      // One pass; each value rounded as the tensor ops round it (float32 − then ÷).
      const f32 = (v: number[]) => v.map((x) => Math.fround(x));
      return runHostKernel(
        "AmclNormalise",
        images,
        { mean: f32(this.#mean), std: f32(std) },
        (src, dst, shape, a) => {
          const c = shape[shape.length - 1];
          for (let i = 0; i < src.length; i++) {
            const k = i % c;
            dst[i] = Math.fround(src[i] - a.mean[k]) / a.std[k];
          }
        },
      );
    }
    return tf.tidy(() =>
      tf.div(
        tf.sub(images, tf.tensor1d(this.#mean)),
        tf.tensor1d(std),
      ) as tf.Tensor4D
    );
  }

  /** One augmented, normalised view of a batch in [0, 1], parameters drawn from `rng`. */
  view(images: tf.Tensor4D, rng: Rng): tf.Tensor4D {
    const params = this.sample(images.shape[0], rng);
    return tf.tidy(() => this.normalise(this.applyParams(images, params)));
  }
}

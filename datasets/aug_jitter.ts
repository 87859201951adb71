/**
 * Augmentation d: colour jitter with probability 0.8 and strength s = 0.5, as
 * torchvision's `ColorJitter(0.8s, 0.8s, 0.8s, 0.2s)`: brightness, contrast and
 * saturation factors ~ U(1 − 0.4, 1 + 0.4), hue shift ~ U(−0.1, 0.1), the four applied in
 * a random order drawn per image, each result clamped to [0, 1]:
 *
 * - brightness f: `f·x`
 * - contrast f: `f·x + (1 − f)·mean(luma(x))` (one mean per image)
 * - saturation f: `f·x + (1 − f)·luma(x)`
 * - hue h: RGB → HSV, H ← (H + h) mod 1, → RGB
 *
 * Batched form: at each of the four positions every image does one op. The three blends
 * are one op `clamp(a·x + c·mean + s·luma)` with per-image coefficients (identity for
 * images doing hue there or not jittered at all); the images doing hue at that position
 * are gathered, shifted, and put back by one gather, so hue costs one pass over the batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { putImages, takeImages } from "./take_put_images.ts";
import { colourJitterTensor } from "./aug_jitter_host.ts";
import { onHostBackend } from "./host_kernel.ts";

/** Probability of jittering an image. */
export const JITTER_P = 0.8;
/** Jitter strength s. */
export const JITTER_S = 0.5;
/** Factor ranges: brightness/contrast/saturation multiply, hue adds (in turns). */
export const JITTER_RANGES = {
  brightness: [1 - 0.8 * JITTER_S, 1 + 0.8 * JITTER_S],
  contrast: [1 - 0.8 * JITTER_S, 1 + 0.8 * JITTER_S],
  saturation: [1 - 0.8 * JITTER_S, 1 + 0.8 * JITTER_S],
  hue: [-0.2 * JITTER_S, 0.2 * JITTER_S],
} as const;

/** Op ids in `order`. */
export const JITTER_OPS = ["brightness", "contrast", "saturation", "hue"] as const;

/** The jitter drawn for one image. */
export interface JitterParams {
  /** A permutation of 0..3 (indices into {@link JITTER_OPS}): the order the ops run in. */
  order: number[];
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

/** Draws one image's jitter: the order (a random permutation), then the four factors. */
export function sampleJitter(rng: Rng): JitterParams {
  const order = Array.from(rng.permutation(4));
  const r = JITTER_RANGES;
  return {
    order,
    brightness: rng.range(r.brightness[0], r.brightness[1]),
    contrast: rng.range(r.contrast[0], r.contrast[1]),
    saturation: rng.range(r.saturation[0], r.saturation[1]),
    hue: rng.range(r.hue[0], r.hue[1]),
  };
}

/**
 * Shifts the hue of image i by `shifts[i]` turns (HSV round trip with torchvision's
 * formulas): [n, H, W, 3] in [0, 1] → same.
 *
 * RGB → hue: with d = (max − x) / (max − min) per channel, the hue in sixths of a turn is
 * d_b − d_g where R is the (first) maximum, 2 + d_r − d_b where G is, 4 + d_g − d_r where
 * B is. HSV → RGB: channel k = V − V·S·clamp(min(t, 4 − t), 0, 1) with
 * t = (m_k + 6H) mod 6, m = 5, 3, 1 for R, G, B, and V·S = max − min.
 */
export function adjustHue(images: tf.Tensor4D, shifts: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = images.shape;
    const maxc = tf.max(images, -1, true);
    const cr = tf.sub(maxc, tf.min(images, -1, true));
    const crDiv = tf.where(tf.equal(cr, 0), tf.onesLike(cr), cr);
    const d = tf.div(tf.sub(maxc, images), crDiv);
    // Columns: the hue (minus its constant) when R, G or B is the maximum.
    const cand = tf.add(
      tf.matMul(tf.reshape(d, [n * h * w, 3]), HUE_CANDIDATES_GET()),
      tf.tensor1d([0, 2, 4]),
    );
    // (int32 one-hot then cast: the wasm backend's float32 oneHot writes integer bits.)
    const which = tf.cast(tf.oneHot(tf.reshape(tf.argMax(images, -1), [n * h * w]), 3), "float32");
    const h6 = tf.reshape(tf.sum(tf.mul(cand, which), -1), [n, h, w, 1]);
    const shift = tf.tensor4d(shifts.map((s) => s * 6), [n, 1, 1, 1]);
    const hue = tf.mod(tf.add(h6, shift), 6);
    const t = tf.mod(tf.add(hue, tf.tensor1d([5, 3, 1])), 6);
    const wgt = tf.clipByValue(tf.minimum(t, tf.sub(4, t)), 0, 1);
    return tf.sub(maxc, tf.mul(cr, wgt)) as tf.Tensor4D;
  });
}

/** Rows d_r, d_g, d_b → columns d_b − d_g, d_r − d_b, d_g − d_r. */
const HUE_CANDIDATES_VALUES = [0, 1, -1, -1, 0, 1, 1, -1, 0];
let hueCandidates: tf.Tensor2D | null = null;
/** The constant 3×3 matrix (built lazily, kept for the backend's lifetime). */
const HUE_CANDIDATES_GET = (): tf.Tensor2D => {
  if (!hueCandidates || hueCandidates.isDisposed) {
    hueCandidates = tf.keep(tf.tensor2d(HUE_CANDIDATES_VALUES, [3, 3]));
  }
  return hueCandidates;
};

/**
 * Colour jitter as tensor ops (any backend; GPU backends use it): image i gets `params[i]`
 * (null = unchanged). Input and output in [0, 1], [B, H, W, 3].
 *
 * Each blend position is one batched matrix product per image (row-vector colours times
 * a 3×3 matrix: brightness f·I, saturation f·I + (1 − f)·w1ᵀ, identity I) plus, for
 * contrast, a per-image offset (1 − f)·mean luma; then the clamp.
 */
export function colourJitterOps(images: tf.Tensor4D, params: readonly (JitterParams | null)[]): tf.Tensor4D {
  if (!params.some((p) => p)) return tf.clone(images);
  return tf.tidy(() => {
    const [n, h, w] = images.shape;
    const lw = [0.299, 0.587, 0.114];
    let x: tf.Tensor4D = images;
    for (let pos = 0; pos < 4; pos++) {
      const m = new Float32Array(n * 9);
      const c = new Float32Array(n);
      const hueIdx: number[] = [];
      const hueShift: number[] = [];
      let blends = false, contrast = false;
      for (let i = 0; i < n; i++) {
        const p = params[i];
        const op = p ? JITTER_OPS[p.order[pos]] : "none";
        let f = 1, sat = 0;
        if (op === "brightness") f = p!.brightness;
        else if (op === "contrast") {
          f = p!.contrast;
          c[i] = 1 - f;
          contrast = true;
        } else if (op === "saturation") {
          f = p!.saturation;
          sat = 1 - f;
        } else if (op === "hue") {
          hueIdx.push(i);
          hueShift.push(p!.hue);
        }
        if (f !== 1 || sat !== 0) blends = true;
        // m[i][k][j] = f·δ_kj + sat·w_k  (out_j = Σ_k x_k m_kj)
        for (let k = 0; k < 3; k++) {
          for (let j = 0; j < 3; j++) m[i * 9 + k * 3 + j] = (k === j ? f : 0) + sat * lw[k];
        }
      }
      if (blends) {
        const x3 = tf.reshape(x, [n, h * w, 3]);
        let y = tf.matMul(x3, tf.tensor3d(m, [n, 3, 3]));
        if (contrast) {
          const mu = tf.sum(tf.mul(tf.mean(x3, 1, true), tf.tensor1d(lw)), -1, true);
          y = tf.add(y, tf.mul(mu, tf.tensor3d(c, [n, 1, 1])));
        }
        x = tf.reshape(tf.clipByValue(y, 0, 1), [n, h, w, 3]);
      }
      if (hueIdx.length > 0) {
        const shifted = adjustHue(hueIdx.length === n ? x : takeImages(x, hueIdx), hueShift);
        x = hueIdx.length === n ? shifted : putImages(x, hueIdx, shifted);
      }
    }
    return x === images ? tf.clone(x) : x;
  });
}

/**
 * Colour jitter of image i by `params[i]` (null = unchanged), [B, H, W, 3] in [0, 1]: one
 * host kernel on wasm and cpu (`aug_jitter_host.ts`), the tensor ops of
 * {@link colourJitterOps} elsewhere; the same result.
 */
export function colourJitter(images: tf.Tensor4D, params: readonly (JitterParams | null)[]): tf.Tensor4D {
  if (!params.some((p) => p)) return tf.clone(images);
  return onHostBackend() ? colourJitterTensor(images, params) : colourJitterOps(images, params);
}

/**
 * Colour jitter (augmentation d) as one pass of plain loops over the pixels, for the
 * backends whose tensors live in host memory (wasm, cpu). Same ops, order, clamps and hue
 * formulas as the tensor-op form in `aug_jitter.ts` (which stays the path for GPU
 * backends): there each of the four positions costs a dozen batch-wide kernels — a
 * per-image 3×3 product, broadcasts over a 3-wide channel axis and an HSV round trip over
 * gathered images — ≈ 70 ms for 256 images of 32×32 on wasm; here ≈ 15.
 *
 * Per image, in its drawn order, each result clamped to [0, 1] (hue keeps values in range):
 *
 * - brightness f: `f·x`; contrast f: `f·x + (1 − f)·mean(luma)`; saturation f:
 *   `f·x + (1 − f)·luma`, with luma = 0.299 R + 0.587 G + 0.114 B;
 * - hue h: with V = max, C = max − min, d_k = (V − x_k) / C (C = 0: divide by 1), the hue in
 *   sixths H6 = d_b − d_g (R the first maximum), 2 + d_r − d_b (G), 4 + d_g − d_r (B); then
 *   channel k = V − C·clamp(min(t, 4 − t), 0, 1), t = (m_k + ((H6 + 6h) mod 6)) mod 6, m = 5, 3, 1.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { JitterParams } from "./aug_jitter.ts";
import { runHostKernel } from "./host_kernel.ts";

/** {@link colourJitterHost} on a [n, H, W, 3] tensor in [0, 1] (host backends); returns a new tensor. */
export function colourJitterTensor(
  images: tf.Tensor4D,
  params: readonly (JitterParams | null)[],
): tf.Tensor4D {
  return runHostKernel(
    "AmclColourJitter",
    images,
    params,
    (src, dst, shape, p) => colourJitterHost(src, shape[1] * shape[2], p, dst),
  );
}

const LUMA = [0.299, 0.587, 0.114] as const;

/** Floored modulo, as tfjs' `mod` (the result has the divisor's sign). */
function mod(a: number, b: number): number {
  const r = a % b;
  return (r < 0 && b > 0) || (r > 0 && b < 0) ? r + b : r;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Applies `params[i]` to image i of `src` ([n, pixels, 3] in [0, 1]) into `dst` (may be `src`). */
export function colourJitterHost(
  src: Float32Array,
  pixels: number,
  params: readonly (JitterParams | null)[],
  dst: Float32Array,
): void {
  const n = params.length;
  if (dst !== src) dst.set(src.subarray(0, n * pixels * 3));
  for (let i = 0; i < n; i++) {
    const p = params[i];
    if (!p) continue;
    const o = i * pixels * 3;
    const end = o + pixels * 3;
    for (const op of p.order) {
      // Indices into JITTER_OPS: 0 brightness, 1 contrast, 2 saturation, 3 hue.
      if (op === 3) {
        const shift6 = Math.fround(p.hue * 6);
        for (let q = o; q < end; q += 3) huePixel(dst, q, shift6);
        continue;
      }
      const f = op === 0 ? p.brightness : op === 1 ? p.contrast : p.saturation;
      if (op === 0) {
        for (let q = o; q < end; q++) dst[q] = clamp01(f * dst[q]);
      } else if (op === 1) {
        let sum = 0;
        for (let q = o; q < end; q += 3) {
          sum += LUMA[0] * dst[q] + LUMA[1] * dst[q + 1] + LUMA[2] * dst[q + 2];
        }
        const c = (1 - f) * (sum / pixels);
        for (let q = o; q < end; q++) dst[q] = clamp01(f * dst[q] + c);
      } else {
        const s = 1 - f;
        for (let q = o; q < end; q += 3) {
          const l = s * (LUMA[0] * dst[q] + LUMA[1] * dst[q + 1] + LUMA[2] * dst[q + 2]);
          dst[q] = clamp01(f * dst[q] + l);
          dst[q + 1] = clamp01(f * dst[q + 1] + l);
          dst[q + 2] = clamp01(f * dst[q + 2] + l);
        }
      }
    }
  }
}

/** Hue shift of the pixel at x[q..q+2] by `shift6` sixths of a turn (formulas above). */
function huePixel(x: Float32Array, q: number, shift6: number): void {
  const r = x[q], g = x[q + 1], b = x[q + 2];
  const v = Math.max(r, g, b);
  const c = v - Math.min(r, g, b);
  const div = c === 0 ? 1 : c;
  const dr = (v - r) / div, dg = (v - g) / div, db = (v - b) / div;
  // The first maximum decides (argmax order R, G, B).
  const h6 = r === v ? db - dg : g === v ? 2 + dr - db : 4 + dg - dr;
  const hue = mod(h6 + shift6, 6);
  for (let k = 0; k < 3; k++) {
    const t = mod(hue + (5 - 2 * k), 6);
    const wgt = Math.min(Math.max(Math.min(t, 4 - t), 0), 1);
    x[q + k] = v - c * wgt;
  }
}

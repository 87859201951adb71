/**
 * Augmentation b: Gaussian blur with probability 0.5, kernel ≈ 10% of the image side
 * (odd: floor(side / 10), plus one when even, at least 3), σ ~ U(0.1, 2.0) per image,
 * reflect padding — torchvision's `GaussianBlur` (kernel weights
 * exp(−x²/2σ²) at x = −(k−1)/2 … (k−1)/2, normalised to sum 1).
 *
 * Batched form: the batch is folded into channels ([B,H,W,C] → [1,H,W,B·C]) so one
 * depthwise convolution applies a different kernel to every image; the blur is separable
 * (a 1×k pass then a k×1 pass). Images not blurred get the unit impulse, which leaves
 * them exactly unchanged.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Probability of blurring an image. */
export const BLUR_P = 0.5;
/** σ range. */
export const BLUR_SIGMA: [number, number] = [0.1, 2.0];

/** Odd kernel size ≈ 10% of the image side (at least 3). */
export function blurKernelSize(side: number): number {
  let k = Math.floor(side / 10);
  if (k % 2 === 0) k += 1;
  return Math.max(3, k);
}

/** Normalised 1-D Gaussian kernel of odd size `k` and width `sigma`. */
export function gaussianKernel1d(k: number, sigma: number): Float32Array {
  const half = (k - 1) / 2;
  const out = new Float32Array(k);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const x = i - half;
    out[i] = Math.exp(-0.5 * (x / sigma) * (x / sigma));
    sum += out[i];
  }
  for (let i = 0; i < k; i++) out[i] /= sum;
  return out;
}

/**
 * Blurs image i with σ = `sigmas[i]` (null = unchanged), kernel size `k` (default from
 * the image width).
 */
export function blurImages(
  images: tf.Tensor4D,
  sigmas: readonly (number | null)[],
  k = blurKernelSize(Math.min(images.shape[1], images.shape[2])),
): tf.Tensor4D {
  if (!sigmas.some((s) => s !== null)) return tf.clone(images);
  const [n, h, w, c] = images.shape;
  const half = (k - 1) / 2;
  if (half >= h || half >= w) return tf.clone(images); // reflect padding needs a larger image
  return tf.tidy(() => {
    const channels = n * c;
    const weights = new Float32Array(k * channels);
    for (let i = 0; i < n; i++) {
      const kern = sigmas[i] === null ? null : gaussianKernel1d(k, sigmas[i]!);
      for (let ch = 0; ch < c; ch++) {
        const col = i * c + ch;
        for (let t = 0; t < k; t++) weights[t * channels + col] = kern ? kern[t] : (t === half ? 1 : 0);
      }
    }
    const folded = tf.reshape(tf.transpose(images, [1, 2, 0, 3]), [1, h, w, channels]) as tf.Tensor4D;
    const padded = tf.mirrorPad(folded, [[0, 0], [half, half], [half, half], [0, 0]], "reflect");
    const horiz = tf.depthwiseConv2d(padded, tf.tensor4d(weights, [1, k, channels, 1]), 1, "valid");
    const both = tf.depthwiseConv2d(horiz, tf.tensor4d(weights, [k, 1, channels, 1]), 1, "valid");
    return tf.transpose(tf.reshape(both, [h, w, n, c]), [2, 0, 1, 3]) as tf.Tensor4D;
  });
}

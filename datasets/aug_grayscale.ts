/**
 * Augmentation c: grayscale with probability 0.2, per image. Luma uses the ITU-R BT.601
 * weights (0.299 R + 0.587 G + 0.114 B), copied to all three channels.
 *
 * Batched form: one batched matrix product of each image's pixels (rows of R, G, B) with
 * a per-image 3×3 matrix: the luma matrix (every column = the weights) for images turned
 * grey, the identity (exactly unchanged) for the others.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { onHostBackend, runHostKernel } from "./host_kernel.ts";

/** Probability of turning an image grey. */
export const GRAYSCALE_P = 0.2;

/** ITU-R BT.601 luma weights for R, G, B. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** Replaces the images whose `gray[i]` is true by their luma in all three channels. */
export function grayscaleImages(images: tf.Tensor4D, gray: readonly boolean[]): tf.Tensor4D {
  if (!gray.some((g) => g)) return tf.clone(images);
  if (onHostBackend() && images.shape[3] === 3) {
    return runHostKernel("AmclGrayscale", images, gray, (src, dst, shape, g) => {
      const per = shape[1] * shape[2] * 3;
      dst.set(src);
      for (let i = 0; i < g.length; i++) {
        if (!g[i]) continue;
        for (let q = i * per; q < (i + 1) * per; q += 3) {
          const l = LUMA_WEIGHTS[0] * src[q] + LUMA_WEIGHTS[1] * src[q + 1] + LUMA_WEIGHTS[2] * src[q + 2];
          dst[q] = dst[q + 1] = dst[q + 2] = l;
        }
      }
    });
  }
  return tf.tidy(() => {
    const [n, h, w, c] = images.shape;
    const m = new Float32Array(n * 9);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        for (let j = 0; j < 3; j++) m[i * 9 + k * 3 + j] = gray[i] ? LUMA_WEIGHTS[k] : (k === j ? 1 : 0);
      }
    }
    const out = tf.matMul(tf.reshape(images, [n, h * w, c]), tf.tensor3d(m, [n, 3, 3]));
    return tf.reshape(out, [n, h, w, c]) as tf.Tensor4D;
  });
}

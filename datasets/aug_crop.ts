/**
 * Augmentation a: random resized crop (scale (0.08, 1), ratio (3/4, 4/3), output = input
 * size), with torchvision's `RandomResizedCrop` parameter sampling: up to 10 tries of
 * area fraction ~ U(scale) and log-aspect ~ U(log ratio), w = round(√(A·r)),
 * h = round(√(A/r)), accepted when the box fits, at a uniform position; otherwise the
 * fallback centre crop (the whole image, its aspect clamped into the ratio range).
 *
 * The whole batch is cropped and resized in one `tf.image.cropAndResize` (bilinear). Its
 * box corners map to the centres of the first and last pixels of the crop, so a crop is
 * resampled from exactly its own pixels (torchvision samples at half-pixel offsets and
 * antialiases when shrinking; at 32 px crops are almost always enlarged, where the two
 * differ by under half a pixel of position).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";

/** A crop box in pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Scale range of the crop area (fraction of the image). */
export const CROP_SCALE: [number, number] = [0.08, 1];
/** Aspect-ratio (width / height) range of the crop. */
export const CROP_RATIO: [number, number] = [3 / 4, 4 / 3];

/** Draws one crop box for an image of `height`×`width` (torchvision's sampling). */
export function sampleCropBox(
  height: number,
  width: number,
  rng: Rng,
  scale: [number, number] = CROP_SCALE,
  ratio: [number, number] = CROP_RATIO,
): CropBox {
  const area = height * width;
  const logLo = Math.log(ratio[0]), logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.range(scale[0], scale[1]);
    const aspect = Math.exp(rng.range(logLo, logHi));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  // Fallback: centre crop of the whole image, aspect clamped into the ratio range.
  const inRatio = width / height;
  let w: number, h: number;
  if (inRatio < ratio[0]) {
    w = width;
    h = Math.round(w / ratio[0]);
  } else if (inRatio > ratio[1]) {
    h = height;
    w = Math.round(h * ratio[1]);
  } else {
    w = width;
    h = height;
  }
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * Normalised `cropAndResize` box [y1, x1, y2, x2] of a pixel box: the corners sit on the
 * centres of the crop's first and last rows/columns. `flip` mirrors it horizontally.
 */
export function cropBoxCoords(box: CropBox, height: number, width: number, flip = false): number[] {
  const ny = Math.max(1, height - 1), nx = Math.max(1, width - 1);
  const y1 = box.top / ny, y2 = (box.top + box.height - 1) / ny;
  const x1 = box.left / nx, x2 = (box.left + box.width - 1) / nx;
  return flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2];
}

/**
 * Crops box i out of image i and resizes it to `outHeight`×`outWidth` (bilinear), for
 * the whole batch at once. `boxes` holds one [y1, x1, y2, x2] row per image.
 */
export function resizedCrop(
  images: tf.Tensor4D,
  boxes: readonly number[][],
  outHeight = images.shape[1],
  outWidth = images.shape[2],
): tf.Tensor4D {
  return tf.tidy(() => {
    const b = images.shape[0];
    const boxT = tf.tensor2d(boxes.flat(), [b, 4], "float32");
    const ind = tf.tensor1d(Array.from({ length: b }, (_, i) => i), "int32");
    return tf.image.cropAndResize(images, boxT, ind, [outHeight, outWidth], "bilinear");
  });
}

/**
 * Augmentation e: horizontal flip with probability 0.5, per image.
 *
 * Batched form: one `cropAndResize` of the whole image with the box's left and right
 * edges swapped for the flipped images. Its sample positions are then exactly the
 * mirrored pixel centres (weights 0 and 1), so the result is an exact mirror, and the
 * other images are exact copies. When the crop (a) also runs, the flip is folded into
 * the crop's boxes instead (see `cropBoxCoords`), costing nothing.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { resizedCrop } from "./aug_crop.ts";

/** Probability of flipping an image. */
export const FLIP_P = 0.5;

/** Mirrors left–right the images whose `flip[i]` is true; the others pass unchanged. */
export function flipImages(images: tf.Tensor4D, flip: readonly boolean[]): tf.Tensor4D {
  return resizedCrop(images, flip.map((f) => (f ? [0, 1, 1, 0] : [0, 0, 1, 1])));
}

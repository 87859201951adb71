/**
 * Taking some images out of a batch and putting them back, fast on every backend.
 *
 * `takeImages` uses `cropAndResize` with the whole-image box at the image's own size:
 * every sample falls exactly on a pixel centre (interpolation weights 0), so the result
 * is an exact copy of the chosen images — and on the wasm backend it is several times
 * faster than `gather` along the batch axis. `putImages` is `tensorScatterUpdate`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Images `indices` of the batch (exact copies), as [k, H, W, C]. */
export function takeImages(images: tf.Tensor4D, indices: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const k = indices.length;
    const boxes = new Float32Array(k * 4);
    for (let i = 0; i < k; i++) boxes.set([0, 0, 1, 1], i * 4);
    return tf.image.cropAndResize(
      images,
      tf.tensor2d(boxes, [k, 4]),
      tf.tensor1d(indices as number[], "int32"),
      [images.shape[1], images.shape[2]],
      "bilinear",
    );
  });
}

/** A copy of the batch with images `indices` replaced by `updates` ([k, H, W, C]). */
export function putImages(
  images: tf.Tensor4D,
  indices: readonly number[],
  updates: tf.Tensor4D,
): tf.Tensor4D {
  return tf.tidy(() =>
    tf.tensorScatterUpdate(images, tf.tensor2d(indices as number[], [indices.length, 1], "int32"), updates)
  );
}

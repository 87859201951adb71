/**
 * Cutting images into non-overlapping square patches and back. Pixel order inside a
 * patch is (row, column, channel); patches are numbered row-major over the patch grid.
 * These are the ViT's patch embedding input and the MAE/CAN reconstruction targets.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";

/**
 * [N, H, W, C] → [N, (H/p)·(W/p), p·p·C]. H and W must be multiples of `p`.
 */
export function patchify(x: tf.Tensor4D, p: number): tf.Tensor3D {
  const [n, h, w, c] = x.shape;
  check(
    h % p === 0 && w % p === 0,
    `image ${h}×${w} is not a multiple of the patch size ${p}; pick a patch size that divides it`,
  );
  const gh = h / p, gw = w / p;
  return tf.tidy(() => {
    const r = tf.reshape(x, [n, gh, p, gw, p, c]);
    return tf.reshape(tf.transpose(r, [0, 1, 3, 2, 4, 5]), [n, gh * gw, p * p * c]) as tf.Tensor3D;
  });
}

/** Inverse of {@link patchify}: [N, gh·gw, p·p·C] → [N, gh·p, gw·p, C]. */
export function unpatchify(x: tf.Tensor3D, p: number, gh: number, gw: number, channels: number): tf.Tensor4D {
  const n = x.shape[0];
  check(
    x.shape[1] === gh * gw && x.shape[2] === p * p * channels,
    `unpatchify: got [${x.shape}], want [N, ${gh * gw}, ${p * p * channels}]`,
  );
  return tf.tidy(() => {
    const r = tf.reshape(x, [n, gh, gw, p, p, channels]);
    return tf.reshape(tf.transpose(r, [0, 1, 3, 2, 4, 5]), [n, gh * p, gw * p, channels]) as tf.Tensor4D;
  });
}

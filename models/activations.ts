/**
 * Activation functions used by the backbones and MLPs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** The activations an {@link MlpLayerSpec} or a transformer block can use. */
export type Activation = "relu" | "gelu" | "none";

const INV_SQRT2 = Math.SQRT1_2;

/**
 * Exact GELU, `x·Φ(x) = ½·x·(1 + erf(x/√2))` (not the tanh approximation): tfjs has an
 * `Erf` kernel with a gradient on the cpu, wasm and webgpu backends.
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, INV_SQRT2)), 1)) as T);
}

/** Applies a named activation. */
export function activate<T extends tf.Tensor>(x: T, act: Activation): T {
  if (act === "relu") return tf.relu(x);
  if (act === "gelu") return gelu(x);
  return x;
}

/**
 * Weight initialisers drawn from the suite's seeded {@link Rng}, so that weights are the
 * same on every backend for a seed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";

/** He (Kaiming) normal, fan-out mode (ResNet convolutions): std = sqrt(2 / fanOut). */
export function heNormal(rng: Rng, shape: number[], fanOut: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.normals(n, Math.sqrt(2 / fanOut)), shape, "float32");
}

/** Uniform in ±1/sqrt(fanIn) (PyTorch's default for Linear and Conv weights and biases). */
export function fanInUniform(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const b = 1 / Math.sqrt(Math.max(1, fanIn));
  return tf.tensor(rng.uniforms(n, -b, b), shape, "float32");
}

/** Xavier (Glorot) uniform (ViT linear layers). */
export function xavierUniform(rng: Rng, shape: number[], fanIn: number, fanOut: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const b = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tensor(rng.uniforms(n, -b, b), shape, "float32");
}

/** Truncated normal (±2 std), for ViT tokens and embeddings. */
export function truncNormal(rng: Rng, shape: number[], std: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = rng.normal();
    while (Math.abs(v) > 2) v = rng.normal();
    out[i] = v * std;
  }
  return tf.tensor(out, shape, "float32");
}

/**
 * The pre-LayerNorm transformer block shared by the ViT encoder and the MAE decoder:
 * `x + Attn(LN(x))`, then `x + MLP(LN(x))` with a GELU MLP.
 *
 * Initialisation follows MAE: Xavier-uniform linear weights, zero biases, unit LayerNorms.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { Module } from "./module.ts";
import { LayerNorm, Linear } from "./layers.ts";
import { gelu } from "./activations.ts";

/** Multi-head self-attention over [N, T, D] with a fused qkv projection. */
export class Attention extends Module {
  readonly qkv: Linear;
  readonly proj: Linear;
  readonly headDim: number;
  constructor(rng: Rng, readonly dim: number, readonly heads: number) {
    super();
    check(dim % heads === 0, `width ${dim} is not divisible by ${heads} attention heads`);
    this.headDim = dim / heads;
    this.qkv = this.child("qkv", new Linear(rng.derive("qkv"), dim, 3 * dim, { init: "xavier" }));
    this.proj = this.child("proj", new Linear(rng.derive("proj"), dim, dim, { init: "xavier" }));
  }

  /** [N, T, D] → [N, T, D]. */
  forward(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [n, t] = x.shape;
      const h = this.heads, dh = this.headDim;
      const qkv = tf.reshape(this.qkv.forward(x), [n, t, 3, h, dh]);
      const parts = tf.split(tf.transpose(qkv, [2, 0, 3, 1, 4]), 3, 0); // 3 × [1, N, H, T, dh]
      const [q, k, v] = parts.map((p) => tf.reshape(p, [n, h, t, dh]) as tf.Tensor4D);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
      const att = tf.softmax(scores, -1);
      const out = tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]); // [N, T, H, dh]
      return this.proj.forward(tf.reshape(out, [n, t, this.dim])) as tf.Tensor3D;
    });
  }
}

/** Pre-norm transformer block (LayerNorm eps 1e-6, MLP hidden = ratio × width, GELU). */
export class Block extends Module {
  readonly norm1: LayerNorm;
  readonly attn: Attention;
  readonly norm2: LayerNorm;
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(rng: Rng, dim: number, heads: number, mlpRatio = 4, eps = 1e-6) {
    super();
    const hidden = Math.round(dim * mlpRatio);
    this.norm1 = this.child("norm1", new LayerNorm(dim, eps));
    this.attn = this.child("attn", new Attention(rng.derive("attn"), dim, heads));
    this.norm2 = this.child("norm2", new LayerNorm(dim, eps));
    this.fc1 = this.child("mlp.fc1", new Linear(rng.derive("fc1"), dim, hidden, { init: "xavier" }));
    this.fc2 = this.child("mlp.fc2", new Linear(rng.derive("fc2"), hidden, dim, { init: "xavier" }));
  }

  /** [N, T, D] → [N, T, D]. */
  forward(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const a = tf.add(x, this.attn.forward(this.norm1.forward(x) as tf.Tensor3D));
      const m = this.fc2.forward(gelu(this.fc1.forward(this.norm2.forward(a))));
      return tf.add(a, m) as tf.Tensor3D;
    });
  }
}

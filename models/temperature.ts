/**
 * The temperature MLP φ shared by all heads and loss terms of an AMCL model
 * (spec amcl.md §2): `φ(x) = relu(x·w1 + b1)·w2 + b2` for row vectors x, with
 * `w1 [in, hidden]`, `b1 [hidden]`, `w2 [hidden, in]`, `b2 [in]` — the layout of the loss
 * test vectors. `in` is the head dimension d' (or the batch size B for Barlow Twins).
 * The losses are pure functions that take these four tensors ({@link PhiParams}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { Module } from "./module.ts";
import { fanInUniform } from "./init.ts";

/** φ's weights as the losses take them. */
export interface PhiParams {
  w1: tf.Tensor2D;
  b1: tf.Tensor1D;
  w2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

/** Applies φ to row vectors [..., in] given its weights (pure; differentiable in all inputs). */
export function applyPhi(phi: PhiParams, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inDim = phi.w1.shape[0];
    const flat = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
    const h = tf.relu(tf.add(tf.matMul(flat, phi.w1), phi.b1)) as tf.Tensor2D;
    const y = tf.add(tf.matMul(h, phi.w2), phi.b2);
    return tf.reshape(y, x.shape);
  });
}

/**
 * The temperature MLP φ: a module with parameters `w1`, `b1`, `w2`, `b2`, initialised as
 * PyTorch's Linear layers (uniform ±1/√fan_in, weights and biases).
 */
export class TemperatureMlp extends Module {
  readonly w1: tf.Variable;
  readonly b1: tf.Variable;
  readonly w2: tf.Variable;
  readonly b2: tf.Variable;

  /**
   * @param inDim d' (or B for Barlow Twins)
   * @param hidden hidden width (default 128)
   */
  constructor(rng: Rng, readonly inDim: number, readonly hidden = 128) {
    super();
    check(
      Number.isInteger(inDim) && inDim > 0,
      `temperature MLP input width ${inDim} must be a positive integer`,
    );
    check(
      Number.isInteger(hidden) && hidden > 0,
      `temperature MLP hidden width ${hidden} must be a positive integer`,
    );
    const r1 = rng.derive("fc1"), r2 = rng.derive("fc2");
    this.w1 = this.param("w1", fanInUniform(r1, [inDim, hidden], inDim));
    this.b1 = this.param("b1", fanInUniform(r1, [hidden], inDim), false);
    this.w2 = this.param("w2", fanInUniform(r2, [hidden, inDim], hidden));
    this.b2 = this.param("b2", fanInUniform(r2, [inDim], hidden), false);
  }

  /** The variables themselves (not copies), for the loss functions and the optimiser. */
  tensors(): PhiParams {
    return {
      w1: this.w1 as tf.Tensor2D,
      b1: this.b1 as tf.Tensor1D,
      w2: this.w2 as tf.Tensor2D,
      b2: this.b2 as tf.Tensor1D,
    };
  }

  /** φ(x) for row vectors [..., inDim]. */
  forward(x: tf.Tensor): tf.Tensor {
    check(
      x.shape[x.rank - 1] === this.inDim,
      () => `temperature MLP built for ${this.inDim}-vectors got shape [${x.shape}]`,
    );
    return applyPhi(this.tensors(), x);
  }
}

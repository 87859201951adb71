/**
 * `untaped` (core/gradients.ts): what runs inside is a constant to an enclosing gradient,
 * records nothing on the tape (no tensors saved for a backward), and the engine's state is
 * restored after it, also when it throws. And a BatchNorm's running statistics, computed
 * that way, leave its gradients as they were.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { untaped } from "../../core/gradients.ts";
import { BatchNorm } from "../../models/layers.ts";
import { applyUpdates, ctx } from "../../models/module.ts";

await initBackend("cpu");

Deno.test("untaped: a constant to the gradient, nothing saved for backward, state restored", async () => {
  const x = tf.tensor1d([1, -2, 3]);
  // d/dx Σ x·k with k = 2x held constant: 2x (the taped k would give 4x).
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, untaped(() => tf.mul(t, 2)))))(x);
  assert.deepEqual(Array.from(g.dataSync()), [2, -4, 6]);
  const taped = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, tf.mul(t, 2))))(x);
  assert.deepEqual(Array.from(taped.dataSync()), [4, -8, 12]);
  // Inside a gradient a Multiply saves its inputs for the backward (Identity clones); untaped, none.
  const identities = async (inner: (t: tf.Tensor) => tf.Tensor) => {
    const prof = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.add(t, inner(t))))(x));
    return prof.kernels.filter((k) => k.name === "Identity").length;
  };
  const saved = await identities((t) => tf.mul(tf.mul(t, 3), t));
  const none = await identities((t) => untaped(() => tf.mul(tf.mul(t, 3), t)));
  assert.ok(saved > none, `Identity saves: taped ${saved}, untaped ${none}`);
  assert.throws(() =>
    untaped(() => {
      throw new Error("inner");
    }), /inner/);
  // Recording works again after the throw: the taped gradient is unchanged.
  const again = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, tf.mul(t, 2))))(x);
  assert.deepEqual(Array.from(again.dataSync()), [4, -8, 12]);
  tf.dispose([x, g, taped, again]);
});

Deno.test("BatchNorm: running statistics off the tape, gradients as with them on it", () => {
  const bn = new BatchNorm(4);
  const x = tf.tensor2d([[1, 2, 3, 4], [2, 0, -1, 5], [0, 1, 1, 1]]);
  const r = tf.tensor2d([[1, -1, 2, 0.5], [0, 2, -1, 1], [3, 1, 0, -2]]);
  const c = ctx(true);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x, c), r)) as tf.Scalar, [
    bn.gamma!,
    bn.beta!,
  ]);
  // The reference: γ, β of y = γ·x̂ + β are Σ r·x̂ and Σ r per channel.
  const { mean, variance } = tf.moments(x, 0);
  const xhat = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
  const dGamma = tf.sum(tf.mul(r, xhat), 0), dBeta = tf.sum(r, 0);
  const err = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
  assert.ok(err(grads[bn.gamma!.name], dGamma) < 1e-5);
  assert.ok(err(grads[bn.beta!.name], dBeta) < 1e-5);
  applyUpdates(c);
  // Running mean = 0.9·0 + 0.1·batch mean; running var = 0.9·1 + 0.1·unbiased batch variance.
  assert.ok(err(bn.runningMean, tf.mul(mean, 0.1)) < 1e-6);
  assert.ok(err(bn.runningVar, tf.add(0.9, tf.mul(variance, 0.1 * 3 / 2))) < 1e-6);
  bn.dispose();
});

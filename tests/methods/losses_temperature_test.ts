/**
 * The adaptive temperature and Ω: bounds, direction (larger r → smaller τ), Ω's minimum
 * at τ = 2/d', stop-gradient, and the temperature option checks.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import {
  boundTemperature,
  omega,
  phiForward,
  resolveTemperature,
  stopGradient,
  temperature,
} from "../../methods/losses/mod.ts";
import { randn, randPhi } from "./losses_testutil.ts";
import { offTape } from "../../methods/losses/stop_gradient.ts";
import { maskedLogSumExp } from "../../methods/losses/logsumexp.ts";

await initBackend("cpu");

Deno.test("τ stays within [tauMin, tauMax] and decreases as the score r grows", () => {
  const r = tf.linspace(-200, 200, 401);
  const tau = boundTemperature(r, 1e-5, 2).dataSync();
  for (let i = 0; i < tau.length; i++) {
    assert.ok(tau[i] >= Math.fround(1e-5) && tau[i] <= 2, `τ = ${tau[i]}`);
    if (i > 0) assert.ok(tau[i] <= tau[i - 1], "non-increasing in r");
  }
  assert.ok(tau[0] > tau[200] && tau[200] > tau[400], "strictly smaller for a clearly larger r");
  assert.ok(Math.abs(tau[200] - (1e-5 + (2 - 1e-5) / 2)) < 1e-6, "r = 0 gives the midpoint");
  // Float32 saturates at the bounds, never beyond.
  assert.ok(Math.abs(tau[400] - 1e-5) < 1e-9);
  assert.ok(Math.abs(tau[0] - 2) < 1e-6);
});

Deno.test("temperature(a, b, φ) = tauMin + ι·sigmoid(−⟨φ(a), φ(b)⟩), in bounds", () => {
  const rng = new Rng(21);
  const a = randn(rng, [6, 4]) as tf.Tensor2D, b = randn(rng, [6, 4]) as tf.Tensor2D;
  const phi = randPhi(rng, 4, 8, 0.7);
  const tau = temperature(a, b, phi, 0.05, 1.5).dataSync();
  const r = tf.sum(tf.mul(phiForward(a, phi), phiForward(b, phi)), 1).dataSync();
  for (let i = 0; i < 6; i++) {
    const want = 0.05 + 1.45 / (1 + Math.exp(r[i]));
    assert.ok(Math.abs(tau[i] - want) < 1e-6, `${tau[i]} vs ${want}`);
    assert.ok(tau[i] >= Math.fround(0.05) && tau[i] <= Math.fround(1.5), `τ = ${tau[i]}`);
  }
});

Deno.test("Ω(τ) = (d'/2) log τ + 1/τ has its minimum at τ = 2/d'", () => {
  for (const d of [4, 16, 128]) {
    const star = 2 / d;
    const grid = tf.linspace(star / 4, star * 4, 1001);
    const om = omega(grid, d).dataSync();
    const g = grid.dataSync();
    let best = 0;
    for (let i = 1; i < om.length; i++) if (om[i] < om[best]) best = i;
    assert.ok(Math.abs(g[best] - star) / star < 0.01, `argmin ${g[best]} vs ${star}`);
    const slope = tf.grad((t: tf.Tensor) => omega(t, d))(tf.scalar(star)).dataSync()[0];
    assert.ok(Math.abs(slope) < 1e-3 * d * d, `Ω'(2/d') = ${slope}`);
    assert.ok(
      Math.abs(omega(tf.scalar(star), d).dataSync()[0] - ((d / 2) * Math.log(star) + 1 / star)) < 1e-3,
    );
  }
});

Deno.test("stopGradient is the identity forward and blocks the gradient", () => {
  const x = tf.tensor1d([1, 2, 3]);
  assert.deepEqual(Array.from(stopGradient(x).dataSync()), [1, 2, 3]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.mul(stopGradient(t), t), t)))(x);
  // d/dt [sg(t)·t + t] = sg(t) + 1
  assert.deepEqual(Array.from(g.dataSync()), [2, 3, 4]);
});

Deno.test("offTape's value is a constant to the gradient: nothing runs backward through it", async () => {
  const x = tf.tensor2d([[1, 5, 2], [0, -1, 3]]);
  // d/dx Σ (x − max_row(x)) with the max off the tape = 1 everywhere.
  const f = (t: tf.Tensor) => tf.sum(tf.sub(t, offTape(() => tf.max(t, 1, true))));
  assert.deepEqual(Array.from(tf.grad(f)(x).dataSync()), [1, 1, 1, 1, 1, 1]);
  // The stable log-sum-exp's gradient (the softmax) runs no Max gradient (Equal) and no zeros.
  const prof = await tf.profile(() =>
    tf.grad((t: tf.Tensor) => tf.sum(maskedLogSumExp(t as tf.Tensor2D, null)))(x)
  );
  const names = prof.kernels.map((k) => k.name);
  assert.ok(!names.includes("Equal"), `kernels: ${names.join(", ")}`);
  const g = tf.grad((t: tf.Tensor) => tf.sum(maskedLogSumExp(t as tf.Tensor2D, null)))(x);
  const sm = tf.softmax(x);
  assert.ok(tf.max(tf.abs(tf.sub(g, sm))).dataSync()[0] < 1e-6, "gradient = softmax of each row");
});

Deno.test("temperature options: defaults, one-sided constants, and bad values", () => {
  const s = resolveTemperature("amcl_ntxent", {});
  assert.deepEqual(s, {
    tauMin: 1e-5,
    tauMax: 2,
    positive: "adaptive",
    negative: "adaptive",
    fromHead: "each",
  });
  const one = resolveTemperature("amcl_ntxent", { tau: 0.2, tauNegative: "adaptive", tauFromHead: 1 });
  assert.equal(one.positive, 0.2);
  assert.equal(one.negative, "adaptive");
  assert.equal(one.fromHead, 1);
  assert.throws(
    () => resolveTemperature("x", { tauMin: 2, tauMax: 1 }),
    (e: Error) => e instanceof UserError && /tauMin = 2 must be < tauMax = 1/.test(e.message),
  );
  assert.throws(() => resolveTemperature("x", { tauMin: 0.5, tauMax: 0.5 }), UserError);
  assert.throws(() => resolveTemperature("x", { tauMin: 0 }), /tauMin = 0/);
  assert.throws(() => resolveTemperature("x", { tau: -1 }), /tau = -1/);
  assert.throws(() => resolveTemperature("x", { tauFromHead: 2 as never }), /tauFromHead/);
});

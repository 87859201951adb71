/**
 * Baseline losses beyond the vectors: heads summed, InfoNCE = NT-Xent, SimSiam's
 * stop-gradient, FD gradients, MoCo's one direction, no tensor leaks.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { barlow, infonce, moco, ntxent, simsiam } from "../../methods/losses/mod.ts";
import { assertFd, fdCheck, randn, value } from "./losses_testutil.ts";

await initBackend("cpu");

const B = 4, C = 2, D = 5;
const head = (x: tf.Tensor, c: number) => tf.slice(x, [0, c, 0], [x.shape[0], 1, x.shape[2]!]);
const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a)), `${a} vs ${b}`);

Deno.test("multi-head baselines are the sum of the single-head losses", () => {
  const rng = new Rng(1);
  const z1 = randn(rng, [B, C, D]), z2 = randn(rng, [B, C, D]), queue = randn(rng, [C, D, 7]);
  const h = [0, 1];
  const nt = (a: tf.Tensor, b: tf.Tensor, c: number) =>
    value(ntxent(a, b, { heads: c, temperature: 0.3 }).loss);
  close(nt(z1, z2, C), h.reduce((s, c) => s + nt(head(z1, c), head(z2, c), 1), 0));
  const mo = (a: tf.Tensor, b: tf.Tensor, q: tf.Tensor, c: number) =>
    value(moco(a, b, q, { heads: c, temperature: 0.2 }).loss);
  close(
    mo(z1, z2, queue, C),
    h.reduce((s, c) => s + mo(head(z1, c), head(z2, c), tf.slice(queue, [c, 0, 0], [1, D, 7]), 1), 0),
  );
  const ss = (a: tf.Tensor, b: tf.Tensor, c: number) => value(simsiam(a, b, b, a, { heads: c }).loss);
  close(ss(z1, z2, C), h.reduce((s, c) => s + ss(head(z1, c), head(z2, c), 1), 0));
  const bt = (a: tf.Tensor, b: tf.Tensor, c: number) => value(barlow(a, b, { heads: c, lambda: 0.005 }).loss);
  close(bt(z1, z2, C), h.reduce((s, c) => s + bt(head(z1, c), head(z2, c), 1), 0));
});

Deno.test("InfoNCE (CAN/LGP) equals NT-Xent; NT-Xent matches a plain-JS evaluation", () => {
  const rng = new Rng(2);
  const z1 = randn(rng, [B, 1, D]), z2 = randn(rng, [B, 1, D]);
  const a = value(ntxent(z1, z2, { heads: 1, temperature: 0.5 }).loss);
  assert.equal(a, value(infonce(z1, z2, { heads: 1, temperature: 0.5 }).loss));
  const rows = [...(z1.arraySync() as number[][][]), ...(z2.arraySync() as number[][][])].map((r) => {
    const n = Math.hypot(...r[0]);
    return r[0].map((x) => x / n);
  });
  const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i], 0);
  let want = 0;
  for (let i = 0; i < 2 * B; i++) {
    const pos = (i + B) % (2 * B);
    const denom = rows.reduce((s, r, j) => j === i ? s : s + Math.exp(dot(rows[i], r) / 0.5), 0);
    want += -Math.log(Math.exp(dot(rows[i], rows[pos]) / 0.5) / denom);
  }
  close(a, want / (2 * B));
});

Deno.test("FD gradients of the baselines; SimSiam targets get zero gradient", () => {
  const rng = new Rng(3);
  const z1 = randn(rng, [B, C, D]), z2 = randn(rng, [B, C, D]), queue = randn(rng, [C, D, 6]);
  assertFd(fdCheck((t) => ntxent(t[0], t[1], { heads: C, temperature: 0.3 }).loss, [z1, z2], rng));
  assertFd(fdCheck((t) => moco(t[0], t[1], t[2], { heads: C, temperature: 0.2 }).loss, [z1, z2, queue], rng));
  assertFd(fdCheck((t) => barlow(t[0], t[1], { heads: C, lambda: 0.05 }).loss, [z1, z2], rng));
  const p1 = randn(rng, [B, C, D]), p2 = randn(rng, [B, C, D]);
  const f = (t: tf.Tensor[]) => simsiam(t[0], t[1], t[2], t[3], { heads: C }).loss;
  assertFd(fdCheck(f, [p1, z2, p2, z1], rng, { wrt: [0, 2] }));
  const g = tf.grads((...t: tf.Tensor[]) => f(t))([p1, z2, p2, z1]);
  assert.equal(tf.max(tf.abs(g[1])).dataSync()[0], 0);
  assert.equal(tf.max(tf.abs(g[3])).dataSync()[0], 0);
  assert.ok(tf.max(tf.abs(g[0])).dataSync()[0] > 0);
});

Deno.test("MoCo is one direction: swapping q and k changes the loss", () => {
  const rng = new Rng(4);
  const q = randn(rng, [B, 1, D]), k = randn(rng, [B, 1, D]), queue = randn(rng, [1, D, 6]);
  const a = value(moco(q, k, queue, { heads: 1, temperature: 0.2 }).loss);
  const b = value(moco(k, q, queue, { heads: 1, temperature: 0.2 }).loss);
  assert.notEqual(a, b);
});

Deno.test("baselines return constant temperatures when asked; no tensor leaks", () => {
  const rng = new Rng(5);
  const z1 = randn(rng, [B, C, D]), z2 = randn(rng, [B, C, D]);
  const n = tf.memory().numTensors;
  const out = ntxent(z1, z2, { heads: C, temperature: 0.3, returnTemperatures: true });
  assert.equal(out.temperatures!.length, C);
  assert.deepEqual(out.temperatures![0].negative!.shape, [2 * B * (2 * B - 2)]);
  assert.ok(out.temperatures![1].positive.dataSync().every((v) => Math.abs(v - 0.3) < 1e-7));
  out.temperatures!.forEach((t) => tf.dispose([t.positive, t.negative!]));
  out.loss.dispose();
  assert.equal(tf.memory().numTensors, n);
  for (let i = 0; i < 3; i++) {
    tf.tidy(() => {
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.addN([
          ntxent(a, b, { heads: C, temperature: 0.3 }).loss,
          simsiam(a, b, b, a, { heads: C }).loss,
          barlow(a, b, { heads: C, lambda: 0.005 }).loss,
        ]) as tf.Scalar
      )([z1, z2]);
    });
  }
  assert.equal(tf.memory().numTensors, n);
});

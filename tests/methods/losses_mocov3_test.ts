/**
 * MoCo v3 loss (LGP) and its AMCL form: values against plain-JS references (2τ factor,
 * symmetrisation, in-batch keys only, top-κ over all keys with the positive), heads summed,
 * keys without gradient, finite-difference gradients, returned temperatures, errors.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import {
  amclMocov3,
  disposeTemperatures,
  infonce,
  LOSSES,
  mocov3,
  type PhiParams,
} from "../../methods/losses/mod.ts";
import { assertFd, fdCheck, phiFrom, phiList, randn, randPhi, value } from "./losses_testutil.ts";

await initBackend("cpu");

const B = 4, C = 2, D = 5, H = 6;
const T = { tauMin: 0.1, tauMax: 1.0 };

type Mat = number[][];

/** Head c of a [B, C, D] tensor as plain rows. */
function rows(x: tf.Tensor, c: number): Mat {
  const a = x.arraySync() as number[][][];
  return a.map((r) => r[c]);
}
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const unit = (a: number[]) => a.map((v) => v / Math.sqrt(dot(a, a)));

/** Reference MoCo v3: Σ_c Σ_dir 2T · mean_i −log softmax_i(q_i·k_j/T). */
function refMocov3(q1: tf.Tensor, q2: tf.Tensor, k1: tf.Tensor, k2: tf.Tensor, t: number): number {
  let total = 0;
  for (let c = 0; c < q1.shape[1]!; c++) {
    for (const [qt, kt] of [[q1, k2], [q2, k1]]) {
      const q = rows(qt, c).map(unit), k = rows(kt, c).map(unit);
      let ce = 0;
      q.forEach((qi, i) => {
        const logits = k.map((kj) => dot(qi, kj) / t);
        const lse = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
        ce += lse - logits[i];
      });
      total += 2 * t * ce / q.length;
    }
  }
  return total;
}

/** Reference φ and τ (spec amcl.md §2). */
function refPhi(p: PhiParams) {
  const w1 = p.w1.arraySync(), b1 = p.b1.arraySync(), w2 = p.w2.arraySync(), b2 = p.b2.arraySync();
  return (x: number[]) => {
    const h = b1.map((b, j) => Math.max(0, b + x.reduce((s, v, i) => s + v * w1[i][j], 0)));
    return b2.map((b, j) => b + h.reduce((s, v, i) => s + v * w2[i][j], 0));
  };
}

/**
 * Reference AMCL MoCo v3 (top-κ over the B keys, positive included; negReg "code").
 * `opts.constTau`: one constant τ for every pair (Ω terms vanish); `opts.fromHead1`: every
 * head's τ from head 1's features.
 */
function refAmcl(
  q1: tf.Tensor,
  q2: tf.Tensor,
  k1: tf.Tensor,
  k2: tf.Tensor,
  p: PhiParams,
  beta: number,
  topk: number,
  opts: { constTau?: number; fromHead1?: boolean } = {},
): number {
  const phi = refPhi(p);
  const tau = (a: number[], b: number[]) => T.tauMin + (T.tauMax - T.tauMin) / (1 + Math.exp(dot(a, b)));
  const omega = (t: number) => (D / 2) * Math.log(t) + 1 / t;
  const b = opts.constTau === undefined ? beta : 0;
  let total = 0;
  for (let c = 0; c < q1.shape[1]!; c++) {
    for (const [qt, kt] of [[q1, k2], [q2, k1]]) {
      const q = rows(qt, c).map(unit), k = rows(kt, c).map(unit);
      const src = opts.fromHead1 ? 0 : c;
      const pq = rows(qt, src).map(unit).map(phi), pk = rows(kt, src).map(unit).map(phi);
      let sum = 0;
      q.forEach((qi, i) => {
        const s = k.map((kj) => dot(qi, kj));
        const tj = pk.map((pkj) => opts.constTau ?? tau(pq[i], pkj));
        const kk = Math.min(topk, k.length);
        const sel = s.map((v, j) => [v, j]).sort((x, y) => y[0] - x[0]).slice(0, kk).map((x) => x[1]);
        let l = -s[i] / tj[i] + b * omega(tj[i]);
        for (const j of sel) l += s[j] / tj[j] / kk - b * (Math.log(tj[j]) + 1 / tj[j]);
        sum += l;
      });
      total += sum / q.length;
    }
  }
  return total;
}

function inputs(seed: number, b = B, c = C) {
  const rng = new Rng(seed);
  return {
    q1: randn(rng, [b, c, D]),
    q2: randn(rng, [b, c, D]),
    k1: randn(rng, [b, c, D]),
    k2: randn(rng, [b, c, D]),
    phi: randPhi(rng, D, H),
    rng,
  };
}

function close(a: number, b: number, tol = 1e-5) {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

Deno.test("mocov3 = 2τ·CE(q·kᵀ/τ, diagonal), symmetrised, heads summed (plain-JS reference)", () => {
  const { q1, q2, k1, k2, phi } = inputs(1);
  for (const t of [0.2, 0.5]) {
    close(value(mocov3(q1, q2, k1, k2, { heads: C, temperature: t }).loss), refMocov3(q1, q2, k1, k2, t));
  }
  // Not the two-view InfoNCE, which also counts same-view in-batch vectors as negatives.
  const twoView = 0.4 * (value(infonce(q1, k2, { heads: C, temperature: 0.2 }).loss) +
    value(infonce(q2, k1, { heads: C, temperature: 0.2 }).loss));
  assert.ok(Math.abs(twoView - refMocov3(q1, q2, k1, k2, 0.2)) > 1e-3);
  // Registry adapter: same value by input name.
  const viaRegistry = value(
    LOSSES.mocov3.evaluate({ q1, q2, k1, k2 }, null, { heads: C, temperature: 0.2 }),
  );
  close(viaRegistry, refMocov3(q1, q2, k1, k2, 0.2));
  assert.deepEqual(LOSSES.mocov3.constantInputs, ["k1", "k2"]);
  tf.dispose([q1, q2, k1, k2, ...phiList(phi)]);
});

Deno.test("amcl_mocov3 matches the plain-JS reference (κ < B, κ ≥ B clipped)", () => {
  const { q1, q2, k1, k2, phi } = inputs(2);
  for (const topk of [2, 100]) {
    const got = value(amclMocov3(q1, q2, k1, k2, phi, { heads: C, beta: 0.05, topk, ...T }).loss);
    close(got, refAmcl(q1, q2, k1, k2, phi, 0.05, topk), 1e-4);
  }
  const viaRegistry = value(
    LOSSES.amcl_mocov3.evaluate({ q1, q2, k1, k2 }, phi, { heads: C, beta: 0.05, topk: 2, ...T }),
  );
  close(viaRegistry, refAmcl(q1, q2, k1, k2, phi, 0.05, 2), 1e-4);
  // Spec §6 switches: one constant τ (no φ needed), every head's τ from head 1.
  const constant = value(amclMocov3(q1, q2, k1, k2, null, { heads: C, beta: 0.05, topk: 2, tau: 0.3 }).loss);
  close(constant, refAmcl(q1, q2, k1, k2, phi, 0.05, 2, { constTau: 0.3 }), 1e-4);
  const head1 = value(
    amclMocov3(q1, q2, k1, k2, phi, { heads: C, beta: 0.05, topk: 2, tauFromHead: 1, ...T }).loss,
  );
  close(head1, refAmcl(q1, q2, k1, k2, phi, 0.05, 2, { fromHead1: true }), 1e-4);
  assert.ok(Math.abs(head1 - refAmcl(q1, q2, k1, k2, phi, 0.05, 2)) > 1e-4);
  tf.dispose([q1, q2, k1, k2, ...phiList(phi)]);
});

Deno.test("heads are summed: C = 2 equals the sum of the single-head losses", () => {
  const { q1, q2, k1, k2, phi } = inputs(3);
  const head = (x: tf.Tensor, c: number) => tf.slice(x, [0, c, 0], [B, 1, D]);
  const base = (a: tf.Tensor[], heads: number) =>
    value(mocov3(a[0], a[1], a[2], a[3], { heads, temperature: 0.2 }).loss);
  const amcl = (a: tf.Tensor[], heads: number) =>
    value(amclMocov3(a[0], a[1], a[2], a[3], phi, { heads, beta: 0.05, topk: 3, ...T }).loss);
  for (const f of [base, amcl]) {
    const all = f([q1, q2, k1, k2], C);
    const parts = [0, 1].map((c) => {
      const one = [q1, q2, k1, k2].map((x) => head(x, c));
      const v = f(one, 1);
      tf.dispose(one);
      return v;
    });
    close(all, parts[0] + parts[1], 1e-5);
    assert.ok(Math.abs(parts[0]) > 1e-3 && Math.abs(parts[1]) > 1e-3);
  }
  tf.dispose([q1, q2, k1, k2, ...phiList(phi)]);
});

Deno.test("keys get zero gradient; queries and φ get a gradient", () => {
  const { q1, q2, k1, k2, phi } = inputs(4);
  const cases: [(t: tf.Tensor[]) => tf.Scalar, tf.Tensor[]][] = [
    [(t) => mocov3(t[0], t[1], t[2], t[3], { heads: C, temperature: 0.2 }).loss, [q1, q2, k1, k2]],
    [
      (t) =>
        amclMocov3(t[0], t[1], t[2], t[3], phiFrom(t.slice(4)), { heads: C, beta: 0.05, topk: 2, ...T }).loss,
      [q1, q2, k1, k2, ...phiList(phi)],
    ],
  ];
  for (const [f, xs] of cases) {
    const g = tf.grads((...t: tf.Tensor[]) => f(t))(xs);
    const norms = g.map((x) => tf.tidy(() => tf.max(tf.abs(x)).dataSync()[0]));
    assert.ok(norms[0] > 1e-4 && norms[1] > 1e-4, "queries learn");
    assert.equal(norms[2], 0, "k1 has no gradient");
    assert.equal(norms[3], 0, "k2 has no gradient");
    if (xs.length > 4) assert.ok(norms[4] > 0, "φ learns from the pairs");
    tf.dispose(g);
  }
  tf.dispose([q1, q2, k1, k2, ...phiList(phi)]);
});

Deno.test("FD gradients: amcl_mocov3 (top-κ, softmax form, paper regulariser) wrt queries and φ", () => {
  const variants = [
    { heads: C, beta: 0.05, topk: 2, ...T },
    { heads: C, beta: 0.05, form: "softmax" as const, ...T },
    { heads: C, beta: 0.05, topk: 1, negReg: "paper" as const, ...T },
  ];
  variants.forEach((o, i) => {
    const { q1, q2, k1, k2, phi, rng } = inputs(10 + i);
    const xs = [q1, q2, k1, k2, ...phiList(phi)];
    const f = (t: tf.Tensor[]) => amclMocov3(t[0], t[1], t[2], t[3], phiFrom(t.slice(4)), o).loss;
    assertFd(fdCheck(f, xs, rng, { wrt: [0, 1, 4, 5, 6, 7] }));
    tf.dispose(xs);
  });
});

Deno.test("returned temperatures: both directions per head, constants for the baseline; no leaks", () => {
  const { q1, q2, k1, k2, phi } = inputs(5);
  const before = tf.memory().numTensors;
  const a = amclMocov3(q1, q2, k1, k2, phi, {
    heads: C,
    beta: 0.05,
    topk: 3,
    returnTemperatures: true,
    ...T,
  });
  assert.equal(a.temperatures!.length, C);
  for (const t of a.temperatures!) {
    assert.deepEqual(t.positive.shape, [2 * B]);
    assert.deepEqual(t.negative!.shape, [2 * B * 3]);
    const v = [...t.positive.dataSync(), ...t.negative!.dataSync()];
    assert.ok(v.every((x) => x > T.tauMin && x < T.tauMax));
  }
  const b = mocov3(q1, q2, k1, k2, { heads: C, temperature: 0.2, returnTemperatures: true });
  assert.deepEqual(b.temperatures![0].negative!.shape, [2 * B * (B - 1)]);
  assert.ok(b.temperatures!.every((t) => t.positive.dataSync().every((x) => Math.abs(x - 0.2) < 1e-7)));
  [a, b].forEach(disposeTemperatures);
  tf.dispose([a.loss, b.loss]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([q1, q2, k1, k2, ...phiList(phi)]);
});

Deno.test("bad inputs are one-line user errors", () => {
  const { q1, q2, k1, k2, phi } = inputs(6);
  const short = tf.zeros([B, C, D + 1]);
  assert.throws(() => mocov3(q1, q2, k1, short, { heads: C, temperature: 0.2 }), UserError);
  assert.throws(() => mocov3(q1, q2, k1, k2, { heads: 3, temperature: 0.2 }), /3/);
  assert.throws(() => mocov3(q1, q2, k1, k2, { heads: C, temperature: 0 }), /temperature/);
  assert.throws(() => amclMocov3(q1, q2, k1, k2, null, { heads: C, beta: 0.05, topk: 2 }), UserError);
  assert.throws(() => amclMocov3(q1, q2, k1, k2, phi, { heads: C, beta: 0.05, topk: 0 }), /topk/);
  tf.dispose([q1, q2, k1, k2, short, ...phiList(phi)]);
});

/**
 * AMCL losses: finite-difference gradient checks, κ clipping, heads summed, the spec §6
 * temperature switches, returned temperatures, and no tensor leaks.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import {
  amclBarlow,
  amclInfonce,
  amclMoco,
  amclNtxent,
  amclSimsiam,
  disposeTemperatures,
  pairTemperatures,
  phiForward,
  type PhiParams,
} from "../../methods/losses/mod.ts";
import { assertFd, fdCheck, phiFrom, phiList, randn, randPhi, value } from "./losses_testutil.ts";

await initBackend("cpu");

const B = 3, C = 2, D = 4, H = 8;
const T = { tauMin: 0.1, tauMax: 1.0 };

function views(seed: number, b = B, c = C, d = D) {
  const rng = new Rng(seed);
  return { z1: randn(rng, [b, c, d]), z2: randn(rng, [b, c, d]), phi: randPhi(rng, d, H), rng };
}

Deno.test("FD gradients: AMCL NT-Xent top-κ (code), κ = 1 paper form, softmax form, AMCL InfoNCE", () => {
  const variants = [
    (z1: tf.Tensor, z2: tf.Tensor, p: PhiParams) =>
      amclNtxent(z1, z2, p, { heads: C, beta: 0.05, topk: 2, ...T }),
    (z1: tf.Tensor, z2: tf.Tensor, p: PhiParams) =>
      amclNtxent(z1, z2, p, { heads: C, beta: 0.05, topk: 1, negReg: "paper", ...T }),
    (z1: tf.Tensor, z2: tf.Tensor, p: PhiParams) =>
      amclNtxent(z1, z2, p, { heads: C, beta: 0.05, form: "softmax", ...T }),
    (z1: tf.Tensor, z2: tf.Tensor, p: PhiParams) =>
      amclInfonce(z1, z2, p, { heads: C, beta: 0.05, topk: 3, ...T }),
  ];
  variants.forEach((loss, i) => {
    const { z1, z2, phi, rng } = views(100 + i);
    const xs = [z1, z2, ...phiList(phi)];
    assertFd(fdCheck((t) => loss(t[0], t[1], phiFrom(t.slice(2))).loss, xs, rng));
    const g = tf.grads((...t: tf.Tensor[]) => loss(t[0], t[1], phiFrom(t.slice(2))).loss)(xs);
    assert.ok(tf.norm(g[2]).dataSync()[0] > 0, "φ receives a gradient");
    tf.dispose([...g, ...xs]);
  });
});

Deno.test("FD gradients: AMCL MoCo (both directions against a queue)", () => {
  const rng = new Rng(7);
  const q = randn(rng, [B, C, D]), k = randn(rng, [B, C, D]), queue = randn(rng, [C, D, 6]);
  const phi = randPhi(rng, D, H);
  const xs = [q, k, queue, ...phiList(phi)];
  const f = (t: tf.Tensor[]) =>
    amclMoco(t[0], t[1], t[2], phiFrom(t.slice(3)), { heads: C, beta: 0.05, topk: 3, ...T }).loss;
  assertFd(fdCheck(f, xs, rng));
  tf.dispose(xs);
});

Deno.test("FD gradients: AMCL SimSiam (predictions and φ; targets get zero gradient)", () => {
  const rng = new Rng(8);
  const xs = [randn(rng, [B, C, D]), randn(rng, [B, C, D]), randn(rng, [B, C, D]), randn(rng, [B, C, D])];
  const phi = randPhi(rng, D, H);
  const all = [...xs, ...phiList(phi)];
  const f = (t: tf.Tensor[]) =>
    amclSimsiam(t[0], t[1], t[2], t[3], phiFrom(t.slice(4)), { heads: C, beta: 0.05, ...T }).loss;
  assertFd(fdCheck(f, all, rng, { wrt: [0, 2, 4, 5, 6, 7] }));
  const g = tf.grads((...t: tf.Tensor[]) => f(t))(all);
  assert.equal(tf.max(tf.abs(g[1])).dataSync()[0], 0, "z2 is stop-gradient");
  assert.equal(tf.max(tf.abs(g[3])).dataSync()[0], 0, "z1 is stop-gradient");
  tf.dispose([...g, ...all]);
});

Deno.test("FD gradients: AMCL Barlow Twins (φ: R^B → R^B on raw channel vectors)", () => {
  const rng = new Rng(9);
  const b = 5;
  const z1 = randn(rng, [b, C, D]), z2 = randn(rng, [b, C, D]);
  const phi = randPhi(rng, b, H, 0.3);
  const xs = [z1, z2, ...phiList(phi)];
  const f = (t: tf.Tensor[]) =>
    amclBarlow(t[0], t[1], phiFrom(t.slice(2)), { heads: C, lambda: 0.1, beta: 0.01, batchSize: b, ...T })
      .loss;
  assertFd(fdCheck(f, xs, rng));
  tf.dispose(xs);
});

Deno.test("κ is clipped to the number of negatives (NT-Xent: 2B − 2, MoCo: K, InfoNCE: 2B − 1)", () => {
  const { z1, z2, phi, rng } = views(11);
  const o = { heads: C, beta: 0.01 };
  assert.equal(
    value(amclNtxent(z1, z2, phi, { ...o, topk: 100 }).loss),
    value(amclNtxent(z1, z2, phi, { ...o, topk: 2 * B - 2 }).loss),
  );
  assert.notEqual(
    value(amclNtxent(z1, z2, phi, { ...o, topk: 100 }).loss),
    value(amclNtxent(z1, z2, phi, { ...o, topk: 1 }).loss),
  );
  assert.equal(
    value(amclInfonce(z1, z2, phi, { ...o, topk: 100 }).loss),
    value(amclInfonce(z1, z2, phi, { ...o, topk: 2 * B - 1 }).loss),
  );
  const queue = randn(rng, [C, D, 5]);
  assert.equal(
    value(amclMoco(z1, z2, queue, phi, { ...o, topk: 100 }).loss),
    value(amclMoco(z1, z2, queue, phi, { ...o, topk: 5 }).loss),
  );
  tf.dispose([z1, z2, queue, ...phiList(phi)]);
});

function head(x: tf.Tensor, c: number): tf.Tensor {
  return tf.slice(x, [0, c, 0], [x.shape[0], 1, x.shape[2]!]);
}

Deno.test("heads are summed, not averaged (AMCL NT-Xent, MoCo, SimSiam, Barlow Twins)", () => {
  const { z1, z2, phi, rng } = views(12);
  const close = (a: number, b: number) =>
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a)), `${a} vs ${b}`);
  const nt = (a: tf.Tensor, b: tf.Tensor, c: number) =>
    value(amclNtxent(a, b, phi, { heads: c, beta: 0.01, topk: 2 }).loss);
  close(nt(z1, z2, C), nt(head(z1, 0), head(z2, 0), 1) + nt(head(z1, 1), head(z2, 1), 1));
  const queue = randn(rng, [C, D, 5]);
  const mo = (a: tf.Tensor, b: tf.Tensor, qq: tf.Tensor, c: number) =>
    value(amclMoco(a, b, qq, phi, { heads: c, beta: 0.01, topk: 2 }).loss);
  const qh = (c: number) => tf.slice(queue, [c, 0, 0], [1, D, 5]);
  close(
    mo(z1, z2, queue, C),
    mo(head(z1, 0), head(z2, 0), qh(0), 1) + mo(head(z1, 1), head(z2, 1), qh(1), 1),
  );
  const ss = (a: tf.Tensor, b: tf.Tensor, c: number) =>
    value(amclSimsiam(a, b, b, a, phi, { heads: c, beta: 0.01 }).loss);
  close(ss(z1, z2, C), ss(head(z1, 0), head(z2, 0), 1) + ss(head(z1, 1), head(z2, 1), 1));
  const bphi = randPhi(rng, B, H);
  const bt = (a: tf.Tensor, b: tf.Tensor, c: number) =>
    value(amclBarlow(a, b, bphi, { heads: c, lambda: 0.005, beta: 0.01, batchSize: B }).loss);
  close(bt(z1, z2, C), bt(head(z1, 0), head(z2, 0), 1) + bt(head(z1, 1), head(z2, 1), 1));
});

/** Plain-JS fixed-temperature multi-head top-κ loss (spec §6: constant τ, Ω terms vanish). */
function fixedTopk(z1: number[][][], z2: number[][][], tau: number, topk: number): number {
  const b = z1.length, heads = z1[0].length;
  const norm = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const dot = (a: number[], c: number[]) => a.reduce((s, x, i) => s + x * c[i], 0);
  let total = 0;
  for (let c = 0; c < heads; c++) {
    const z = [...z1.map((r) => norm(r[c])), ...z2.map((r) => norm(r[c]))];
    let sum = 0;
    for (let i = 0; i < 2 * b; i++) {
      const pos = (i + b) % (2 * b);
      const negs = z.map((_, j) => j).filter((j) => j !== i && j !== pos).map((j) => dot(z[i], z[j]));
      negs.sort((x, y) => y - x);
      const k = Math.min(topk, negs.length);
      const mean = negs.slice(0, k).reduce((s, x) => s + x, 0) / k;
      sum += -dot(z[i], z[pos]) / tau + mean / tau;
    }
    total += sum / (2 * b);
  }
  return total;
}

Deno.test("a constant τ turns AMCL NT-Xent into the fixed-temperature multi-head top-κ loss (φ unused)", () => {
  const { z1, z2, phi } = views(13);
  const want = fixedTopk(z1.arraySync() as number[][][], z2.arraySync() as number[][][], 0.5, 2);
  const got = value(amclNtxent(z1, z2, null, { heads: C, beta: 0.01, topk: 2, tau: 0.5 }).loss);
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  // With φ supplied, a constant τ does not use it: the loss does not depend on φ at all.
  assert.throws(
    () =>
      tf.grads((w1: tf.Tensor) =>
        amclNtxent(z1, z2, { ...phi, w1: w1 as tf.Tensor2D }, { heads: C, beta: 0.01, topk: 2, tau: 0.5 })
          .loss
      )([phi.w1]),
    /Cannot compute gradient/,
  );
  // Only one side adaptive: differs from both-constant and from both-adaptive.
  const pos = value(amclNtxent(z1, z2, phi, { heads: C, beta: 0.01, topk: 2, tauNegative: 0.5 }).loss);
  const neg = value(amclNtxent(z1, z2, phi, { heads: C, beta: 0.01, topk: 2, tauPositive: 0.5 }).loss);
  const both = value(amclNtxent(z1, z2, phi, { heads: C, beta: 0.01, topk: 2 }).loss);
  assert.equal(new Set([got, pos, neg, both]).size, 4);
});

Deno.test("returned temperatures: shapes, bounds, constant sides, tauFromHead = 1; no leaks", () => {
  const { z1, z2, phi, rng } = views(14);
  const before = tf.memory().numTensors;
  const out = amclNtxent(z1, z2, phi, {
    heads: C,
    beta: 0.01,
    topk: 2,
    ...T,
    tauPositive: 0.3,
    returnTemperatures: true,
  });
  assert.equal(out.temperatures!.length, C);
  for (const t of out.temperatures!) {
    assert.deepEqual(t.positive.shape, [2 * B]);
    assert.deepEqual(t.negative!.shape, [2 * B * 2]);
    assert.ok(t.positive.dataSync().every((v) => Math.abs(v - 0.3) < 1e-7));
    assert.ok(t.negative!.dataSync().every((v) => v > T.tauMin && v < T.tauMax));
  }
  disposeTemperatures(out);
  out.loss.dispose();
  assert.equal(tf.memory().numTensors, before);

  // tauFromHead = 1: every head uses head 1's temperatures.
  const shared = amclNtxent(z1, z2, phi, {
    heads: C,
    beta: 0.01,
    topk: 2,
    tauFromHead: 1,
    returnTemperatures: true,
  });
  assert.deepEqual(
    shared.temperatures![1].positive.arraySync(),
    shared.temperatures![0].positive.arraySync(),
  );
  const each = amclNtxent(z1, z2, phi, { heads: C, beta: 0.01, topk: 2, returnTemperatures: true });
  assert.deepEqual(each.temperatures![0].positive.arraySync(), shared.temperatures![0].positive.arraySync());
  assert.notDeepEqual(
    each.temperatures![1].positive.arraySync(),
    shared.temperatures![1].positive.arraySync(),
  );
  [shared, each].forEach((o) => {
    disposeTemperatures(o);
    o.loss.dispose();
  });

  // The other losses return temperatures too, inside a gradient computation.
  const queue = randn(rng, [C, D, 5]);
  const bphi = randPhi(rng, B, H);
  const n0 = tf.memory().numTensors;
  let kept: { positive: tf.Tensor; negative?: tf.Tensor }[] = [];
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
    const m = amclMoco(a, b, queue, phi, { heads: C, beta: 0.01, topk: 2, returnTemperatures: true });
    const s = amclSimsiam(a, b, b, a, phi, { heads: C, beta: 0.01, returnTemperatures: true });
    const bt = amclBarlow(a, b, bphi, {
      heads: C,
      lambda: 0.005,
      beta: 0.01,
      batchSize: B,
      returnTemperatures: true,
    });
    kept = [...m.temperatures!, ...s.temperatures!, ...bt.temperatures!];
    return tf.addN([m.loss, s.loss, bt.loss]) as tf.Scalar;
  })([z1, z2]);
  assert.deepEqual(kept[0].negative!.shape, [2 * B * 2]);
  assert.deepEqual(kept[C].positive.shape, [2 * B]);
  assert.equal(kept[C].negative, undefined);
  assert.deepEqual(kept[2 * C].positive.shape, [D]);
  assert.deepEqual(kept[2 * C].negative!.shape, [D * (D - 1)]);
  for (const t of kept) assert.ok(t.positive.dataSync().every((v) => v > 1e-5 && v < 2));
  kept.forEach((t) => tf.dispose([t.positive, ...(t.negative ? [t.negative] : [])]));
  tf.dispose(g);
  assert.equal(tf.memory().numTensors, n0);
});

Deno.test("tensor count does not grow across calls (forward + backward of every AMCL loss)", () => {
  const { z1, z2, phi, rng } = views(15);
  const queue = randn(rng, [C, D, 5]);
  const bphi = randPhi(rng, B, H);
  const step = () =>
    tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.addN([
          amclNtxent(a, b, phi, { heads: C, beta: 0.01, topk: 2 }).loss,
          amclNtxent(a, b, phi, { heads: C, beta: 0.01, form: "softmax" }).loss,
          amclInfonce(a, b, phi, { heads: C, beta: 0.01, topk: 2 }).loss,
          amclMoco(a, b, queue, phi, { heads: C, beta: 0.01, topk: 2 }).loss,
          amclSimsiam(a, b, b, a, phi, { heads: C, beta: 0.01 }).loss,
          amclBarlow(a, b, bphi, { heads: C, lambda: 0.005, beta: 0.01, batchSize: B }).loss,
        ]) as tf.Scalar
      )([z1, z2]);
      return g[0].sum().dataSync()[0];
    });
  step();
  const n = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  assert.equal(tf.memory().numTensors, n);
  // Without tidy, the forward alone leaves only the returned scalar.
  const n2 = tf.memory().numTensors;
  const out = amclNtxent(z1, z2, phi, { heads: C, beta: 0.01, topk: 2 });
  assert.equal(tf.memory().numTensors, n2 + 1);
  out.loss.dispose();
});

Deno.test("wasm backend: top-κ selection, backward and returned temperatures match cpu", async () => {
  const { z1, z2, phi, rng } = views(16, 6, 2, 8);
  const queue = randn(rng, [2, 8, 9]);
  const run = () => {
    const f = (...t: tf.Tensor[]) =>
      tf.addN([
        amclNtxent(t[0], t[1], phiFrom(t.slice(2)), { heads: 2, beta: 0.01, topk: 3 }).loss,
        amclMoco(t[0], t[1], queue, phiFrom(t.slice(2)), { heads: 2, beta: 0.01, topk: 2, form: "softmax" })
          .loss,
      ]) as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(f)([z1, z2, ...phiList(phi)]);
    const temps = amclNtxent(z1, z2, phi, { heads: 2, beta: 0.01, topk: 3, returnTemperatures: true });
    const res = {
      loss: value.dataSync()[0],
      grads: grads.map((g) => Array.from(g.dataSync())),
      neg: Array.from(temps.temperatures![1].negative!.dataSync()),
    };
    tf.dispose([value, ...grads, temps.loss]);
    disposeTemperatures(temps);
    return res;
  };
  const cpu = run();
  await initBackend("wasm");
  try {
    const wasm = run();
    assert.ok(Math.abs(cpu.loss - wasm.loss) <= 1e-5 * Math.max(1, Math.abs(cpu.loss)));
    cpu.grads.forEach((g, i) => {
      const scale = Math.max(...g.map(Math.abs), 1e-8);
      g.forEach((x, j) => assert.ok(Math.abs(x - wasm.grads[i][j]) <= 1e-4 * scale, `grad ${i}[${j}]`));
    });
    assert.equal(wasm.neg.length, 2 * 6 * 3);
    cpu.neg.forEach((x, j) => assert.ok(Math.abs(x - wasm.neg[j]) <= 1e-5 * x));
  } finally {
    await initBackend("cpu");
  }
});

Deno.test("AMCL Barlow Twins reports τ⁺ = the τ matrix's diagonal and τ⁻ = its off-diagonal, row-major", () => {
  const { z1, z2, rng } = views(41);
  const bphi = randPhi(rng, B, H);
  const out = amclBarlow(z1, z2, bphi, {
    heads: C,
    lambda: 0.005,
    beta: 0.01,
    batchSize: B,
    returnTemperatures: true,
  });
  for (let c = 0; c < C; c++) {
    // τ_lm from the channel vectors (columns of head c's [B, D] matrices), computed here directly.
    const tau = tf.tidy(() => {
      const head = (z: tf.Tensor) => tf.transpose(tf.reshape(tf.slice(z, [0, c, 0], [B, 1, D]), [B, D]));
      const a = phiForward(head(z1) as tf.Tensor2D, bphi);
      const b = phiForward(head(z2) as tf.Tensor2D, bphi);
      return pairTemperatures(a, b, 1e-5, 2).arraySync();
    });
    const pos = out.temperatures![c].positive.dataSync();
    const neg = out.temperatures![c].negative!.dataSync();
    const offDiag = tau.flatMap((row, l) => row.filter((_, m) => m !== l));
    tau.forEach((row, l) => assert.ok(Math.abs(pos[l] - row[l]) < 1e-6, `head ${c} τ⁺ ${l}`));
    offDiag.forEach((v, i) => assert.ok(Math.abs(neg[i] - v) < 1e-6, `head ${c} τ⁻ ${i}`));
  }
  disposeTemperatures(out);
  out.loss.dispose();
});

/**
 * AMCL SimSiam (Eq. 2.2) head by head in plain JS: per head h, a = n(p1_h), b = n(z2_h),
 * c = n(p2_h), e = n(z1_h); τ from head `tauHead(h)`; mean over the batch, heads summed.
 */
function simsiamByHead(xs: number[][][][], phi: PhiParams, beta: number, tauHead: (h: number) => number) {
  const norm = (v: number[]) => {
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / Math.max(n, 1e-12));
  };
  const [w1, b1, w2, b2] = phiList(phi).map((t) => t.arraySync() as number[] | number[][]);
  const phiOf = (v: number[]) => {
    const h = (b1 as number[]).map((bj, j) =>
      Math.max(0, bj + v.reduce((s, x, i) => s + x * (w1 as number[][])[i][j], 0))
    );
    return (b2 as number[]).map((bk, k) => bk + h.reduce((s, x, j) => s + x * (w2 as number[][])[j][k], 0));
  };
  const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i], 0);
  const tau = (u: number[], v: number[]) =>
    T.tauMin + (T.tauMax - T.tauMin) / (1 + Math.exp(dot(phiOf(u), phiOf(v))));
  const omega = (t: number, d: number) => (d / 2) * Math.log(t) + 1 / t;
  const [p1, z2, p2, z1] = xs;
  const n = p1.length, heads = p1[0].length, d = p1[0][0].length;
  let total = 0;
  const taus: number[][] = [];
  for (let h = 0; h < heads; h++) {
    const s = tauHead(h);
    let sum = 0;
    const t1s: number[] = [], t2s: number[] = [];
    for (let i = 0; i < n; i++) {
      const [a, b, c, e] = [p1, z2, p2, z1].map((x) => norm(x[i][h]));
      const t1 = tau(norm(p1[i][s]), norm(z2[i][s])), t2 = tau(norm(p2[i][s]), norm(z1[i][s]));
      sum += -0.5 * dot(a, b) / t1 - 0.5 * dot(c, e) / t2 + beta * (omega(t1, d) + omega(t2, d));
      t1s.push(t1);
      t2s.push(t2);
    }
    total += sum / n;
    taus.push([...t1s, ...t2s]);
  }
  return { loss: total, taus };
}

Deno.test("AMCL SimSiam (all heads stacked as rows) = the formula head by head, tauFromHead each and 1", () => {
  const rng = new Rng(77);
  const heads = 3;
  const xs = [0, 1, 2, 3].map(() => randn(rng, [4, heads, D]));
  const phi = randPhi(rng, D, H);
  const arrays = xs.map((x) => x.arraySync() as number[][][]);
  for (const fromHead of ["each", 1] as const) {
    const out = amclSimsiam(xs[0], xs[1], xs[2], xs[3], phi, {
      heads,
      beta: 0.05,
      ...T,
      tauFromHead: fromHead,
      returnTemperatures: true,
    });
    const ref = simsiamByHead(arrays, phi, 0.05, (h) => (fromHead === 1 ? 0 : h));
    assert.ok(Math.abs(value(out.loss) - ref.loss) <= 1e-5 * Math.max(1, Math.abs(ref.loss)), `${fromHead}`);
    assert.equal(out.temperatures!.length, heads);
    out.temperatures!.forEach((t, h) => {
      const got = t.positive.dataSync();
      ref.taus[h].forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-5, `${fromHead}: head ${h} τ[${i}]`));
    });
    disposeTemperatures(out);
    out.loss.dispose();
  }
  tf.dispose([...xs, ...phiList(phi)]);
});

Deno.test("AMCL MoCo, heads stacked: tauFromHead = 1 (FD gradients; every head's τ⁺ is head 1's) and per-head temperatures", () => {
  const rng = new Rng(78);
  const heads = 3, K = 6;
  const q = randn(rng, [B, heads, D]), k = randn(rng, [B, heads, D]), queue = randn(rng, [heads, D, K]);
  const phi = randPhi(rng, D, H);
  const xs = [q, k, queue, ...phiList(phi)];
  const opts = { heads, beta: 0.05, topk: 3, ...T };
  const f = (t: tf.Tensor[]) =>
    amclMoco(t[0], t[1], t[2], phiFrom(t.slice(3)), { ...opts, tauFromHead: 1 }).loss;
  assertFd(fdCheck(f, xs, rng));
  const first = (x: tf.Tensor) => tf.slice(x, [0, 0, 0], [B, 1, D]);
  const alone = amclMoco(first(q), first(k), tf.slice(queue, [0, 0, 0], [1, D, K]), phi, {
    ...opts,
    heads: 1,
    returnTemperatures: true,
  });
  for (const fromHead of [1, "each"] as const) {
    const out = amclMoco(q, k, queue, phi, { ...opts, tauFromHead: fromHead, returnTemperatures: true });
    assert.equal(out.temperatures!.length, heads);
    // Head 1's temperatures are those of head 1 alone, in both modes; with tauFromHead = 1 every head's τ⁺ is.
    assert.deepEqual(out.temperatures![0].positive.arraySync(), alone.temperatures![0].positive.arraySync());
    assert.deepEqual(
      out.temperatures![0].negative!.arraySync(),
      alone.temperatures![0].negative!.arraySync(),
    );
    for (let h = 1; h < heads; h++) {
      const same = maxDiff(out.temperatures![h].positive, alone.temperatures![0].positive) < 1e-6;
      assert.equal(same, fromHead === 1, `head ${h + 1}, tauFromHead ${fromHead}`);
      assert.deepEqual(out.temperatures![h].negative!.shape, [2 * B * 3]);
    }
    disposeTemperatures(out);
    out.loss.dispose();
  }
  disposeTemperatures(alone);
  tf.dispose([alone.loss, ...xs]);
});

/** max |a − b| of two tensors of one shape. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

Deno.test("AMCL Barlow Twins, heads as a batch axis: tauFromHead = 1 (FD gradients; every head's temperatures are head 1's)", () => {
  const rng = new Rng(79);
  const heads = 3, b = 5;
  const z1 = randn(rng, [b, heads, D]), z2 = randn(rng, [b, heads, D]);
  const phi = randPhi(rng, b, H);
  const xs = [z1, z2, ...phiList(phi)];
  const opts = { heads, lambda: 0.005, beta: 0.01, batchSize: b, ...T };
  assertFd(
    fdCheck((t) => amclBarlow(t[0], t[1], phiFrom(t.slice(2)), { ...opts, tauFromHead: 1 }).loss, xs, rng),
  );
  const first = (x: tf.Tensor) => tf.slice(x, [0, 0, 0], [b, 1, D]);
  const alone = amclBarlow(first(z1), first(z2), phi, { ...opts, heads: 1, returnTemperatures: true });
  for (const fromHead of [1, "each"] as const) {
    const out = amclBarlow(z1, z2, phi, { ...opts, tauFromHead: fromHead, returnTemperatures: true });
    assert.equal(out.temperatures!.length, heads);
    for (let h = 0; h < heads; h++) {
      const t = out.temperatures![h];
      assert.deepEqual([t.positive.shape, t.negative!.shape], [[D], [D * (D - 1)]]);
      const same = maxDiff(t.positive, alone.temperatures![0].positive) < 1e-6 &&
        maxDiff(t.negative!, alone.temperatures![0].negative!) < 1e-6;
      assert.equal(same, h === 0 || fromHead === 1, `head ${h + 1}, tauFromHead ${fromHead}`);
    }
    disposeTemperatures(out);
    out.loss.dispose();
  }
  disposeTemperatures(alone);
  tf.dispose([alone.loss, ...xs]);
});

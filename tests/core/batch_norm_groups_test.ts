/**
 * Grouped training batch norm (`batchNormTrain(x, γ, β, ε, G)`, `Ctx.groups`): G batches
 * stacked along axis 0, each normalised with its own statistics, must give the values,
 * statistics and gradients of G separate calls on the same backend — on cpu, wasm and, where
 * oneDNN loads, native in both memory tiers (small shapes on the host statistics kernels, a
 * convolution-sized one on oneDNN's fused forward). Then a ResNet + BN projector encoding
 * two views in one pass (`Ctx.groups = 2`) against two passes: features, every parameter's
 * gradient and the recorded running-statistic updates.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { batchNormTrain } from "../../core/kernels/batch_norm.ts";
import { BN_TRAIN_MIN_ROWS, nativeKernelCounts, resetNativeKernelCounts } from "../../core/native/kernels.ts";
import { applyUpdates, bothViews, type Ctx, ctx } from "../../models/module.ts";
import { multiMlp } from "../../models/multihead.ts";
import { simsiamPredictor } from "../../models/mlp.ts";
import { BatchNorm } from "../../models/layers.ts";
import { buildBackbone } from "../../methods/backbone.ts";
import { Mlp } from "../../models/mlp.ts";
import { HOST_TEST_BACKENDS, relErr } from "./native_testutil.ts";

const CASES: Array<{ shape: number[]; affine: boolean }> = [
  { shape: [8, 6, 6, 16], affine: true }, // C % 4 == 0: wasm's SIMD channel loops
  { shape: [6, 5, 5, 7], affine: true }, // odd channels and sizes
  { shape: [4, 3, 3, 3], affine: false },
  { shape: [16, 10], affine: true }, // a projector's [N, C]
  { shape: [2 * 64, 16, 16, 4], affine: true }, // BN_TRAIN_MIN_ROWS rows per group: oneDNN on native
];

function caseData(i: number, shape: number[]) {
  const C = shape[shape.length - 1];
  const size = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(40 + i);
  // The two groups have different offsets and scales, so one shared statistic would show.
  const half = size / 2;
  const xv = rng.normals(size).map((v, j) => (j < half ? 3 * v + 10 : 0.5 * v - 2) + (j % C) * 0.25);
  return { xv, rv: rng.normals(size), gv: rng.normals(C).map((v) => 1 + 0.2 * v), bv: rng.normals(C, 0.3) };
}

/** y, statistics [G, C] and the gradients of Σ y·r, grouped (G = 2) or by two separate calls. */
function runCase(shape: number[], affine: boolean, d: ReturnType<typeof caseData>, grouped: boolean) {
  return tf.tidy(() => {
    const x = tf.tensor(d.xv, shape), r = tf.tensor(d.rv, shape);
    const g = tf.tensor1d(d.gv), b = tf.tensor1d(d.bv);
    const fwd = (xx: tf.Tensor, gg: tf.Tensor1D | null, bb: tf.Tensor1D | null) => {
      if (grouped) return batchNormTrain(xx, gg, bb, 1e-5, 2);
      const [x1, x2] = tf.split(xx, 2, 0);
      const o1 = batchNormTrain(x1, gg, bb, 1e-5), o2 = batchNormTrain(x2, gg, bb, 1e-5);
      return {
        y: tf.concat([o1.y, o2.y], 0),
        mean: tf.stack([o1.mean, o2.mean]),
        variance: tf.stack([o1.variance, o2.variance]),
      };
    };
    const o = fwd(x, affine ? g : null, affine ? b : null);
    const loss = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(fwd(xx, affine ? gg as tf.Tensor1D : null, affine ? bb as tf.Tensor1D : null).y, r));
    const grads = affine ? tf.grads(loss)([x, g, b]) : [tf.grad((xx: tf.Tensor) => loss(xx, g, b))(x)];
    return [o.y, o.mean, o.variance, ...grads].map((t) => t.dataSync());
  });
}

for (const be of HOST_TEST_BACKENDS) {
  Deno.test(`grouped batch norm = separate calls per group (${be.name})`, async () => {
    await be.init();
    for (const [i, c] of CASES.entries()) {
      const d = caseData(i, c.shape);
      resetNativeKernelCounts();
      const got = runCase(c.shape, c.affine, d, true);
      const counts = nativeKernelCounts();
      const ref = runCase(c.shape, c.affine, d, false);
      if (be.name.startsWith("native")) {
        const rows = c.shape.slice(0, -1).reduce((a, b) => a * b, 1) / 2;
        const fused = rows >= BN_TRAIN_MIN_ROWS;
        assert.equal((counts["AmclBatchNormTrain"]?.native ?? 0) > 0, fused, `fused forward for ${c.shape}`);
        assert.equal(counts["AmclBatchNormGrad"]?.fallback ?? 0, 0, `gradient fell back for ${c.shape}`);
      }
      ["y", "mean", "variance", "dx", "dγ", "dβ"].slice(0, ref.length).forEach((name, j) => {
        assert.equal(got[j].length, ref[j].length, `${name} of ${c.shape}: length`);
        const e = relErr(got[j], ref[j]);
        assert.ok(e < 1e-5, `${name} of ${c.shape} on ${be.name}: rel err ${e}`);
      });
    }
  });
}

/**
 * Σ-loss `f(c)` and the gradients of `vars` in one training context; its BatchNorm updates
 * are applied, read back and undone (so the next run starts from the same statistics).
 */
function gradsAndUpdates(f: (c: Ctx) => tf.Scalar, vars: tf.Variable[], buffers: tf.Variable[]) {
  const c = ctx(true);
  const before = buffers.map((b) => b.dataSync().slice());
  const { value, grads } = tf.variableGrads(() => f(c), vars);
  applyUpdates(c);
  const after = buffers.map((b) => b.dataSync().slice());
  buffers.forEach((b, i) => b.assign(tf.tensor(before[i], b.shape)));
  const out = { loss: value.dataSync()[0], grads: vars.map((p) => grads[p.name].dataSync()), after };
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  return out;
}

Deno.test("two views in one pass (Ctx.groups = 2) = two passes: features, gradients, running statistics", async () => {
  await initBackend("cpu");
  const rng = new Rng(3);
  const backbone = buildBackbone(rng.derive("b"), {
    name: "resnet18",
    width: 0.0625,
    image: { size: 16, channels: 3 },
  });
  const head = new Mlp(rng.derive("h"), {
    inDim: backbone.featureDim,
    layers: [{ out: 12, norm: "bn", act: "relu" }, { out: 6, norm: "bn-noaffine" }],
  });
  const params = [...backbone.module.parameters(), ...head.parameters()].map((p) => p.variable);
  const buffers = [...backbone.module.buffers(), ...head.buffers()].map((b) => b.variable);
  const views = [0, 1].map((i) => tf.tensor4d(new Rng(10 + i).normals(4 * 16 * 16 * 3), [4, 16, 16, 3]));
  const r = tf.tensor2d(new Rng(20).normals(8 * 6), [8, 6]);
  const run = (oneP: boolean) =>
    gradsAndUpdates(
      (c) => {
        const z = oneP
          ? head.forward(backbone.module.forward(tf.concat(views, 0), { ...c, groups: 2 }), {
            ...c,
            groups: 2,
          })
          : tf.concat(views.map((v) => head.forward(backbone.module.forward(v as tf.Tensor4D, c), c)), 0);
        return tf.sum(tf.mul(z, r)) as tf.Scalar;
      },
      params,
      buffers,
    );
  const one = run(true), two = run(false);
  assert.ok(
    Math.abs(one.loss - two.loss) <= 1e-5 * Math.max(1, Math.abs(two.loss)),
    `loss ${one.loss} vs ${two.loss}`,
  );
  assert.ok(params.length > 10);
  params.forEach((p, i) => {
    const e = relErr(one.grads[i], two.grads[i]);
    assert.ok(e < 1e-4, `gradient of ${p.name}: rel err ${e}`);
  });
  buffers.forEach((b, i) => {
    const e = relErr(one.after[i], two.after[i]);
    assert.ok(e < 1e-5, `running statistic ${b.name}: rel err ${e}`);
  });
});

Deno.test("bothViews: a multi-head predictor on both views' [N, C, D] in one pass = two calls", async () => {
  await initBackend("cpu");
  const heads = multiMlp(new Rng(5), 3, simsiamPredictor(8, 5));
  const params = heads.parameters().map((p) => p.variable);
  const buffers = heads.buffers().map((b) => b.variable);
  // The views differ in offset and scale, so statistics shared across them would show.
  const z = [0, 1].map((i) =>
    tf.variable(tf.tensor3d(new Rng(30 + i).normals(6 * 3 * 8).map((v) => (i ? 4 * v + 3 : v)), [6, 3, 8]))
  );
  const r = [0, 1].map((i) => tf.tensor3d(new Rng(40 + i).normals(6 * 3 * 8), [6, 3, 8]));
  const run = (oneP: boolean) =>
    gradsAndUpdates(
      (c) => {
        const f = (x: tf.Tensor3D, g: Ctx) => heads.forward(x, g);
        const [p1, p2] = oneP
          ? bothViews(f, z[0] as tf.Tensor3D, z[1] as tf.Tensor3D, c)
          : [f(z[0] as tf.Tensor3D, c), f(z[1] as tf.Tensor3D, c)];
        return tf.add(tf.sum(tf.mul(p1, r[0])), tf.sum(tf.mul(p2, r[1]))) as tf.Scalar;
      },
      [...params, ...z],
      buffers,
    );
  const one = run(true), two = run(false);
  assert.ok(
    Math.abs(one.loss - two.loss) <= 1e-5 * Math.max(1, Math.abs(two.loss)),
    `${one.loss} vs ${two.loss}`,
  );
  one.grads.forEach((g, i) =>
    assert.ok(relErr(g, two.grads[i]) < 1e-4, `gradient ${i}: ${relErr(g, two.grads[i])}`)
  );
  assert.ok(buffers.length >= 6);
  buffers.forEach((b, i) =>
    assert.ok(relErr(one.after[i], two.after[i]) < 1e-5, `running statistic ${b.name}`)
  );
  // A context already grouped, or views of different shapes, take two calls.
  const calls: number[] = [];
  const count = (x: tf.Tensor3D) => (calls.push(x.shape[0]), x);
  tf.tidy(() => bothViews(count, z[0] as tf.Tensor3D, z[1] as tf.Tensor3D, ctx(true)));
  tf.tidy(() => bothViews(count, z[0] as tf.Tensor3D, z[1] as tf.Tensor3D, { ...ctx(true), groups: 2 }));
  assert.deepEqual(calls, [12, 6, 6]);
  z.forEach((v) => v.dispose());
});

Deno.test("BatchNorm called once per view updates its running statistics in turn, as PyTorch (grouped or not)", async () => {
  await initBackend("cpu");
  const C = 3, m = 0.1;
  const x = [0, 1].map((i) =>
    tf.tensor2d(new Rng(50 + i).normals(8 * C).map((v) => v * (1 + i) + 4 * i), [8, C])
  );
  const stats = x.map((t) => tf.moments(t, 0));
  const mean = (i: number) => stats[i].mean.dataSync(), biased = (i: number) => stats[i].variance.dataSync();
  // PyTorch: r ← (1 − m)·r + m·s per call; the variance update uses the unbiased variance (n = 8).
  const wantMean = Array.from(
    { length: C },
    (_, k) => (1 - m) * ((1 - m) * 0 + m * mean(0)[k]) + m * mean(1)[k],
  );
  const wantVar = Array.from(
    { length: C },
    (_, k) => (1 - m) * ((1 - m) * 1 + m * biased(0)[k] * 8 / 7) + m * biased(1)[k] * 8 / 7,
  );
  for (const grouped of [false, true]) {
    const bn = new BatchNorm(C);
    const c = ctx(true);
    tf.tidy(() => {
      if (grouped) bn.forward(tf.concat(x, 0), { ...c, groups: 2 });
      else x.forEach((t) => bn.forward(t, c));
    });
    applyUpdates(c);
    assert.ok(
      relErr(bn.runningMean.dataSync(), Float32Array.from(wantMean)) < 1e-5,
      `running mean (grouped: ${grouped})`,
    );
    assert.ok(
      relErr(bn.runningVar.dataSync(), Float32Array.from(wantVar)) < 1e-5,
      `running var (grouped: ${grouped})`,
    );
  }
});

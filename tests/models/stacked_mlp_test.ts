/**
 * MLP heads run side by side (models/stacked_mlp.ts, what `MultiHead` does for C ≥ 2 heads
 * of one spec) against one call per head, on cpu, wasm and, where oneDNN loads, native:
 * outputs, the gradient of the input and of every parameter, the running statistics the
 * BatchNorms record (two views in one pass, `Ctx.groups = 2`), and eval-mode outputs. And
 * the point of it: one product per layer for all heads, not one per head.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../../core/random.ts";
import { applyUpdates, bothViews, type Ctx, ctx } from "../../models/module.ts";
import { type MultiHead, multiMlp } from "../../models/multihead.ts";
import {
  type Mlp,
  type MlpSpec,
  simclrProjector,
  simsiamPredictor,
  simsiamProjector,
} from "../../models/mlp.ts";
import { stackable } from "../../models/stacked_mlp.ts";
import { initBackend } from "../../core/backend.ts";
import { HOST_TEST_BACKENDS, relErr } from "../core/native_testutil.ts";

const CASES: Array<{ name: string; spec: MlpSpec; perHead: boolean }> = [
  {
    name: "SimSiam projector (BN, last BN non-affine, no biases)",
    spec: simsiamProjector(12, 8, 10),
    perHead: false,
  },
  { name: "SimCLR projector (biases, no BN)", spec: simclrProjector(12, 8, 10), perHead: false },
  { name: "SimSiam predictor on per-head input [N, C, in]", spec: simsiamPredictor(8, 6), perHead: true },
];

const C = 3, N = 6;

/** The heads one call each, stacked as [N, C, D] (what MultiHead did before stacking). */
function perHead(heads: MultiHead<Mlp>, x: tf.Tensor, c: Ctx): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, , d] = x.shape;
    const outs = heads.heads.map((h, k) =>
      h.forward(
        (x.rank === 3 ? tf.reshape(tf.slice(x, [0, k, 0], [n, 1, d!]), [n, d!]) : x) as tf.Tensor2D,
        c,
      )
    );
    return tf.stack(outs, 1) as tf.Tensor3D;
  });
}

/** Σ y·r over both views' outputs, its gradients (input first, then every parameter), and the recorded running statistics. */
function trainPass(heads: MultiHead<Mlp>, x1: tf.Tensor, x2: tf.Tensor, r: tf.Tensor, stacked: boolean) {
  const c = ctx(true);
  const vars = heads.parameters().map((p) => p.variable);
  const f = (a: tf.Tensor, b: tf.Tensor) => {
    const [y1, y2] = bothViews(
      (v: tf.Tensor, g: Ctx) => stacked ? heads.forward(v as tf.Tensor2D, g) : perHead(heads, v, g),
      a,
      b,
      c,
    );
    return tf.sum(tf.mul(tf.concat([y1, y2], 0), r)) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(() => f(x1, x2), vars);
  const dx = tf.grad((a: tf.Tensor) => f(a, x2))(x1);
  c.updates.length = 0; // the second pass's updates; keep the first pass's below
  const c2 = ctx(true);
  tf.tidy(() => {
    bothViews(
      (v: tf.Tensor, g: Ctx) => stacked ? heads.forward(v as tf.Tensor2D, g) : perHead(heads, v, g),
      x1,
      x2,
      c2,
    );
  });
  applyUpdates(c2);
  const out = {
    value: value.dataSync()[0],
    grads: [dx, ...vars.map((v) => grads[v.name])].map((g) => Array.from(g.dataSync())),
    buffers: heads.buffers().map((b) => Array.from(b.variable.dataSync())),
    eval: Array.from(
      tf.tidy(() => stacked ? heads.forward(x1 as tf.Tensor2D, ctx(false)) : perHead(heads, x1, ctx(false)))
        .dataSync(),
    ),
  };
  tf.dispose([value, dx, ...Object.values(grads)]);
  return out;
}

for (const be of HOST_TEST_BACKENDS) {
  Deno.test(`stacked MLP heads = one call per head: values, gradients, running statistics (${be.name})`, async () => {
    await be.init();
    for (const [i, cs] of CASES.entries()) {
      const rng = new Rng(70 + i);
      const inShape = cs.perHead ? [N, C, cs.spec.inDim] : [N, cs.spec.inDim];
      const size = inShape.reduce((a, b) => a * b, 1);
      const x1 = tf.tensor(rng.normals(size).map((v) => 2 * v + 1), inShape);
      const x2 = tf.tensor(rng.normals(size).map((v) => 0.5 * v - 1), inShape);
      const outDim = cs.spec.layers[cs.spec.layers.length - 1].out;
      const r = tf.tensor(rng.normals(2 * N * C * outDim), [2 * N, C, outDim]);
      const a = multiMlp(new Rng(90 + i), C, cs.spec), b = multiMlp(new Rng(90 + i), C, cs.spec);
      assert.ok(stackable(a.heads), cs.name);
      const got = trainPass(a, x1, x2, r, true);
      const want = trainPass(b, x1, x2, r, false);
      const where = `${cs.name} on ${be.name}`;
      assert.ok(
        Math.abs(got.value - want.value) <= 1e-5 * Math.max(1, Math.abs(want.value)),
        `${where}: loss`,
      );
      assert.equal(got.grads.length, want.grads.length);
      got.grads.forEach((g, k) => {
        const e = relErr(g, want.grads[k]);
        assert.ok(
          e < 1e-5,
          `${where}: gradient ${k === 0 ? "of the input" : a.parameters()[k - 1].path} off by ${e}`,
        );
      });
      got.buffers.forEach((v, k) =>
        assert.ok(relErr(v, want.buffers[k]) < 1e-6, `${where}: ${a.buffers()[k].path}`)
      );
      assert.ok(relErr(got.eval, want.eval) < 1e-5, `${where}: eval-mode output`);
      tf.dispose([x1, x2, r]);
      a.dispose();
      b.dispose();
    }
  });
}

Deno.test("stacked MLP heads: one product and one BatchNorm per layer for all heads", async () => {
  await initBackend("cpu");
  const heads = multiMlp(new Rng(5), 4, simsiamProjector(12, 8, 10));
  const x = tf.randomNormal([N, 12]) as tf.Tensor2D;
  const prof = await tf.profile(() => {
    const c = ctx(true);
    const y = heads.forward(x, c);
    applyUpdates(c);
    return y;
  });
  const count = (name: string) => prof.kernels.filter((k) => k.name === name).length;
  assert.equal(count("BatchMatMul"), 3, "three layers, one product each");
  assert.equal(count("FusedBatchNorm") + count("AmclBatchNormTrain"), 3, "one BatchNorm per layer");
  // One spec with another width, or a single head, runs head by head.
  assert.ok(!stackable([heads.heads[0]]));
  const other = multiMlp(new Rng(6), 1, simsiamProjector(12, 8, 6)).heads[0];
  assert.ok(!stackable([heads.heads[0], other]));
  tf.dispose(x);
  heads.dispose();
  other.dispose();
});

import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import {
  applyPhi,
  applyUpdates,
  BACKBONE_NAMES,
  createBackbone,
  ctx,
  gatherTokens,
  indicator,
  Mlp,
  mocoV3Predictor,
  mocoV3Projector,
  MultiHead,
  multiMlp,
  type PhiParams,
  ResNet,
  scatterTokens,
  simclrProjector,
  simsiamPredictor,
  simsiamProjector,
  TemperatureMlp,
  ViT,
} from "../../models/mod.ts";

await initBackend("cpu");

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function randn(seed: number, shape: number[]): tf.Tensor {
  return tf.tensor(new Rng(seed).normals(shape.reduce((a, b) => a * b, 1)), shape);
}

Deno.test("projector / predictor specs build the layers each method's code uses", () => {
  const simclr = new Mlp(new Rng(1), simclrProjector(64));
  assert.equal(simclr.countParams(), 64 * 64 + 64 + 64 * 128 + 128);
  assert.equal(simclr.outDim, 128);
  assert.deepEqual(simclr.parameters().map((p) => p.path), [
    "0.linear.weight",
    "0.linear.bias",
    "1.linear.weight",
    "1.linear.bias",
  ]);

  // SimSiam: no Linear bias before BN, last BN non-affine (running stats only).
  const ss = new Mlp(new Rng(2), simsiamProjector(32, 48));
  assert.equal(ss.countParams(), 32 * 48 + 2 * 48 + 48 * 48 + 2 * 48 + 48 * 48);
  const paths = ss.parameters().map((p) => p.path);
  assert.ok(!paths.includes("2.bn.weight") && !paths.includes("2.linear.bias"));
  assert.ok(ss.buffers().some((b) => b.path === "2.bn.running_mean"));
  assert.equal(ss.parameters().filter((p) => !p.decay).length, 4, "BN γ/β exempt from weight decay");

  const pred = new Mlp(new Rng(3), simsiamPredictor(48, 12));
  assert.equal(pred.countParams(), 48 * 12 + 2 * 12 + 12 * 48 + 48);
  const mp = new Mlp(new Rng(4), mocoV3Projector(32, 64, 16));
  assert.equal(mp.countParams(), 32 * 64 + 128 + 64 * 64 + 128 + 64 * 16);
  const mq = new Mlp(new Rng(5), mocoV3Predictor(16, 64));
  assert.equal(mq.countParams(), 16 * 64 + 128 + 64 * 16);

  // The non-affine final BN standardises each output column in training mode.
  const k = ctx(true);
  const y = ss.forward(randn(6, [16, 32]) as tf.Tensor2D, k);
  const { mean, variance } = tf.moments(y, 0);
  assert.ok(tf.max(tf.abs(mean)).dataSync()[0] < 1e-4);
  assert.ok(maxAbsDiff(variance, tf.onesLike(variance)) < 1e-2);
  applyUpdates(k);
  assert.throws(() => new Mlp(new Rng(0), { inDim: 4, layers: [] }), UserError);
  assert.throws(() => new Mlp(new Rng(0), { inDim: 4, layers: [{ out: 0 }] }), /layer 0 width 0/);
  tf.dispose([y, mean, variance]);
  [simclr, ss, pred, mp, mq].forEach((m) => m.dispose());
});

Deno.test("multi-head: C independent heads stacked as [N, C, D]", () => {
  const heads = multiMlp(new Rng(10), 3, simclrProjector(16, 8));
  assert.equal(heads.count, 3);
  assert.equal(heads.outDim, 8);
  assert.equal(heads.countParams(), 3 * (16 * 16 + 16 + 16 * 8 + 8));
  assert.ok(heads.parameters().some((p) => p.path === "2.1.linear.weight"));
  const x = randn(11, [5, 16]) as tf.Tensor2D;
  const k = ctx(true);
  const y = heads.forward(x, k);
  assert.deepEqual(y.shape, [5, 3, 8]);
  // Slice c is head c's own output; heads have distinct weights, hence distinct outputs.
  const slices = tf.unstack(y, 1);
  heads.heads.forEach((h, c) => assert.ok(maxAbsDiff(slices[c], h.forward(x, k)) < 1e-6));
  assert.ok(maxAbsDiff(slices[0], slices[1]) > 1e-3 && maxAbsDiff(slices[1], slices[2]) > 1e-3);
  const w = heads.heads.map((h) => Array.from(h.parameters()[0].variable.dataSync()));
  assert.notDeepEqual(w[0], w[1]);

  // Per-head input [N, C, in]: a predictor applied to a multi-head projection.
  const pred = new MultiHead(new Rng(12), 3, (r) => new Mlp(r, simsiamPredictor(8, 4)));
  const p = pred.forward(y, k);
  assert.deepEqual(p.shape, [5, 3, 8]);
  const p1 = pred.heads[1].forward(slices[1] as tf.Tensor2D, k);
  assert.ok(maxAbsDiff(tf.squeeze(tf.slice(p, [0, 1, 0], [-1, 1, -1]), [1]), p1) < 1e-6);
  assert.throws(() => pred.forward(tf.zeros([5, 2, 8]) as tf.Tensor3D, k), /2 heads/);
  assert.throws(() => multiMlp(new Rng(0), 0, simclrProjector(4)), UserError);
  assert.equal(k.updates.length, 3 * 2 + 2, "one BN per predictor head (mean + var), plus head 1 run alone");
  applyUpdates(k);

  // Same seed → same heads.
  const again = multiMlp(new Rng(10), 3, simclrProjector(16, 8));
  assert.equal(maxAbsDiff(again.forward(x, ctx(false)), heads.forward(x, ctx(false))), 0);
  tf.dispose([x, y, p, p1, ...slices]);
  [heads, pred, again].forEach((m) => m.dispose());
});

Deno.test("multi-head on [N, C, in]: gradients flow for C = 1 and for a loss reading one head", () => {
  // tfjs 4.22's Unpack gradient crashed here ("Argument tensors passed to stack must be a
  // `Tensor[]`") whenever Unpack had a single output, i.e. a one-head predictor (C = 1).
  for (const count of [1, 3]) {
    const pred = new MultiHead(new Rng(20 + count), count, (r) => new Mlp(r, simclrProjector(6, 4)));
    const x = randn(30 + count, [5, count, 6]) as tf.Tensor3D;
    const used = count - 1; // the loss reads only the last head
    const onlyUsed = (v: tf.Tensor) =>
      tf.sum(tf.square(tf.slice(pred.forward(v as tf.Tensor3D, ctx(true)), [0, used, 0], [5, 1, 4])));
    const g = tf.grad(onlyUsed)(x);
    assert.deepEqual(g.shape, [5, count, 6]);
    // The used slice gets exactly the gradient of its head run alone; the others get zero.
    const xi = tf.reshape(tf.slice(x, [0, used, 0], [5, 1, 6]), [5, 6]);
    const alone = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.square(pred.heads[used].forward(v as tf.Tensor2D, ctx(true))))
    )(xi);
    const gi = tf.reshape(tf.slice(g, [0, used, 0], [5, 1, 6]), [5, 6]);
    assert.ok(tf.tidy(() => tf.max(tf.abs(alone)).dataSync()[0]) > 1e-4, "the used head has a gradient");
    assert.ok(maxAbsDiff(gi, alone) < 1e-5);
    for (let c = 0; c < used; c++) {
      const other = tf.slice(g, [0, c, 0], [5, 1, 6]);
      assert.equal(tf.tidy(() => tf.max(tf.abs(other)).dataSync()[0]), 0, `head ${c} is unused`);
      other.dispose();
    }
    // Parameters of the unused heads get no gradient either.
    const { grads } = tf.variableGrads(
      () => onlyUsed(x) as tf.Scalar,
      pred.parameters().map((p) => p.variable),
    );
    for (const p of pred.parameters()) {
      const n = tf.tidy(() => tf.max(tf.abs(grads[p.variable.name])).dataSync()[0]);
      if (p.path.startsWith(`${used}.`)) assert.ok(n > 0, `${p.path} learns`);
      else assert.equal(n, 0, `${p.path} of an unused head`);
    }
    tf.dispose([x, g, xi, alone, gi, ...Object.values(grads)]);
    pred.dispose();
  }
});

Deno.test("temperature MLP φ: layout, tensors() are the variables, matches the vectors' formula", async () => {
  const phi = new TemperatureMlp(new Rng(20), 6, 16);
  const t: PhiParams = phi.tensors();
  assert.deepEqual([t.w1.shape, t.b1.shape, t.w2.shape, t.b2.shape], [[6, 16], [16], [16, 6], [6]]);
  const vars = phi.parameters();
  assert.deepEqual(vars.map((p) => [p.path, p.decay]), [["w1", true], ["b1", false], ["w2", true], [
    "b2",
    false,
  ]]);
  assert.equal(t.w1, vars[0].variable);
  assert.equal(t.b2, vars[3].variable);
  assert.equal(new TemperatureMlp(new Rng(0), 128).hidden, 128, "hidden defaults to 128");

  // Load the φ of a shared loss vector and check φ(x) = relu(x·w1 + b1)·w2 + b2 in float64.
  const url = new URL("../../../shared/vectors/amcl_ntxent__0.json", import.meta.url);
  const vec = JSON.parse(await Deno.readTextFile(url));
  t.w1.assign(tf.tensor2d(vec.phi.w1));
  (t.b1 as unknown as tf.Variable).assign(tf.tensor1d(vec.phi.b1));
  (t.w2 as unknown as tf.Variable).assign(tf.tensor2d(vec.phi.w2));
  (t.b2 as unknown as tf.Variable).assign(tf.tensor1d(vec.phi.b2));
  const z: number[][] = vec.inputs.z1.map((row: number[][]) => row[0]); // [B, C=1, D] → [B, D]
  const got = phi.forward(tf.tensor2d(z)).arraySync() as number[][];
  for (let i = 0; i < z.length; i++) {
    const h = vec.phi.b1.map((b: number, j: number) =>
      Math.max(0, b + z[i].reduce((s: number, v: number, k: number) => s + v * vec.phi.w1[k][j], 0))
    );
    for (let o = 0; o < 6; o++) {
      const want = vec.phi.b2[o] + h.reduce((s: number, v: number, j: number) => s + v * vec.phi.w2[j][o], 0);
      assert.ok(Math.abs(got[i][o] - want) < 1e-5 * Math.max(1, Math.abs(want)), `φ(z${i})[${o}]`);
    }
  }
  // Rank-3 input [B, C, D] keeps its shape; gradients reach all four tensors.
  const z3 = tf.tensor3d(vec.inputs.z1);
  assert.deepEqual(applyPhi(t, z3).shape, z3.shape);
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(applyPhi(phi.tensors(), z3))) as tf.Scalar);
  for (const p of vars) assert.ok(tf.max(tf.abs(grads[p.variable.name])).dataSync()[0] > 0, p.path);
  assert.throws(() => phi.forward(tf.zeros([2, 5])), /6-vectors/);
  assert.throws(() => new TemperatureMlp(new Rng(0), 0), UserError);
  tf.dispose([z3, ...Object.values(grads)]);
  phi.dispose();
});

Deno.test("token gather / scatter are exact per-sample selections and placements", () => {
  const x = tf.tensor3d([[[1, 1], [2, 2], [3, 3], [4, 4]], [[5, 5], [6, 6], [7, 7], [8, 8]]]);
  const idx = tf.tensor2d([[3, 0], [1, 2]], [2, 2], "int32");
  assert.deepEqual(gatherTokens(x, idx).arraySync(), [[[4, 4], [1, 1]], [[6, 6], [7, 7]]]);
  const placed = scatterTokens(tf.tensor3d([[[9, 9], [8, 8]], [[7, 7], [6, 6]]]), idx, 4);
  assert.deepEqual(placed.arraySync(), [
    [[8, 8], [0, 0], [0, 0], [9, 9]],
    [[0, 0], [7, 7], [6, 6], [0, 0]],
  ]);
  assert.deepEqual(indicator(idx, 4).arraySync(), [[1, 0, 0, 1], [0, 1, 1, 0]]);
  // Gradient of a gather lands on the gathered rows only.
  const g = tf.grad((t: tf.Tensor) => tf.sum(gatherTokens(t as tf.Tensor3D, idx)))(x);
  assert.deepEqual(g.arraySync(), [[[1, 1], [0, 0], [0, 0], [1, 1]], [[0, 0], [1, 1], [1, 1], [0, 0]]]);
  tf.dispose([x, idx, placed, g]);
});

Deno.test("backbones by name: every name builds, unknown names list the known ones", () => {
  for (const name of BACKBONE_NAMES) {
    const small = name.startsWith("vit-") ? { vit: { depth: 1, width: 16, heads: 2 } } : { width: 1 / 16 };
    const m = createBackbone(new Rng(1), name, { imageSize: 16, inChannels: 1, ...small });
    assert.ok(name.startsWith("vit-") ? m instanceof ViT : m instanceof ResNet, name);
    const x = tf.zeros([2, 16, 16, 1]) as tf.Tensor4D;
    const y = m.forward(x, ctx(false));
    assert.deepEqual(y.shape, [2, m.featureDim], name);
    tf.dispose([x, y]);
    m.dispose();
  }
  const vit = createBackbone(new Rng(1), "vit-small", { imageSize: 32, vit: { depth: 1 } }) as ViT;
  assert.deepEqual([vit.featureDim, vit.config.patchSize, vit.config.heads, vit.numPatches], [384, 4, 6, 64]);
  vit.dispose();
  assert.throws(
    () => createBackbone(new Rng(1), "resnet101", { imageSize: 32 }),
    /unknown backbone "resnet101"; use one of resnet18/,
  );
});

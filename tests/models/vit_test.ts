import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import {
  ctx,
  disposeMask,
  gelu,
  MaeDecoder,
  maeDecoderConfig,
  type Module,
  patchify,
  randomMasks,
  ScalarEmbedding,
  sincos2d,
  unpatchify,
  ViT,
  vitConfig,
} from "../../models/mod.ts";

await initBackend("cpu");

function randImages(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).normals(shape.reduce((a, b) => a * b)), shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** A cpu-sized ViT: 16 px images, patch 4 (16 patches), width 32, 2 blocks, 2 heads. */
function smallVit(seed: number, pool: "cls" | "mean" = "cls"): ViT {
  return new ViT(new Rng(seed), vitConfig("tiny", { width: 32, depth: 2, heads: 2, imageSize: 16, pool }));
}

Deno.test("ViT parameter counts: trainable parameters and the fixed position embedding", () => {
  // Counted: patch embedding (weight + bias), class token, blocks, final norm — no head.
  // The sin-cos position embedding is a fixed buffer (197 × D); timm counts it as a parameter,
  // which gives the usual totals (ViT-B/16: 85,798,656 ≈ 85.8 M).
  const cases: Array<["tiny" | "small" | "base", number, number]> = [
    ["tiny", 5_486_592, 5_524_416],
    ["small", 21_590_016, 21_665_664],
    ["base", 85_647_360, 85_798_656],
  ];
  for (const [size, trainable, withPos] of cases) {
    const before = tf.memory().numTensors;
    const v = new ViT(new Rng(1), vitConfig(size)); // patch 16 at 224 px
    assert.equal(v.numPatches, 196);
    assert.equal(v.countParams(), trainable, size);
    assert.deepEqual(v.posEmbed.shape, [197, v.featureDim]);
    assert.equal(v.countParams() + v.posEmbed.size, withPos, size);
    v.dispose();
    assert.equal(tf.memory().numTensors, before);
  }
  const large = vitConfig("large");
  assert.deepEqual([large.width, large.depth, large.heads, large.mlpRatio], [1024, 24, 16, 4]);
});

Deno.test("vitConfig: sizes, cpu-scale overrides, default patch size and validation", () => {
  const t = vitConfig("tiny", { depth: 4, imageSize: 32 });
  assert.deepEqual([t.width, t.depth, t.heads, t.patchSize], [192, 4, 3, 4]);
  assert.equal(vitConfig("base").patchSize, 16);
  assert.throws(() => vitConfig("huge" as "tiny"), /unknown ViT size "huge"/);
  assert.throws(() => vitConfig("tiny", { imageSize: 30 }), /not a multiple of the patch size 4/);
  assert.throws(() => vitConfig("tiny", { heads: 5 }), UserError);
  assert.throws(() => vitConfig("tiny", { pool: "cls", classToken: false }), /classToken/);
  const rect = new ViT(new Rng(0), vitConfig("tiny", { width: 16, depth: 1, heads: 2, imageSize: [8, 16] }));
  assert.deepEqual(rect.gridSize, [2, 4]);
  const y = rect.forward(randImages(0, [2, 8, 16, 3]));
  assert.deepEqual(y.shape, [2, 16]);
  y.dispose();
  assert.throws(() => rect.forward(tf.zeros([1, 16, 16, 3]) as tf.Tensor4D), /built for 8×16×3/);
  rect.dispose();
});

Deno.test("2-D sin-cos position embedding: zero class row, column then row halves", () => {
  const pe = sincos2d(8, 2, 3, true);
  const v = pe.arraySync();
  assert.equal(v.length, 7);
  assert.deepEqual(v[0], [0, 0, 0, 0, 0, 0, 0, 0]);
  // Patch 4 is row 1, column 1; patch 2 is row 0, column 2. ω = [1, 1/100] for dim/2 = 4.
  const emb = (p: number) => [Math.sin(p), Math.sin(p / 100), Math.cos(p), Math.cos(p / 100)];
  const want = (r: number, c: number) => [...emb(c), ...emb(r)];
  for (const [i, r, c] of [[1, 0, 0], [3, 0, 2], [5, 1, 1], [6, 1, 2]]) {
    want(r, c).forEach((w, k) => assert.ok(Math.abs(v[i][k] - w) < 1e-6, `row ${i} col ${k}`));
  }
  pe.dispose();
  assert.throws(() => sincos2d(6, 2, 2, false), /divisible by 4/);
});

Deno.test("GELU is the exact erf form", () => {
  const y = gelu(tf.tensor1d([-2, -1, 0, 1, 3])).dataSync();
  const want = [-0.04550026, -0.15865525, 0, 0.84134475, 2.99595031];
  want.forEach((w, i) => assert.ok(Math.abs(y[i] - w) < 2e-6, `gelu ${y[i]} vs ${w}`));
});

Deno.test("patchify / unpatchify round-trip with (row, column, channel) order inside a patch", () => {
  const x = randImages(3, [2, 8, 12, 3]);
  const p = patchify(x, 4);
  assert.deepEqual(p.shape, [2, 6, 48]);
  // Patch 4 = grid row 1, column 1: pixel (0, 1, c) of the patch is image pixel (4, 5, c).
  const xv = x.arraySync(), pv = p.arraySync();
  for (let c = 0; c < 3; c++) assert.equal(pv[1][4][(0 * 4 + 1) * 3 + c], xv[1][4][5][c]);
  const back = unpatchify(p, 4, 2, 3, 3);
  assert.equal(maxAbsDiff(back, x), 0);
  tf.dispose([x, p, back]);
});

Deno.test("random masks: exact ratio, disjoint and complete, per-sample, deterministic per seed", () => {
  const m = randomMasks(new Rng(5), 4, 64, 0.5);
  assert.equal(m.numKeep, 32);
  assert.deepEqual(m.keep.shape, [4, 32]);
  assert.deepEqual(m.masked.shape, [4, 32]);
  const keep = m.keep.arraySync(), masked = m.masked.arraySync(), mask = m.mask.arraySync();
  for (let n = 0; n < 4; n++) {
    const all = [...keep[n], ...masked[n]].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 64 }, (_, i) => i));
    assert.deepEqual(keep[n], [...keep[n]].sort((a, b) => a - b));
    assert.equal(mask[n].reduce((a, b) => a + b, 0), 32);
    for (const i of masked[n]) assert.equal(mask[n][i], 1);
    for (const i of keep[n]) assert.equal(mask[n][i], 0);
  }
  assert.notDeepEqual(keep[0], keep[1]);
  const again = randomMasks(new Rng(5), 4, 64, 0.5);
  assert.deepEqual(again.keep.arraySync(), keep);
  const other = randomMasks(new Rng(6), 4, 64, 0.5);
  assert.notDeepEqual(other.keep.arraySync(), keep);
  assert.equal(randomMasks(new Rng(1), 1, 64, 0.75).numKeep, 16);
  [m, again, other].forEach(disposeMask);
  assert.throws(() => randomMasks(new Rng(1), 1, 4, 1), /mask ratio 1/);
  assert.throws(() => randomMasks(new Rng(1), 1, 4, 0.9), /no visible patch/);
});

Deno.test("ViT masked forward: shapes, depends only on visible patches, all-kept = unmasked", () => {
  const v = smallVit(9);
  const x = randImages(10, [3, 16, 16, 3]);
  const m = randomMasks(new Rng(11), 3, v.numPatches, 0.75);
  const k = ctx(true);
  const tokens = v.forwardTokens(x, k, { keep: m.keep });
  assert.deepEqual(tokens.shape, [3, 1 + 4, 32]);
  const feats = v.forward(x, k, { keep: m.keep });
  assert.deepEqual(feats.shape, [3, 32]);
  assert.equal(k.updates.length, 0);

  // Changing the pixels of masked patches does not change the output; changing a visible one does.
  const maskPix = tf.tidy(() => {
    const perPatch = tf.reshape(m.mask, [3, 4, 1, 4, 1, 1]); // grid 4×4 → pixel blocks 4×4
    return tf.reshape(tf.tile(perPatch, [1, 1, 4, 1, 4, 3]), [3, 16, 16, 3]);
  });
  const noise = randImages(12, [3, 16, 16, 3]);
  const xMasked = tf.add(x, tf.mul(noise, maskPix)) as tf.Tensor4D;
  const xVisible = tf.add(x, tf.mul(noise, tf.sub(1, maskPix))) as tf.Tensor4D;
  const fMasked = v.forward(xMasked, k, { keep: m.keep });
  const fVisible = v.forward(xVisible, k, { keep: m.keep });
  assert.ok(maxAbsDiff(fMasked, feats) < 1e-5, "masked pixels are ignored");
  assert.ok(maxAbsDiff(fVisible, feats) > 1e-3, "visible pixels matter");

  // keep = every index gives the unmasked forward; a permutation of the kept set changes nothing.
  const all = tf.tensor2d(
    Array.from({ length: 3 }, () => Array.from({ length: 16 }, (_, i) => i)),
    [3, 16],
    "int32",
  );
  const rev = tf.tensor2d(Array.from({ length: 3 }, () => Array.from({ length: 16 }, (_, i) => 15 - i)), [
    3,
    16,
  ], "int32");
  const full = v.forward(x);
  assert.ok(maxAbsDiff(v.forward(x, k, { keep: all }), full) < 1e-5);
  assert.ok(maxAbsDiff(v.forward(x, k, { keep: rev }), full) < 1e-5, "cls output is permutation invariant");
  assert.throws(() => v.forward(x, k, { keep: tf.zeros([2, 4], "int32") as tf.Tensor2D }), /2 samples/);
  tf.dispose([x, tokens, feats, maskPix, noise, xMasked, xVisible, fMasked, fVisible, all, rev, full]);
  disposeMask(m);
  v.dispose();
});

Deno.test("ViT pooling: class token, or mean of the patch tokens after the final norm", () => {
  const v = smallVit(13, "mean");
  const x = randImages(14, [2, 16, 16, 3]);
  const t = v.forwardTokens(x);
  const mean = v.forward(x);
  assert.ok(maxAbsDiff(mean, tf.mean(tf.slice(t, [0, 1, 0], [-1, -1, -1]), 1)) < 1e-6);
  assert.ok(maxAbsDiff(v.pool(t, "cls"), tf.reshape(tf.slice(t, [0, 0, 0], [-1, 1, -1]), [2, 32])) === 0);
  tf.dispose([x, t, mean]);
  v.dispose();
});

function allParamsGetGradients(module: Module, loss: () => tf.Scalar) {
  const params = module.parameters();
  const { value, grads } = tf.variableGrads(loss, params.map((p) => p.variable));
  for (const p of params) {
    const g = grads[p.variable.name];
    assert.ok(g, `${p.path} has a gradient`);
    const m = tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]);
    assert.ok(Number.isFinite(m) && m > 0, `${p.path} gradient nonzero (max |g| = ${m})`);
  }
  tf.dispose([value, ...Object.values(grads)]);
}

Deno.test("gradients reach every ViT parameter through a masked forward", () => {
  const v = smallVit(15);
  const x = randImages(16, [2, 16, 16, 3]);
  const m = randomMasks(new Rng(17), 2, 16, 0.5);
  const target = tf.tensor2d(new Rng(18).normals(2 * 32), [2, 32]);
  allParamsGetGradients(
    v,
    () => tf.sum(tf.square(tf.sub(v.forward(x, ctx(true), { keep: m.keep }), target))),
  );
  tf.dispose([x, target]);
  disposeMask(m);
  v.dispose();
});

Deno.test("MAE decoder: predicts every patch, mask token fills masked positions, conditioning is added", () => {
  const v = smallVit(19);
  const cfg = maeDecoderConfig(v, { dim: 16, depth: 1, heads: 2 });
  assert.deepEqual([cfg.encoderDim, cfg.gridSize, cfg.patchSize, cfg.inChannels], [32, [4, 4], 4, 3]);
  const dec = new MaeDecoder(new Rng(20), cfg);
  const x = randImages(21, [2, 16, 16, 3]);
  const m = randomMasks(new Rng(22), 2, 16, 0.75);
  const latent = v.forwardTokens(x, ctx(true), { keep: m.keep });
  const pred = dec.forward(latent, m.keep);
  assert.deepEqual(pred.shape, [2, 16, 48]);
  const sig = new ScalarEmbedding(new Rng(23), 16, 8);
  const sigma = tf.tensor1d([0.01, 0.08]);
  const cond = sig.forward(sigma);
  assert.deepEqual(cond.shape, [2, 16]);
  const predCond = dec.forward(latent, m.keep, cond);
  assert.ok(maxAbsDiff(pred, predCond) > 1e-4, "conditioning changes the prediction");
  // Unmasked use: latent of all patches, no keep.
  const full = dec.forward(v.forwardTokens(x));
  assert.deepEqual(full.shape, [2, 16, 48]);
  assert.throws(() => dec.forward(latent), /expects \[N, 17, 32\]/);
  assert.throws(() => dec.forward(latent, m.keep, tf.zeros([2, 8]) as tf.Tensor2D), /conditioning/);

  // Every decoder, encoder and σ-embedding parameter gets a gradient from a CAN-like loss:
  // reconstruction on masked patches + a conditioned prediction on visible ones.
  const targets = patchify(x, 4);
  const loss = () =>
    tf.tidy(() => {
      const lat = v.forwardTokens(x, ctx(true), { keep: m.keep });
      const rec = tf.mean(
        tf.sum(tf.mul(tf.mean(tf.square(tf.sub(dec.forward(lat, m.keep), targets)), 2), m.mask)),
      );
      const den = tf.mean(tf.square(dec.forward(lat, m.keep, sig.forward(sigma))));
      return tf.add(rec, den) as tf.Scalar;
    });
  allParamsGetGradients(dec, loss);
  allParamsGetGradients(sig, loss);
  allParamsGetGradients(v, loss);
  tf.dispose([x, latent, pred, sigma, cond, predCond, full, targets]);
  disposeMask(m);
  [v, dec, sig].forEach((mod) => mod.dispose());
});

Deno.test("ViT weights: same seed identical, different seed different", () => {
  const a = smallVit(30), b = smallVit(30), c = smallVit(31);
  for (const [p, va] of a.state()) {
    const x = va.dataSync(), y = b.state().get(p)!.dataSync();
    assert.ok(x.every((v, i) => Object.is(v, y[i])), p);
  }
  const w = (m: ViT) => Array.from(m.blocks[1].attn.qkv.weight.dataSync().slice(0, 20));
  assert.notDeepEqual(w(a), w(c));
  [a, b, c].forEach((m) => m.dispose());
});

Deno.test("ViT training steps do not leak tensors", () => {
  const v = smallVit(40);
  const x = randImages(41, [2, 16, 16, 3]);
  const vars = v.parameters().map((p) => p.variable);
  const rng = new Rng(42);
  const counts: number[] = [];
  for (let step = 0; step < 4; step++) {
    const m = randomMasks(rng, 2, 16, 0.5);
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(v.forward(x, ctx(true), { keep: m.keep }))) as tf.Scalar,
        vars,
      );
      for (const vv of vars) vv.assign(tf.sub(vv, tf.mul(grads[vv.name], 0.01)));
      return value;
    }).dispose();
    disposeMask(m);
    counts.push(tf.memory().numTensors);
  }
  assert.equal(counts[3], counts[1], `tensor counts ${counts}`);
  x.dispose();
  v.dispose();
});

import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import type { Rng } from "../../core/random.ts";
import type { ImageArray } from "../../eval/features.ts";
import { pixelFeatures } from "../../eval/features.ts";
import { drawPairs, phiTemperature, similarityAnalysis } from "../../eval/similarity.ts";

await initBackend("cpu");

// 40 tiny 4×4×1 images with distinct random-ish pixels.
const images: ImageArray = {
  data: Uint8Array.from({ length: 40 * 16 }, (_, i) => (i * 37 + ((i * i) % 11)) % 256),
  n: 40,
  height: 4,
  width: 4,
  channels: 1,
};
const identity = (x: tf.Tensor4D) => x;
const oneHead = (x: tf.Tensor4D) => tf.expandDims(pixelFeatures(x), 1) as tf.Tensor3D;

Deno.test("similarity: identity augmentation gives positive cosine 1 and sim/τ = 1/τ for a constant τ", () => {
  const r = similarityAnalysis(images, identity, {
    features: pixelFeatures,
    headFeatures: (x) => tf.stack([pixelFeatures(x), tf.neg(pixelFeatures(x))], 1) as tf.Tensor3D,
    temperature: 0.5,
  }, { pairs: 30, seed: 1, bins: 10, examples: 3 });
  assert.equal(r.positives.backbone.length, 30);
  assert.equal(r.negatives.backbone.length, 30);
  for (const v of r.positives.backbone) assert.ok(Math.abs(v - 1) < 1e-5);
  for (const v of r.positives.headScaled[1]) assert.ok(Math.abs(v - 2) < 1e-4);
  for (let i = 0; i < 30; i++) {
    assert.notEqual(r.negatives.a[i], r.negatives.b[i], "negative pairs are different images");
    assert.ok(Math.abs(r.negatives.headScaled[0][i] - r.negatives.headCosine[0][i] / 0.5) < 1e-5);
    assert.equal(r.negatives.tau[0][i], 0.5);
  }
  assert.ok(r.summary.backboneNegMean < 1);
  assert.equal(r.backbonePos.counts.reduce((a, b) => a + b, 0), 30);
  assert.equal(r.backbonePos.edges[0], -1);
  assert.equal(r.backbonePos.counts[9], 30, "every positive falls in the top bin");
  assert.equal(r.headPos.length, 2);
  assert.deepEqual(r.headPos[0].edges, r.headNeg[0].edges, "positive and negative share edges");
  assert.equal(r.examples.length, 6);
  assert.equal(r.examples.filter((e) => e.positive).length, 3);
  assert.equal(r.examples[0].head, r.examples[0].heads[0]);
});

Deno.test("similarity: deterministic for a seed; augmentation draws from the given stream", () => {
  const noisy = (x: tf.Tensor4D, rng: Rng) =>
    tf.add(x, tf.randomUniform(x.shape, -0.2, 0.2, "float32", rng.tfSeed())) as tf.Tensor4D;
  const model = { features: pixelFeatures, temperature: 0.1 };
  const a = similarityAnalysis(images, noisy, model, { pairs: 12, seed: 4 });
  const b = similarityAnalysis(images, noisy, model, { pairs: 12, seed: 4 });
  const c = similarityAnalysis(images, noisy, model, { pairs: 12, seed: 5 });
  assert.deepEqual(a.positives.backbone, b.positives.backbone);
  assert.notDeepEqual(a.positives.backbone, c.positives.backbone);
  assert.ok(a.positives.backbone.every((v) => v < 1 - 1e-6), "two different noisy views are not identical");
  assert.ok(Number.isNaN(a.examples[0].head), "no heads: head value is NaN");
});

Deno.test("similarity: learned temperatures from φ lie in (tauMin, tauMax) and scale the cosine", () => {
  // φ = identity: r = ⟨a, b⟩ = cos, so τ = tauMin + (tauMax − tauMin)·sigmoid(−cos).
  const temp = phiTemperature((z) => z, 0.01, 1);
  const r = similarityAnalysis(images, identity, {
    features: pixelFeatures,
    headFeatures: oneHead,
    temperature: temp,
  }, {
    pairs: 10,
  });
  for (let i = 0; i < 10; i++) {
    const cos = r.negatives.headCosine[0][i];
    const want = 0.01 + 0.99 / (1 + Math.exp(cos));
    assert.ok(Math.abs(r.negatives.tau[0][i] - want) < 1e-5, `${r.negatives.tau[0][i]} vs ${want}`);
  }
  // Positives: cos 1, τ = 0.01 + 0.99·sigmoid(−1).
  const tauPos = 0.01 + 0.99 / (1 + Math.E);
  assert.ok(Math.abs(r.summary.tauPosMean[0] - tauPos) < 1e-5);
  assert.ok(Math.abs(r.summary.headPosMean[0] - 1 / tauPos) < 1e-3);
});

Deno.test("similarity: pair drawing and bad input", () => {
  const { pos, negA, negB } = drawPairs(5, 12, 0);
  assert.equal(pos.length, 12);
  assert.equal(new Set(pos.slice(0, 5)).size, 5, "positives cycle through distinct images first");
  for (let i = 0; i < 12; i++) assert.notEqual(negA[i], negB[i]);
  const one = { ...images, n: 1, data: images.data.slice(0, 16) };
  assert.throws(
    () => similarityAnalysis(one, identity, { features: pixelFeatures, temperature: 1 }),
    UserError,
  );
  assert.throws(
    () => similarityAnalysis(images, identity, { features: pixelFeatures, temperature: -1 }),
    /temperature must be positive/,
  );
});

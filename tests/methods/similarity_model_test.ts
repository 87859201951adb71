/**
 * `MethodModel.similarityModel()`: the temperature the similarity analysis uses honours the
 * cell's tauMode (constant, adaptive, one side adaptive, head 1), baselines use the constant
 * τ, Barlow Twins AMCL (φ over batch vectors) is unscaled, and the head features reuse the
 * backbone features of the same input exactly.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import type { TauMode } from "../../core/cell_config.ts";
import { buildMethod } from "../../methods/registry.ts";
import type { MethodModel, PairContext, PairTemperatureFn } from "../../methods/method_model.ts";
import { temperature as phiTau } from "../../methods/losses/temperature.ts";
import type { TemperatureMlp } from "../../models/temperature.ts";
import { tinyCell } from "./helpers.ts";

await initBackend("cpu");
const IMAGE = { size: 16, channels: 3 };

function unit(rng: Rng, n: number, d: number): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.tensor2d(rng.normals(n * d), [n, d]);
    return tf.div(x, tf.norm(x, "euclidean", 1, true)) as tf.Tensor2D;
  });
}

function build(method: string, variant: "baseline" | "amcl", tauMode: TauMode): MethodModel {
  const cell = tinyCell(method, variant, { tauMode, tau: 0.3, tauMin: 0.01, tauMax: 1.5 });
  return buildMethod(cell, IMAGE, new Rng(3));
}

Deno.test("similarityModel: the temperature follows the cell's tauMode", () => {
  const rng = new Rng(1);
  const a = [unit(rng, 6, 32), unit(rng, 6, 32)];
  const b = [unit(rng, 6, 32), unit(rng, 6, 32)];
  const pos: PairContext = { kind: "pos", a, b };
  const neg: PairContext = { kind: "neg", a, b };
  const values = (t: tf.Tensor1D) => {
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  const close = (x: number[], y: number[]) => x.every((v, i) => Math.abs(v - y[i]) < 1e-5);
  for (const mode of ["adaptive", "adaptive-pos", "adaptive-neg", "head1"] as const) {
    const model = build("simclr", "amcl", mode);
    try {
      const sm = model.similarityModel();
      assert.equal(typeof sm.temperature, "function", mode);
      const fn = sm.temperature as PairTemperatureFn;
      const phi = (model as unknown as { phi: TemperatureMlp }).phi.tensors();
      const want = (h: number) => values(phiTau(a[h], b[h], phi, 0.01, 1.5));
      const got = { pos: values(fn(1, a[1], b[1], pos)), neg: values(fn(1, a[1], b[1], neg)) };
      const learnedPos = mode !== "adaptive-neg", learnedNeg = mode !== "adaptive-pos";
      const source = mode === "head1" ? 0 : 1;
      assert.ok(
        learnedPos ? close(got.pos, want(source)) : got.pos.every((v) => Math.abs(v - 0.3) < 1e-7),
        `${mode} τ⁺ ${got.pos}`,
      );
      assert.ok(
        learnedNeg ? close(got.neg, want(source)) : got.neg.every((v) => Math.abs(v - 0.3) < 1e-7),
        `${mode} τ⁻ ${got.neg}`,
      );
      if (learnedPos) assert.ok(got.pos.every((v) => v > 0.01 && v < 1.5));
      assert.match(sm.temperatureNote, /learned/);
    } finally {
      model.dispose();
    }
  }
  tf.dispose([...a, ...b]);
});

Deno.test("similarityModel: constant τ for baselines and tauMode constant; Barlow AMCL unscaled", () => {
  for (
    const [method, variant, mode, want] of [
      ["simclr", "baseline", "constant", 0.3],
      ["moco", "amcl", "constant", 0.3],
      ["barlow", "amcl", "adaptive", 1],
    ] as const
  ) {
    const model = build(method, variant, mode);
    try {
      const sm = model.similarityModel();
      assert.equal(sm.temperature, want, `${method} ${variant} ${mode}`);
      assert.match(sm.temperatureNote, want === 1 ? /unscaled/ : /constant τ = 0.3/);
    } finally {
      model.dispose();
    }
  }
});

Deno.test("similarityModel: head features reuse the pair's backbone features and equal headFeatures", () => {
  const model = build("simsiam", "amcl", "adaptive");
  try {
    const sm = model.similarityModel();
    const rng = new Rng(5);
    const own = model.headFeatures.bind(model);
    let fullPasses = 0;
    const spy = (x: tf.Tensor4D) => {
      fullPasses++;
      return own(x);
    };
    tf.tidy(() => {
      const xa = tf.tensor4d(rng.normals(4 * 16 * 16 * 3), [4, 16, 16, 3]);
      const xb = tf.tensor4d(rng.normals(4 * 16 * 16 * 3), [4, 16, 16, 3]);
      const fa = sm.features(xa);
      sm.features(xb);
      assert.deepEqual(fa.shape, model.features(xa).shape);
      for (const x of [xa, xb]) {
        model.headFeatures = spy;
        const got = sm.headFeatures(x).dataSync();
        model.headFeatures = own;
        const want = model.headFeatures(x).dataSync();
        assert.equal(got.length, want.length);
        assert.ok(got.every((v, i) => Math.abs(v - want[i]) < 1e-5));
      }
      assert.equal(fullPasses, 0, "both views' head features came from their cached backbone features");
      model.headFeatures = spy;
      const xc = tf.tensor4d(rng.normals(4 * 16 * 16 * 3), [4, 16, 16, 3]);
      assert.equal(sm.headFeatures(xc).shape[1], 2, "[B, C, D] with C = 2 heads");
      assert.equal(fullPasses, 1, "an input without cached features goes through the backbone");
      model.headFeatures = own;
    });
  } finally {
    model.dispose();
  }
});

/**
 * MoCo's mechanisms: the per-head FIFO queue (enqueue after the step, wrap-around, unit
 * keys from the momentum encoder on view 2), the EMA update of the key encoder and
 * projector, and keys that carry no gradient.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { ctx } from "../../models/module.ts";
import { buildMethod } from "../../methods/registry.ts";
import { KeyQueue } from "../../methods/key_queue.ts";
import { backboneForward } from "../../methods/backbone.ts";
import type { MethodModel, StepInfo } from "../../methods/method_model.ts";
import type { Module } from "../../models/module.ts";
import { cifarImages, tinyCell } from "./helpers.ts";

await initBackend("wasm");

const INFO: StepInfo = { stage: "main", epoch: 0, stageProgress: 0, step: 0, totalSteps: 1 };

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

Deno.test("KeyQueue writes B keys at the pointer and wraps around", () => {
  const q = new KeyQueue(new Rng(1), 2, 3, 5);
  const before = q.queue.arraySync() as number[][][];
  const keys = (v: number) =>
    tf.tidy(() => tf.add(tf.zeros([3, 2, 3]), tf.reshape(tf.range(v, v + 3), [3, 1, 1]))) as tf.Tensor3D;
  const k1 = keys(10);
  q.enqueue(k1);
  let now = q.queue.arraySync() as number[][][];
  for (let c = 0; c < 2; c++) {
    for (let d = 0; d < 3; d++) {
      assert.deepEqual(now[c][d].slice(0, 3), [10, 11, 12]);
      assert.deepEqual(now[c][d].slice(3), before[c][d].slice(3));
    }
  }
  assert.equal(q.ptr.dataSync()[0], 3);
  const k2 = keys(20);
  q.enqueue(k2); // slots 3, 4, then 0
  now = q.queue.arraySync() as number[][][];
  assert.deepEqual(now[1][2], [22, 11, 12, 20, 21]);
  assert.equal(q.ptr.dataSync()[0], 1);
  tf.dispose([k1, k2]);
  q.dispose();
});

function params(m: Module): Map<string, Float32Array> {
  return new Map(m.parameters().map((p) => [p.path, p.variable.dataSync().slice() as Float32Array]));
}

Deno.test("MoCo: enqueue after the step, unit keys of view 2 from the momentum encoder, EMA update", () => {
  const cell = tinyCell("moco", "baseline", {}, { queueSize: 32, momentum: 0.9 });
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed)) as MethodModel & {
    queue: KeyQueue;
    keyBackbone: Parameters<typeof backboneForward>[0];
    keyProjector: Module & { forward(x: tf.Tensor2D, c: ReturnType<typeof ctx>): tf.Tensor3D };
    backbone: { module: Module };
    projector: Module;
  };
  const x = cifarImages(16, 16);
  const v2 = tf.reverse(x, 2) as tf.Tensor4D;
  // Move the online encoder away from the key encoder, so the EMA is visible.
  for (const p of model.backbone.module.parameters()) {
    p.variable.assign(tf.tidy(() => tf.add(p.variable, 0.01)));
  }
  const online = params(model.backbone.module);
  const keyBefore = params(model.keyBackbone.module);
  const queueBefore = model.queue.queue.dataSync().slice();

  const c = ctx(true);
  const out = tf.tidy(() => {
    const o = model.forward([x, v2], c, new Rng(0), INFO);
    return tf.keep(o.loss);
  });
  assert.ok(Number.isFinite(out.dataSync()[0]));
  assert.deepEqual(
    model.queue.queue.dataSync(),
    queueBefore,
    "the queue must not change during the forward pass",
  );
  // expected keys: momentum encoder (train-mode BN, as in the step) on view 2, normalised
  const expected = tf.tidy(() => {
    const k = model.keyProjector.forward(backboneForward(model.keyBackbone, v2, ctx(true)), ctx(true));
    return tf.div(k, tf.norm(k, 2, -1, true));
  });
  model.afterStep(INFO);

  const [, d, size] = model.queue.queue.shape;
  const q = model.queue.queue.arraySync() as number[][][];
  const e = expected.arraySync() as number[][][];
  for (let i = 0; i < 16; i++) {
    const col = q[0].map((row) => row[i]);
    close(col, e[i][0], 1e-4, `queue column ${i}`);
    close([Math.hypot(...col)], [1], 1e-5, "unit key");
  }
  const qb = queueBefore;
  const flat = model.queue.queue.dataSync();
  for (let r = 0; r < d; r++) {
    for (let j = 16; j < size; j++) {
      assert.equal(flat[r * size + j], qb[r * size + j], "untouched slots stay");
    }
  }
  assert.equal(model.queue.ptr.dataSync()[0], 16);
  // EMA: ξ ← m·ξ + (1 − m)·θ with m = 0.9
  const keyAfter = params(model.keyBackbone.module);
  for (const [path, xi] of keyBefore) {
    const th = online.get(path)!;
    close(keyAfter.get(path)!, xi.map((v, i) => 0.9 * v + 0.1 * th[i]), 1e-6, path);
  }
  tf.dispose([out, expected, x, v2]);
  for (const u of c.updates) u.value.dispose();
  model.dispose();
});

Deno.test("MoCo: keys carry no gradient to the momentum encoder", () => {
  const cell = tinyCell("moco", "baseline", {}, { queueSize: 32 });
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
  const x = cifarImages(8, 16);
  const keyVars = model.root.parameters().filter((p) => p.path.startsWith("key_")).map((p) => p.variable);
  const onlineVars = model.paramGroups("main")[0].params.map((p) => p.variable);
  assert.ok(keyVars.length > 0 && onlineVars.length > 0);
  assert.ok(onlineVars.every((v) => !keyVars.includes(v)), "the optimiser never sees the momentum encoder");
  const c = ctx(true);
  const { value, grads } = tf.variableGrads(
    () => model.forward([x, tf.reverse(x, 2)], c, new Rng(0), INFO).loss,
    [
      ...keyVars,
      ...onlineVars,
    ],
  );
  for (const v of keyVars) {
    const g = grads[v.name];
    assert.ok(!g || g.abs().max().dataSync()[0] === 0, `gradient reached ${v.name}`);
  }
  assert.ok(onlineVars.some((v) => grads[v.name] && grads[v.name]!.abs().max().dataSync()[0] > 0));
  tf.dispose([value, x, ...Object.values(grads).filter((g): g is tf.Tensor => g != null)]);
  for (const u of c.updates) u.value.dispose();
  model.afterStep(INFO);
  model.dispose();
});

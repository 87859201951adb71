import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import { clipGradNorm, Optimizer } from "../../methods/optim.ts";
import { lrAt, momentumAt } from "../../methods/schedule.ts";
import type { NamedParam } from "../../models/module.ts";

await tf.setBackend("cpu");

function param(path: string, values: number[], decay = true): NamedParam {
  return { path, variable: tf.variable(tf.tensor1d(values)), decay };
}

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

function step(opt: Optimizer, ps: NamedParam[], grads: number[][], lr: number): void {
  const g: Record<string, tf.Tensor> = {};
  ps.forEach((p, i) => (g[p.variable.name] = tf.tensor1d(grads[i])));
  opt.apply(g, lr);
  tf.dispose(Object.values(g));
}

Deno.test("SGD with momentum and weight decay matches two hand-computed steps", () => {
  const w = param("w", [1, -2]);
  const b = param("b", [1, -2], false);
  const opt = new Optimizer({ kind: "sgd", weightDecay: 0.01, momentum: 0.9 }, [{
    name: "all",
    params: [w, b],
  }]);
  step(opt, [w, b], [[0.5, 0.25], [0.5, 0.25]], 0.1);
  close(w.variable.dataSync(), [0.949, -2.023]);
  close(b.variable.dataSync(), [0.95, -2.025]);
  step(opt, [w, b], [[0.5, 0.25], [0.5, 0.25]], 0.1);
  // d2 = g + wd·p1 = [0.50949, 0.22977]; buf = 0.9·[0.51, 0.23] + d2; p2 = p1 − 0.1·buf
  close(w.variable.dataSync(), [0.852151, -2.066677]);
  // no decay: buf = 0.9·g + g = 1.9·g
  close(b.variable.dataSync(), [0.95 - 0.095, -2.025 - 0.0475]);
  opt.dispose();
  tf.dispose([w.variable, b.variable]);
});

Deno.test("AdamW first step is lr·sign(g) plus decoupled decay on decay params only", () => {
  const w = param("w", [1, -2]);
  const b = param("b", [1, -2], false);
  const opt = new Optimizer({ kind: "adamw", weightDecay: 0.5, betas: [0.9, 0.999] }, [
    { name: "all", params: [w, b] },
  ]);
  step(opt, [w, b], [[0.5, -0.25], [0.5, -0.25]], 0.1);
  close(w.variable.dataSync(), [1 * 0.95 - 0.1, -2 * 0.95 + 0.1]);
  close(b.variable.dataSync(), [0.9, -1.9]);
  // second step, gradient [0.5, 0.25]: m = 0.9·0.05 + 0.1·g, v = 0.999·0.001·g1² + 0.001·g²
  const p1 = Array.from(w.variable.dataSync());
  step(opt, [w, b], [[0.5, 0.25], [0.5, 0.25]], 0.1);
  const g1 = [0.5, -0.25], g2 = [0.5, 0.25];
  const expect = p1.map((p, i) => {
    const m = 0.9 * 0.1 * g1[i] + 0.1 * g2[i];
    const v = 0.999 * 0.001 * g1[i] ** 2 + 0.001 * g2[i] ** 2;
    const mh = m / (1 - 0.81), vh = v / (1 - 0.999 ** 2);
    return p * (1 - 0.05) - 0.1 * mh / (Math.sqrt(vh) + 1e-8);
  });
  close(w.variable.dataSync(), expect);
  opt.dispose();
  tf.dispose([w.variable, b.variable]);
});

Deno.test("LARS scales decay params' update by η‖p‖/‖g‖ and leaves others plain", () => {
  const w = param("w", [3, 4]);
  const b = param("b", [3, 4], false);
  const opt = new Optimizer({ kind: "lars", weightDecay: 0, momentum: 0.9, larsEta: 0.001 }, [
    { name: "all", params: [w, b] },
  ]);
  step(opt, [w, b], [[0, 2], [0, 2]], 1);
  close(w.variable.dataSync(), [3, 4 - 0.001 * 5 / 2 * 2]);
  close(b.variable.dataSync(), [3, 2]);
  opt.dispose();
  tf.dispose([w.variable, b.variable]);
});

Deno.test("group learning-rate multipliers scale the step", () => {
  const a = param("a", [1]);
  const b = param("b", [1]);
  const opt = new Optimizer({ kind: "sgd", weightDecay: 0, momentum: 0 }, [
    { name: "lower", params: [a], lrMult: 0.1 },
    { name: "upper", params: [b] },
  ]);
  step(opt, [a, b], [[1], [1]], 0.5);
  close(a.variable.dataSync(), [0.95]);
  close(b.variable.dataSync(), [0.5]);
  assert.deepEqual(opt.groupRates(0.5), [{ name: "lower", lr: 0.05 }, { name: "upper", lr: 0.5 }]);
  opt.dispose();
  tf.dispose([a.variable, b.variable]);
});

Deno.test("optimiser state round-trips and continues identically", async () => {
  const mk = () => param("w", [1, -2, 0.5]);
  const a = mk();
  const optA = new Optimizer({ kind: "adamw", weightDecay: 0.1 }, [{ name: "g", params: [a] }]);
  step(optA, [a], [[0.3, -0.1, 0.2]], 0.01);
  const saved = await optA.state();
  const b = mk();
  b.variable.assign(a.variable);
  const optB = new Optimizer({ kind: "adamw", weightDecay: 0.1 }, [{ name: "g", params: [b] }]);
  optB.loadState(saved);
  assert.equal(optB.step, 1);
  step(optA, [a], [[0.1, 0.1, -0.4]], 0.01);
  step(optB, [b], [[0.1, 0.1, -0.4]], 0.01);
  assert.deepEqual(Array.from(a.variable.dataSync()), Array.from(b.variable.dataSync()));
  assert.throws(
    () => new Optimizer({ kind: "sgd", weightDecay: 0 }, [{ name: "g", params: [mk()] }]).loadState(saved),
    /optimiser is adamw/,
  );
  optA.dispose();
  optB.dispose();
});

Deno.test("clipGradNorm scales to the max norm and reports the original norm", () => {
  const g: Record<string, tf.Tensor> = { a: tf.tensor1d([3]), b: tf.tensor1d([4]) };
  const n = clipGradNorm(g, 1);
  close([n], [5]);
  close(g.a.dataSync(), [0.6], 1e-6);
  close(g.b.dataSync(), [0.8], 1e-6);
  const small: Record<string, tf.Tensor> = { a: tf.tensor1d([0.3]) };
  const keep = small.a;
  clipGradNorm(small, 1);
  assert.equal(small.a, keep, "gradients under the limit are left alone");
  tf.dispose([...Object.values(g), keep]);
});

Deno.test("warm-up + cosine and momentum cosine schedules", () => {
  const s = { base: 1, warmupEpochs: 2, epochs: 10, granularity: "epoch" as const };
  close([lrAt(s, 0, 0, 5), lrAt(s, 1, 3, 5), lrAt(s, 2, 0, 5)], [0.5, 1, 1]);
  close([lrAt(s, 6, 0, 5)], [0.5 * (1 + Math.cos(Math.PI * 0.5))]);
  const st = { ...s, granularity: "step" as const, warmupEpochs: 1 };
  close([lrAt(st, 0, 0, 4), lrAt(st, 0, 3, 4)], [0.25, 1]);
  assert.ok(lrAt(st, 9, 3, 4) < 0.01 && lrAt(st, 9, 3, 4) > 0);
  close([momentumAt(0.99, 1, 0), momentumAt(0.99, 1, 0.5), momentumAt(0.99, 1, 1)], [0.99, 0.995, 1]);
});

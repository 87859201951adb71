/** The training loop's guards and records, on a toy method: NaN/Inf guard, τ statistics, collapse flag, hooks. */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import type { Rng } from "../../core/random.ts";
import { Module } from "../../models/module.ts";
import type { MethodModel, StepInfo, StepOutput } from "../../methods/method_model.ts";
import { train, type TrainData, type TrainPlan } from "../../methods/train.ts";
import { tauStats, temperatureCollapsed } from "../../core/temperature_stats.ts";

await initBackend("cpu");

class Weights extends Module {
  readonly w: tf.Variable;
  constructor() {
    super();
    this.w = this.param("w", tf.tensor1d([1, -1]));
  }
}

/** A toy method: loss = Σ w² · mean(x); NaN from step `nanAt`; constant temperatures `tau`. */
function toy(opts: { nanAt?: number; tau?: number; varyTau?: boolean }): MethodModel {
  const root = new Weights();
  return {
    method: "toy",
    variant: opts.tau ? "amcl" : "baseline",
    root,
    paramGroups: () => [{ name: "all", params: root.parameters() }],
    forward(views: [tf.Tensor4D, tf.Tensor4D], _c, _rng: Rng, info: StepInfo): StepOutput {
      let loss = tf.mul(tf.sum(tf.square(root.w)), tf.add(1, tf.mean(views[0]))) as tf.Scalar;
      if (opts.nanAt !== undefined && info.step >= opts.nanAt) loss = tf.mul(loss, NaN) as tf.Scalar;
      // Constant τ, or (varyTau) values that differ by head, position and step.
      const t = (n: number, head: number) =>
        opts.varyTau
          ? tf.linspace(0.1 * (1 + head), 0.2 * (1 + info.step) + head, n)
          : tf.fill([n], opts.tau!);
      const taus = opts.tau === undefined ? undefined : {
        pos: [t(4, 0), t(4, 1)],
        neg: [t(16, 0), t(16, 1)],
      };
      return { loss, parts: { double: tf.mul(loss, 2) as tf.Scalar }, taus };
    },
    afterStep() {},
    features: (x) => tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D,
    headFeatures: (x) => tf.reshape(x, [x.shape[0], 1, -1]) as tf.Tensor3D,
    similarityModel() {
      return {
        features: this.features,
        headFeatures: this.headFeatures,
        temperature: opts.tau ?? 1,
        temperatureNote: "constant",
      };
    },
    paramCounts: () => ({ backbone: 2, heads: 0, phi: 0, total: 2 }),
    dispose: () => root.dispose(),
  };
}

const data: TrainData = {
  stepsPerEpoch: 4,
  batchSize: 2,
  *batches() {
    for (let i = 0; i < 4; i++) yield tf.zeros([2, 2, 2, 1]) as tf.Tensor4D;
  },
  views: (x) => [x.clone(), x.clone()],
};

const plan: TrainPlan = {
  stages: [{
    name: "main",
    epochs: 3,
    optimizer: { kind: "sgd", weightDecay: 0, momentum: 0 },
    schedule: { base: 0.1, warmupEpochs: 0, granularity: "step" },
  }],
  clipNorm: 0,
};

Deno.test("NaN guard stops the run, says where, and leaves the weights of the last good step", async () => {
  const model = toy({ nanAt: 6 });
  const before = tf.memory().numTensors;
  const res = await train(model, data, { plan, seed: 1 });
  assert.equal(res.status, "failed");
  assert.match(res.error!, /non-finite training: loss is NaN at epoch 2, step 3/);
  assert.equal(res.curves.length, 1, "epoch 1 completed, epoch 2 did not");
  const w = model.root.parameters()[0].variable.dataSync();
  // 6 good SGD steps of w ← w − 0.1·2w (cosine schedule decays lr slightly): |w| < 1 and finite
  assert.ok(Array.from(w).every((v) => Number.isFinite(v) && Math.abs(v) < 1));
  assert.equal(tf.memory().numTensors, before, "nothing leaks on the failure path");
  model.dispose();
});

Deno.test("per-epoch τ statistics, the collapse flag and the epoch hook", async () => {
  const tauMin = 1e-5;
  const collapsed = toy({ tau: tauMin * 1.005 });
  const knn: number[] = [];
  const res = await train(collapsed, data, {
    plan,
    seed: 1,
    tauMin,
    onEpoch: (p) => {
      p.knnTop1 = p.epoch / 10;
      knn.push(p.epoch);
    },
  });
  assert.equal(res.status, "done");
  assert.deepEqual(knn, [1, 2, 3]);
  assert.deepEqual(res.curves.map((c) => c.knnTop1), [0.1, 0.2, 0.3]);
  assert.ok(res.curves.every((c) => c.collapsed === true));
  assert.equal(res.curves[0].tauPos!.length, 2);
  assert.equal(res.curves[0].tauNeg![1].atMin, 1);
  assert.ok(Math.abs(res.curves[0].parts!.double - 2 * res.curves[0].loss) < 1e-6);
  collapsed.dispose();

  const healthy = toy({ tau: 0.5 });
  const res2 = await train(healthy, data, { plan, seed: 1, tauMin });
  assert.ok(res2.curves.every((c) => c.collapsed === false));
  assert.equal(res2.curves[2].tauPos![0].mean, 0.5);
  healthy.dispose();
});

Deno.test("tauStats and temperatureCollapsed follow spec §8 (≥ 90% within 1% of tauMin)", () => {
  const s = tauStats([0.1, 0.1, 0.3, 0.5], 0.1);
  assert.equal(s.atMin, 0.5);
  assert.ok(Math.abs(s.mean - 0.25) < 1e-12 && s.min === 0.1 && s.max === 0.5);
  const low = new Array(9).fill(1.009e-5);
  assert.equal(temperatureCollapsed([...low, 1], 1e-5), true);
  assert.equal(temperatureCollapsed([...low.slice(0, 8), 1, 1], 1e-5), false);
  assert.equal(temperatureCollapsed([1.02e-5], 1e-5), false);
});

Deno.test("temperatures read in full only at the epochs asked for; means and epoch statistics unchanged", async () => {
  const run = async (stepTemperatures?: (epoch: number) => boolean) => {
    const model = toy({ tau: 0.5, varyTau: true });
    const steps: Array<{ epoch: number; pos: number[]; neg: number[]; full: boolean }> = [];
    const before = tf.memory().numTensors;
    const res = await train(model, data, {
      plan,
      seed: 1,
      tauMin: 1e-5,
      stepTemperatures,
      onStep: (m) =>
        steps.push({ epoch: m.epoch, pos: m.tauPos!, neg: m.tauNeg!, full: m.taus !== undefined }),
    });
    model.dispose();
    assert.equal(tf.memory().numTensors, before - 1, "only the model's own variable is gone");
    return { res, steps };
  };
  const all = await run();
  const some = await run((epoch) => epoch === 1);
  assert.deepEqual(some.steps.map((s) => s.full), all.steps.map((s) => s.epoch === 1));
  assert.ok(all.steps.every((s) => s.full));
  some.steps.forEach((s, i) => {
    s.pos.forEach((v, h) => assert.ok(Math.abs(v - all.steps[i].pos[h]) < 1e-6, `step ${i} τ⁺ head ${h}`));
    s.neg.forEach((v, h) => assert.ok(Math.abs(v - all.steps[i].neg[h]) < 1e-6, `step ${i} τ⁻ head ${h}`));
  });
  // Per-epoch statistics come from the last step of each epoch either way.
  assert.deepEqual(some.res.curves.map((c) => c.tauPos), all.res.curves.map((c) => c.tauPos));
  assert.deepEqual(some.res.curves.map((c) => c.tauNeg), all.res.curves.map((c) => c.tauNeg));
  assert.deepEqual(some.res.lastTaus, all.res.lastTaus);
  assert.ok(all.res.curves[2].tauPos![0].mean > all.res.curves[0].tauPos![0].mean, "τ grow with the step");
});

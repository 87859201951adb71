/**
 * The fused SGD update (`AmclSgdStep`, core/kernels/sgd_step.ts) bit for bit against the
 * op-by-op form it replaces in `methods/optim.ts`, for every combination of weight decay,
 * momentum and Nesterov, on cpu and wasm; and the optimiser takes it (one kernel a parameter).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { SGD_FUSED_MAX, SGD_STEP, sgdStep, type SgdStepAttrs } from "../../core/kernels/sgd_step.ts";
import { Optimizer } from "../../methods/optim.ts";

/** The op-by-op update of methods/optim.ts (sgd). */
function byOps(p: tf.Tensor, g: tf.Tensor, buf: tf.Tensor, a: SgdStepAttrs): [tf.Tensor, tf.Tensor] {
  let d = g;
  if (a.weightDecay > 0) d = tf.add(d, tf.mul(p, a.weightDecay));
  const b1 = a.momentum > 0 ? tf.add(tf.mul(buf, a.momentum), d) : d;
  const upd = a.nesterov ? tf.add(d, tf.mul(b1, a.momentum)) : b1;
  return [tf.sub(p, tf.mul(upd, a.lr)), b1];
}

const ATTRS: SgdStepAttrs[] = [];
for (const weightDecay of [0, 5e-4]) {
  for (const momentum of [0, 0.9]) {
    for (const nesterov of [false, true]) ATTRS.push({ lr: 0.0637, weightDecay, momentum, nesterov });
  }
}

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`fused SGD step on ${backend} equals the op-by-op update bit for bit`, async () => {
    await initBackend(backend);
    const rng = new Rng(5);
    const n = 3000;
    const [pv, gv, bv] = [rng.normals(n), rng.normals(n).map((v) => v * 1e-3), rng.normals(n)];
    gv[0] = -0; // a signed zero gradient with no decay stays as it is
    for (const a of ATTRS) {
      tf.tidy(() => {
        const p = tf.tensor(pv, [30, 100]), g = tf.tensor(gv, [30, 100]), buf = tf.tensor(bv, [30, 100]);
        const fused = sgdStep(p, g, buf, a);
        assert.ok(fused, `${SGD_STEP} is registered on ${backend}`);
        const ref = byOps(p, g, buf, a);
        for (let i = 0; i < 2; i++) {
          assert.deepEqual(
            Array.from(fused[i].dataSync()),
            Array.from(ref[i].dataSync()),
            `output ${i} ${JSON.stringify(a)}`,
          );
        }
      });
    }
  });
}

Deno.test("the sgd optimiser runs one fused kernel a (small) parameter", async () => {
  await initBackend("wasm");
  const v = tf.variable(tf.ones([4, 4]), true, "w");
  const opt = new Optimizer({ kind: "sgd", weightDecay: 1e-4, momentum: 0.9 }, [{
    name: "all",
    params: [{ path: "w", variable: v, decay: true }],
  }]);
  const g = tf.fill([4, 4], 0.5);
  const prof = await tf.profile(() => opt.apply({ [v.name]: g }, 0.1));
  assert.deepEqual(prof.kernels.map((k) => k.name), [SGD_STEP]);
  // p = 1 − 0.1·(0.5 + 1e-4) after one step from a zero buffer.
  assert.ok(Math.abs(v.dataSync()[0] - (1 - 0.1 * (0.5 + 1e-4))) < 1e-7);
  tf.dispose([v, g]);
  opt.dispose();
  // A large parameter keeps the op-by-op update (faster there than one JS loop).
  tf.tidy(() => {
    const big = tf.zeros([SGD_FUSED_MAX]);
    assert.equal(sgdStep(big, big, big, { lr: 0.1, weightDecay: 0, momentum: 0.9, nesterov: false }), null);
  });
});

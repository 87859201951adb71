/**
 * AMCL Barlow Twins' fused map term (methods/losses/amcl_barlow_map.ts) against the op-by-op
 * form of the same loss (`fusedMap: false`) on cpu, wasm and, where oneDNN loads, native:
 * the loss, the gradients of both views and of φ, and every head's temperatures, for
 * tauFromHead each and 1 and with and without the regulariser. The finite-difference and
 * vector checks of the loss (losses_amcl_test.ts, the shared vectors) run the fused form
 * wherever it exists; this holds it to the form the other backends keep.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../../core/random.ts";
import { amclBarlow } from "../../methods/losses/amcl_barlow.ts";
import { disposeTemperatures } from "../../methods/losses/output.ts";
import { BARLOW_MAP, BARLOW_MAP_GRAD } from "../../methods/losses/amcl_barlow_map.ts";
import { HOST_TEST_BACKENDS, relErr } from "../core/native_testutil.ts";
import { phiFrom, phiList, randn, randPhi } from "./losses_testutil.ts";

const B = 8, C = 3, D = 48, H = 16;

function run(xs: tf.Variable[], fusedMap: boolean, fromHead: 1 | "each", beta: number) {
  const opts = {
    heads: C,
    lambda: 0.005,
    beta,
    batchSize: B,
    tauMin: 0.05,
    tauMax: 2,
    tauFromHead: fromHead,
  };
  let temps: number[][] = [];
  const { value, grads } = tf.variableGrads(() => {
    const out = amclBarlow(xs[0], xs[1], phiFrom(xs.slice(2)), {
      ...opts,
      fusedMap,
      returnTemperatures: true,
    });
    temps = out.temperatures!.flatMap((
      t,
    ) => [Array.from(t.positive.dataSync()), Array.from(t.negative!.dataSync())]);
    disposeTemperatures(out);
    return out.loss;
  }, xs);
  const res = {
    loss: value.dataSync()[0],
    grads: xs.map((x) => Array.from(grads[x.name].dataSync())),
    temps,
  };
  tf.dispose([value, ...Object.values(grads)]);
  return res;
}

for (const be of HOST_TEST_BACKENDS) {
  Deno.test(`AMCL Barlow Twins: fused map term = op by op (loss, gradients, temperatures) on ${be.name}`, async () => {
    await be.init();
    const rng = new Rng(404);
    // The heads differ in scale, so a head mixed up with another would show.
    const view = () => tf.mul(randn(rng, [B, C, D]), tf.tensor1d([1, 0.5, 2]).reshape([1, C, 1]));
    const xs = [view(), view(), ...phiList(randPhi(rng, B, H, 0.3))].map((t) => tf.variable(t));
    for (const fromHead of ["each", 1] as const) {
      for (const beta of [0.01, 0]) {
        const got = run(xs, true, fromHead, beta), want = run(xs, false, fromHead, beta);
        const where = `tauFromHead ${fromHead}, β ${beta}, ${be.name}`;
        assert.ok(
          Math.abs(got.loss - want.loss) <= 1e-5 * Math.abs(want.loss),
          `${where}: ${got.loss} vs ${want.loss}`,
        );
        ["z1", "z2", "w1", "b1", "w2", "b2"].forEach((name, k) => {
          const e = relErr(got.grads[k], want.grads[k]);
          assert.ok(e < 1e-4, `${where}: gradient of ${name} off by ${e}`);
        });
        assert.equal(got.temps.length, 2 * C);
        got.temps.forEach((t, k) =>
          assert.ok(relErr(t, want.temps[k]) < 1e-6, `${where}: temperatures ${k}`)
        );
      }
    }
    // The fused form is what runs by default here: one kernel forward, one backward.
    const prof = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () =>
          amclBarlow(xs[0], xs[1], phiFrom(xs.slice(2)), {
            heads: C,
            lambda: 0.005,
            beta: 0.01,
            batchSize: B,
          }).loss,
        xs as tf.Variable[],
      );
      tf.dispose(Object.values(grads));
      return value;
    });
    const names = prof.kernels.map((k) => k.name);
    assert.equal(names.filter((n) => n === BARLOW_MAP).length, 1);
    assert.equal(names.filter((n) => n === BARLOW_MAP_GRAD).length, 1);
    tf.dispose(xs);
  });
}

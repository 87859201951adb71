/**
 * `diagonal(x)` (core/kernels/diagonal.ts): the strided-read kernel and its zero-fill
 * gradient on every host backend against `sum(x ⊙ I, −1)` differentiated by tfjs, for a
 * single matrix and a batch of them, and one clear error for non-square input.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { DIAGONAL, diagonal } from "../../core/kernels/diagonal.ts";
import { NO_DNNL } from "./native_testutil.ts";

const BACKENDS = ["cpu", "wasm", ...(NO_DNNL ? [] : ["native"])];

for (const backend of BACKENDS) {
  Deno.test(`diagonal and its gradient = sum(x ⊙ I, −1) (${backend})`, async () => {
    await initBackend(backend);
    for (const shape of [[5, 5], [3, 4, 4], [1, 1]]) {
      const D = shape[shape.length - 1];
      const size = shape.reduce((a, b) => a * b, 1);
      const xv = new Rng(size).normals(size);
      const wv = new Rng(size + 1).normals(size / D);
      const run = (fused: boolean) =>
        tf.tidy(() => {
          const x = tf.tensor(xv, shape), w = tf.tensor(wv, shape.slice(0, -1));
          const f = (xx: tf.Tensor) =>
            tf.sum(tf.mul(fused ? diagonal(xx) : tf.sum(tf.mul(xx, tf.eye(D)), -1), w));
          const before = tf.engine().state.numTensors;
          const d = fused ? diagonal(x) : null;
          if (fused) assert.equal(tf.getKernel(DIAGONAL, tf.getBackend()) !== undefined, true);
          d?.dispose();
          assert.equal(tf.engine().state.numTensors, before);
          return [f(x).dataSync(), tf.grad(f)(x).dataSync()];
        });
      const [got, ref] = [run(true), run(false)];
      assert.deepEqual(Array.from(got[0]), Array.from(ref[0]), `values of [${shape}]`);
      // Equal values; the mask product's off-diagonal zeros may be −0.
      const z = (a: Float32Array | Int32Array | Uint8Array) => Array.from(a, (v) => v + 0);
      assert.deepEqual(z(got[1] as Float32Array), z(ref[1] as Float32Array), `gradient of [${shape}]`);
    }
    assert.throws(() => diagonal(tf.zeros([3, 4])), /square matrices/);
  });
}

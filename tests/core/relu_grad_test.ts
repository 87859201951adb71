/**
 * The fused ReLU gradient (`AmclReluGrad`, core/kernels/relu_grad.ts) against tfjs' own
 * formula `dy · cast(step(x))` computed on the cpu backend, bit for bit (signed zeros
 * included), on every backend that has the kernel: cpu (array loop), native on the
 * wasm heap and in host memory (oneDNN, on one thread and above ELT_PARALLEL_MIN on all).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { RELU_GRAD } from "../../core/kernels/relu_grad.ts";
import { nativeKernelCounts, resetNativeKernelCounts } from "../../core/native/kernels.ts";
import { NEEDS_DNNL, NO_DNNL } from "./native_testutil.ts";

const SHAPES = [[7, 5], [32, 8, 8, 16], [64, 32, 32, 8]];

function inputs(shape: number[]): { x: Float32Array; dy: Float32Array } {
  const rng = new Rng(11);
  const n = shape.reduce((p, q) => p * q, 1);
  const x = rng.normals(n), dy = rng.normals(n);
  // Exact zeros in x (the kink: gradient 0) and negative dy where x ≤ 0 (a −0 from dy·0).
  for (let i = 0; i < n; i += 17) x[i] = 0;
  return { x: Float32Array.from(x), dy: Float32Array.from(dy) };
}

/** tf.grad of relu at x with upstream dy, on the active backend. */
function viaGrad(shape: number[], x: Float32Array, dy: Float32Array): Float32Array {
  return tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor(x, shape), tf.tensor(dy, shape));
    return g.dataSync() as Float32Array;
  });
}

/** tfjs' own formula, on the cpu backend. */
function reference(shape: number[], x: Float32Array, dy: Float32Array): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor(x, shape);
    return tf.mul(tf.tensor(dy, shape), tf.cast(tf.step(xt), "float32")).dataSync() as Float32Array;
  });
}

const BACKENDS: Array<[string, { memory?: "heap" | "host" }, boolean]> = [
  ["cpu", {}, false],
  ["native", { memory: "heap" }, true],
  ["native", { memory: "host" }, true],
];

for (const [backend, opts, native] of BACKENDS) {
  Deno.test(
    `relu gradient on ${backend}${
      opts.memory ? ` (${opts.memory})` : ""
    } is fused and equals tfjs' formula bit for bit${native ? NEEDS_DNNL : ""}`,
    { ignore: native && NO_DNNL },
    async () => {
      await initBackend("cpu");
      const refs = SHAPES.map((s) => {
        const { x, dy } = inputs(s);
        return reference(s, x, dy);
      });
      await initBackend(backend, opts);
      assert.ok(tf.getKernel(RELU_GRAD, tf.getBackend()), `${RELU_GRAD} is registered on ${tf.getBackend()}`);
      resetNativeKernelCounts();
      SHAPES.forEach((s, i) => {
        const { x, dy } = inputs(s);
        const prof = viaGrad(s, x, dy);
        assert.deepEqual(Array.from(prof), Array.from(refs[i]), `relu gradient of [${s}]`);
      });
      if (native) {
        assert.ok((nativeKernelCounts()[RELU_GRAD]?.native ?? 0) >= 2, "oneDNN ran the large cases");
      }
    },
  );
}

Deno.test("wasm keeps tfjs' own relu gradient (its SIMD Step and Multiply beat a JS loop over the heap)", async () => {
  await initBackend("wasm");
  assert.equal(tf.getKernel(RELU_GRAD, "wasm"), undefined);
  const g = tf.tidy(() =>
    tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor([1, -2, 0, 3]), tf.tensor([5, 6, -7, 8]))
  );
  assert.deepEqual(Array.from(g.dataSync()), [5, 0, -0, 8]);
  g.dispose();
});

Deno.test("relu gradient keeps tfjs' NaN and infinity rules on the array loop", async () => {
  await initBackend("cpu");
  const x = Float32Array.from([1, -1, 0, NaN, 2, -3]);
  const dy = Float32Array.from([NaN, NaN, Infinity, 1, -Infinity, -2]);
  const ref = reference([6], x, dy);
  assert.deepEqual(Array.from(viaGrad([6], x, dy)), Array.from(ref));
  // NaN where dy is NaN or x is NaN; dy·0 of ±∞ is NaN; −2·0 = −0.
  assert.deepEqual(Array.from(ref), [NaN, NaN, NaN, NaN, -Infinity, -0]);
});

Deno.test("relu gradient of an int32 tensor keeps tfjs' formula (the kernel takes float32)", async () => {
  await initBackend("cpu");
  const g = tf.tidy(() =>
    tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor([1, -2, 3], [3], "int32")).arraySync()
  );
  assert.deepEqual(g, [1, 0, 1]);
});

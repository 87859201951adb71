/**
 * Dense-MAC counting of the perf benchmark (benchmarks/perf_macs.ts): the MACs read from a
 * real `tf.profile` of convolutions and products, forward and backward, equal the analytic
 * counts.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { denseMacs } from "../../benchmarks/perf_macs.ts";

await initBackend("cpu");

Deno.test("dense MACs of a profiled conv + matmul step (forward and both gradients) match the formulas", async () => {
  const [n, h, w, cin, cout, k] = [2, 6, 6, 3, 4, 3];
  const x = tf.randomNormal([n, h, w, cin]) as tf.Tensor4D;
  const f = tf.variable(tf.randomNormal([k, k, cin, cout]));
  const a = tf.variable(tf.randomNormal([5, 7]));
  const b = tf.randomNormal([7, 9]) as tf.Tensor2D;
  const prof = await tf.profile(() => {
    const g = tf.variableGrads(() =>
      tf.add(
        tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, "same")),
        tf.sum(tf.matMul(a as tf.Tensor2D, b)),
      ) as tf.Scalar
    );
    tf.dispose([g.value, ...Object.values(g.grads)]);
    return [];
  });
  const conv = n * h * w * cout * k * k * cin; // forward; the filter gradient costs the same
  const mm = 5 * 9 * 7; // forward; the gradient of a costs the same
  // Conv2D, Conv2DBackpropFilter (x needs no gradient: no Conv2DBackpropInput), matmul fwd + grad a.
  assert.equal(denseMacs(prof.kernels), 2 * conv + 2 * mm);
  // A batched product with a broadcast batch: [3, 4, 5] × [5, 6] → 3·4·6 outputs × 5.
  const p2 = await tf.profile(() =>
    tf.matMul(tf.ones([3, 4, 5]) as tf.Tensor3D, tf.ones([1, 5, 6]) as tf.Tensor3D)
  );
  assert.equal(denseMacs(p2.kernels), 3 * 4 * 6 * 5);
  tf.dispose([x, f, a, b]);
});

/**
 * The native backend's batch norm (oneDNN's batch_normalization primitive behind the
 * suite's apply, gradient and — over a convolution's many positions — fused training-forward
 * batch-norm kernels; a projector's few rows keep the host kernel's statistics) against the
 * cpu backend: the normalised values, the
 * batch statistics and the gradients for x, γ and β, over 4-D and 2-D shapes with even and
 * odd channel counts, with and without γ/β — each checked to have run natively.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { batchNormTrain } from "../../core/kernels/batch_norm.ts";
import { BN_TRAIN_MIN_ROWS, nativeKernelCounts, resetNativeKernelCounts } from "../../core/native/kernels.ts";
import { NEEDS_DNNL, NO_DNNL, relErr } from "./native_testutil.ts";

const TOL = 1e-4;

const CASES: Array<{ shape: number[]; affine: boolean }> = [
  { shape: [4, 8, 8, 16], affine: true },
  { shape: [3, 5, 5, 7], affine: true }, // odd channels and sizes
  { shape: [2, 9, 9, 3], affine: false }, // no γ, β
  { shape: [16, 10], affine: true }, // a projection head's [N, C]
  { shape: [9, 33], affine: true }, // odd C, odd N
  // From BN_TRAIN_MIN_ROWS positions on, statistics and output come from one oneDNN primitive.
  { shape: [64, 16, 16, 16], affine: true },
  { shape: [32, 32, 17, 5], affine: false },
];

Deno.test(`native batch norm: values, statistics and gradients match cpu${NEEDS_DNNL}`, {
  ignore: NO_DNNL,
}, async () => {
  const rng = new Rng(7);
  for (const [i, c] of CASES.entries()) {
    const C = c.shape[c.shape.length - 1];
    const size = c.shape.reduce((a, b) => a * b, 1);
    // A channel offset far from 0 checks that the variance is not a difference of large sums.
    const xv = rng.normals(size).map((v, j) => 3 * v + (j % C) * 0.5 + 10);
    const gv = rng.normals(C).map((v) => 1 + 0.2 * v), bv = rng.normals(C, 0.3);
    const rv = new Rng(100 + i).normals(size);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor(xv, c.shape), r = tf.tensor(rv, c.shape);
        const g = tf.tensor1d(gv), b = tf.tensor1d(bv);
        const fwd = batchNormTrain(x, c.affine ? g : null, c.affine ? b : null, 1e-5);
        const loss = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(
            tf.mul(
              batchNormTrain(
                xx,
                c.affine ? gg as tf.Tensor1D : null,
                c.affine ? bb as tf.Tensor1D : null,
                1e-5,
              ).y,
              r,
            ),
          );
        const grads = c.affine ? tf.grads(loss)([x, g, b]) : [tf.grad((xx: tf.Tensor) => loss(xx, g, b))(x)];
        return [fwd.y, fwd.mean, fwd.variance, ...grads].map((t) => t.dataSync());
      });
    await initBackend("cpu");
    const ref = run();
    await initBackend("native");
    resetNativeKernelCounts();
    const got = run();
    const counts = nativeKernelCounts();
    // Few positions: the statistics stay on the host kernel (float64 sums), see core/native/kernels.ts;
    // many: the training forward is one oneDNN primitive.
    assert.equal(counts["AmclBatchNormStats"]?.native ?? 0, 0, "statistics are not computed by oneDNN alone");
    const fused = size / C >= BN_TRAIN_MIN_ROWS;
    assert.equal((counts["AmclBatchNormTrain"]?.native ?? 0) > 0, fused, `fused forward for ${c.shape}`);
    for (const k of [fused ? "AmclBatchNormTrain" : "AmclBatchNormApply", "AmclBatchNormGrad"]) {
      assert.equal(counts[k]?.fallback ?? 0, 0, `${k} fell back for ${c.shape}`);
      assert.ok((counts[k]?.native ?? 0) >= 1, `${k} ran natively for ${c.shape}`);
    }
    ["y", "mean", "variance", "dx", "dγ", "dβ"].slice(0, ref.length).forEach((name, j) => {
      assert.equal(got[j].length, ref[j].length);
      const e = relErr(got[j], ref[j]);
      assert.ok(e < TOL, `${name} of ${c.shape}${c.affine ? "" : " (no γ, β)"}: rel err ${e}`);
    });
  }
});

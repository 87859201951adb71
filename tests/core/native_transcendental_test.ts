/**
 * Exp, Log and Sigmoid on the native backend from TRANSCENDENTAL_MIN values on (oneDNN's
 * vectorised eltwise, core/native/kernels.ts) against the cpu backend's correctly rounded
 * values, in both memory tiers: exp and sigmoid within 1e-6 relative (a few ulp), log within
 * 1e-5 of max(1, |log x|) (oneDNN's log is the least exact: ≈ 2e-6 at log 0.5), results below
 * 1e-37 possibly flushed to 0, and the same NaN and ±∞ (log of 0 and of negatives, exp past
 * the float range, NaN in). Below the threshold the base kernels run (not counted).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import {
  nativeKernelCounts,
  resetNativeKernelCounts,
  TRANSCENDENTAL_MIN,
} from "../../core/native/kernels.ts";
import { NEEDS_DNNL, NO_DNNL } from "./native_testutil.ts";

const OPS = [["Exp", tf.exp], ["Log", tf.log], ["Sigmoid", tf.sigmoid]] as const;

function inputs(n: number): Float32Array {
  const v = Float32Array.from(new Rng(5).normals(n), (x, i) => (i % 3 === 0 ? x * 30 : x * 3));
  const special = [NaN, Infinity, -Infinity, 0, -0, -1, 1e-30, 88, 89, -87, -104, 200, -200, 1e30];
  v.set(special);
  return v;
}

for (const memory of ["heap", "host"] as const) {
  Deno.test(`native ${memory}: Exp, Log and Sigmoid of large arrays close to cpu${NEEDS_DNNL}`, {
    ignore: NO_DNNL,
  }, async () => {
    const n = TRANSCENDENTAL_MIN + 1000;
    const x = inputs(n);
    await initBackend("cpu");
    const ref = OPS.map(([, f]) => tf.tidy(() => f(tf.tensor1d(x)).dataSync() as Float32Array));
    await initBackend("native", { memory, threads: 2 });
    resetNativeKernelCounts();
    const got = OPS.map(([, f]) => tf.tidy(() => f(tf.tensor1d(x)).dataSync() as Float32Array));
    OPS.forEach(([name], k) => {
      const c = nativeKernelCounts()[name];
      assert.equal(c?.native, 1, `${name} ran in oneDNN`);
      assert.equal(c?.fallback ?? 0, 0, `${name} fell back`);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const r = ref[k][i], g = got[k][i];
        if (Number.isNaN(r) || !Number.isFinite(r) || r === 0) {
          // NaN stays NaN, ±∞ stays ±∞; an exact 0 may come back as a tiny value of the same sign.
          if (Number.isNaN(r)) assert.ok(Number.isNaN(g), `${name}(${x[i]}) = ${g}, cpu NaN`);
          else if (r === 0) assert.ok(Math.abs(g) < 1e-37, `${name}(${x[i]}) = ${g}, cpu 0`);
          else assert.equal(g, r, `${name}(${x[i]})`);
          continue;
        }
        // Results near the bottom of float32's normal range (exp of < −87) may be flushed to 0.
        if (Math.abs(r) < 1e-37) {
          assert.ok(Math.abs(g) < 1e-37, `${name}(${x[i]}) = ${g}, cpu ${r}`);
          continue;
        }
        const err = name === "Log"
          ? Math.abs(g - r) / Math.max(1, Math.abs(r)) / 10
          : Math.abs(g - r) / Math.abs(r);
        worst = Math.max(worst, err);
      }
      assert.ok(worst < 1e-6, `${name}: worst error ${worst} (log's scaled by 1/10)`);
    });
    // Below the threshold: the base kernels (the host loops, bit for bit cpu's in host memory).
    resetNativeKernelCounts();
    const small = x.slice(0, TRANSCENDENTAL_MIN - 1);
    OPS.forEach(([name, f]) => {
      tf.tidy(() => f(tf.tensor1d(small)).dataSync());
      assert.equal(nativeKernelCounts()[name]?.native ?? 0, 0, `${name} below the threshold`);
    });
  });
}

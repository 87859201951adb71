/**
 * The native backend's kernels (core/native/kernels.ts) against the cpu backend: values and
 * gradients (input and filter) of convolutions for every shape class the backbones use
 * (1×1, 3×3, 7×7; stride 1 and 2; odd sizes and channel counts; same, valid and explicit
 * padding), and matrix products with every transpose and batch layout — each checked to
 * have run natively, not on the wasm fallback. Cases the native path does not take fall
 * back to wasm, are counted, and still give the right values. Conv and product tests run on
 * both tensor homes (wasm heap and host memory). The FFI module refuses
 * arrays that do not match a shape with a JavaScript error, before any C call.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { nativeKernelCounts, resetNativeKernelCounts } from "../../core/native/kernels.ts";
import { NEEDS_DNNL, NO_DNNL, relErr } from "./native_testutil.ts";

const TOL = 1e-4;
/** Both places the native tier keeps tensors: a wasm heap, and host memory (no 4 GiB ceiling). */
const MEMORIES = ["heap", "host"] as const;

interface ConvCase {
  x: [number, number, number, number];
  k: number;
  cout: number;
  stride: number;
  pad: "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
}

const CONV_CASES: ConvCase[] = [
  { x: [4, 8, 8, 16], k: 1, cout: 16, stride: 1, pad: "valid" }, // 1×1 s1
  { x: [4, 9, 9, 8], k: 1, cout: 16, stride: 2, pad: "valid" }, // 1×1 s2 shortcut, odd size
  { x: [3, 8, 8, 8], k: 3, cout: 8, stride: 1, pad: "same" }, // 3×3 s1
  { x: [3, 9, 9, 8], k: 3, cout: 16, stride: 2, pad: "same" }, // 3×3 s2, odd size
  { x: [2, 10, 10, 16], k: 3, cout: 32, stride: 2, pad: "same" }, // 3×3 s2, even size
  { x: [2, 7, 7, 5], k: 3, cout: 6, stride: 1, pad: "valid" }, // odd channels, valid
  { x: [2, 11, 11, 3], k: 3, cout: 8, stride: 2, pad: "valid" }, // CIFAR stem-like, valid s2
  { x: [2, 16, 16, 3], k: 7, cout: 8, stride: 2, pad: "same" }, // ImageNet stem 7×7 s2
  { x: [2, 15, 15, 3], k: 7, cout: 8, stride: 2, pad: [[0, 0], [3, 3], [3, 3], [0, 0]] }, // explicit
  { x: [2, 8, 9, 4], k: 3, cout: 8, stride: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] }, // asymmetric
];

for (const memory of MEMORIES) {
  Deno.test(
    `native (${memory}) conv2d: values and both gradients match cpu for every backbone shape class${NEEDS_DNNL}`,
    {
      ignore: NO_DNNL,
    },
    async () => {
      const rng = new Rng(41);
      for (const [i, c] of CONV_CASES.entries()) {
        const [n, h, w, cin] = c.x;
        const xv = rng.normals(n * h * w * cin), wv = rng.normals(c.k * c.k * cin * c.cout, 0.3);
        const run = () =>
          tf.tidy(() => {
            const x = tf.tensor4d(xv, c.x), f = tf.tensor4d(wv, [c.k, c.k, cin, c.cout]);
            const y = tf.conv2d(x, f, c.stride, c.pad);
            const r = tf.tensor(new Rng(1000 + i).normals(y.size), y.shape);
            const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r))
            )([x, f]);
            return [y, gx, gf].map((t) => t.dataSync());
          });
        await initBackend("cpu");
        const ref = run();
        await initBackend("native", { memory });
        resetNativeKernelCounts();
        const got = run();
        const counts = nativeKernelCounts();
        for (const k of ["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"]) {
          assert.equal(counts[k]?.fallback ?? 0, 0, `${k} fell back for ${JSON.stringify(c)}`);
          assert.ok((counts[k]?.native ?? 0) >= 1, `${k} ran natively for ${JSON.stringify(c)}`);
        }
        ["y", "dx", "dw"].forEach((name, i) => {
          assert.equal(got[i].length, ref[i].length);
          const e = relErr(got[i], ref[i]);
          assert.ok(e < TOL, `${name} of ${JSON.stringify(c)}: rel err ${e}`);
        });
      }
    },
  );
}

for (const memory of MEMORIES) {
  Deno.test(
    `native (${memory}) matMul: every transpose, batched, shared and broadcast operands match cpu${NEEDS_DNNL}`,
    {
      ignore: NO_DNNL,
    },
    async () => {
      const rng = new Rng(42);
      // [a shape, b shape, transposeA, transposeB]
      const cases: Array<[number[], number[], boolean, boolean]> = [
        [[7, 5], [5, 9], false, false],
        [[5, 7], [5, 9], true, false],
        [[7, 5], [9, 5], false, true],
        [[5, 7], [9, 5], true, true],
        [[3, 7, 5], [3, 5, 4], false, false],
        [[3, 5, 7], [3, 4, 5], true, true],
        [[2, 3, 7, 5], [5, 6], false, false], // b shared by every batch
        [[2, 3, 5, 7], [6, 5], true, true],
        [[7, 5], [4, 5, 6], false, false], // a shared
        [[1, 128], [128, 1], false, false],
      ];
      for (const [as, bs, ta, tb] of cases) {
        const av = rng.normals(as.reduce((x, y) => x * y, 1)),
          bv = rng.normals(bs.reduce((x, y) => x * y, 1));
        const run = () =>
          tf.tidy(() => {
            const a = tf.tensor(av, as), b = tf.tensor(bv, bs);
            const y = tf.matMul(a, b, ta, tb);
            const r = tf.tensor(new Rng(7).normals(y.size), y.shape);
            // tfjs differentiates a product only when both operands have the same batch shape.
            const grads = as.length === bs.length
              ? tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, ta, tb), r)))([a, b])
              : [];
            return [y, ...grads].map((t) => ({ shape: t.shape, v: t.dataSync() }));
          });
        await initBackend("cpu");
        const ref = run();
        await initBackend("native", { memory });
        resetNativeKernelCounts();
        const got = run();
        assert.equal(
          nativeKernelCounts().BatchMatMul?.fallback ?? 0,
          0,
          `fell back: ${as} ${bs} ${ta} ${tb}`,
        );
        ref.forEach((r, i) => {
          assert.deepEqual(got[i].shape, r.shape);
          const e = relErr(got[i].v, r.v);
          assert.ok(e < TOL, `matMul ${as}×${bs} t${ta}/${tb} output ${i}: rel err ${e}`);
        });
      }
    },
  );
}

Deno.test(
  `native kernels: cases off the native path run on wasm, counted, with the right values${NEEDS_DNNL}`,
  {
    ignore: NO_DNNL,
  },
  async () => {
    const rng = new Rng(43);
    const pv = rng.normals(2 * 3 * 4), qv = rng.normals(5 * 4 * 3);
    const run = () =>
      tf.tidy(() => {
        // A batch broadcast on both sides ([2, 1] against [1, 5]): the wasm kernel's case.
        const b = tf.matMul(tf.tensor(pv, [2, 1, 3, 4]), tf.tensor(qv, [1, 5, 4, 3]));
        return [Array.from(b.dataSync()), b.shape];
      });
    await initBackend("cpu");
    const ref = run();
    await initBackend("native");
    resetNativeKernelCounts();
    const got = run();
    assert.deepEqual(nativeKernelCounts().BatchMatMul, { native: 0, fallback: 1 });
    assert.ok(relErr(got[0] as number[], ref[0] as number[]) < TOL);
    assert.deepEqual(got[1], ref[1]);
  },
);

Deno.test(`native FFI module: a wrong shape or array is a JavaScript error, never a C call${NEEDS_DNNL}`, {
  ignore: NO_DNNL,
}, async () => {
  const { loadDnnl } = await import("../../core/native/dnnl.ts");
  const d = loadDnnl();
  assert.ok(d.available);
  const g = {
    n: 1,
    h: 4,
    w: 4,
    cin: 2,
    ho: 4,
    wo: 4,
    cout: 3,
    kh: 3,
    kw: 3,
    sh: 1,
    sw: 1,
    dh: 1,
    dw: 1,
    pt: 1,
    pl: 1,
  };
  const x = new Float32Array(32), f = new Float32Array(54), y = new Float32Array(48);
  assert.equal(d.conv("forward", g, x, f, y), true);
  assert.throws(
    () => d.conv("forward", g, x, f, new Float32Array(47)),
    /y has 47 floats, the shape needs 48/,
  );
  assert.throws(() => d.conv("forward", { ...g, cin: 0 }, x, f, y), /cin must be an integer ≥ 1/);
  assert.throws(() => d.conv("forward", { ...g, ho: 1, wo: 1 }, x, f, y), /inconsistent/);
  assert.throws(() => d.conv("backward_data", g, x, f, y), /dy has 32 floats/);
  const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
  d.sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2);
  assert.throws(() => d.sgemm(false, false, 2, 2, 4, 1, a, 4, b, 2, 0, c, 2), /a has 6 floats, needs 8/);
  assert.throws(() => d.sgemm(false, true, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2), /ldb 2 < 3 columns/);
  assert.throws(() => d.setThreads(0), /integer ≥ 1/);
});

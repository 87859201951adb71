/**
 * The kernels of core/kernels/: wasm's replacement Slice and Tile give the cpu backend's
 * values for every shape class; the fused training batch norm gives the same outputs and
 * gradients as `tf.moments` + `tf.batchNorm` differentiated op by op on the cpu backend,
 * on wasm and on cpu, for 2-D and 4-D inputs, with and without γ/β.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { maxRelError } from "../../core/doctor.ts";
import { Rng } from "../../core/random.ts";
import { batchNormTrain } from "../../core/kernels/batch_norm.ts";

const TOL = 1e-4;

async function on<T>(backend: "cpu" | "wasm", f: () => T): Promise<T> {
  await initBackend(backend);
  return f();
}

Deno.test("wasm Slice matches cpu (pad gradients, strided boxes, ranks 1–5, int32, empty)", async () => {
  const rng = new Rng(31);
  const cases: Array<{ shape: number[]; begin: number[]; size: number[]; dtype?: "int32" }> = [
    { shape: [4, 10, 10, 8], begin: [0, 1, 1, 0], size: [4, 8, 8, 8] }, // gradient of a 1-pixel pad
    { shape: [3, 7, 9, 5], begin: [1, 2, 3, 1], size: [2, 4, 5, 3] }, // every axis cut
    { shape: [3, 7, 9, 5], begin: [0, 0, 0, 2], size: [3, 7, 9, 1] }, // a channel
    { shape: [6, 40], begin: [2, 3], size: [3, 37] }, // long runs (set path)
    { shape: [50], begin: [7], size: [20] },
    { shape: [2, 3, 4, 5, 6], begin: [1, 0, 1, 2, 0], size: [1, 3, 2, 3, 6] },
    { shape: [5, 6], begin: [1, 0], size: [3, 6] }, // contiguous
    { shape: [4, 5, 6], begin: [0, 1, 0], size: [4, 3, 6], dtype: "int32" },
    { shape: [4, 5], begin: [1, 2], size: [0, 3] },
  ];
  for (const c of cases) {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const vals = c.dtype === "int32" ? Int32Array.from({ length: n }, (_, i) => i * 7 - 3) : rng.normals(n);
    const run = () =>
      tf.tidy(() => Array.from(tf.slice(tf.tensor(vals, c.shape, c.dtype), c.begin, c.size).dataSync()));
    const ref = await on("cpu", run);
    const got = await on("wasm", run);
    assert.deepEqual(got, ref, `slice ${JSON.stringify(c)}`);
    assert.equal(ref.length, c.size.reduce((a, b) => a * b, 1));
  }
});

Deno.test("wasm Tile matches cpu (channel vectors to NHWC, every axis, ranks 1–4, int32)", async () => {
  const rng = new Rng(32);
  const cases: Array<{ shape: number[]; reps: number[]; dtype?: "int32" }> = [
    { shape: [1, 1, 1, 8], reps: [4, 6, 6, 1] },
    { shape: [2, 3, 1, 5], reps: [2, 1, 4, 3] },
    { shape: [7], reps: [5] },
    { shape: [3, 40], reps: [2, 3] },
    { shape: [2, 3], reps: [3, 2], dtype: "int32" },
    { shape: [2, 2], reps: [1, 1] },
  ];
  for (const c of cases) {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const vals = c.dtype === "int32" ? Int32Array.from({ length: n }, (_, i) => i - 2) : rng.normals(n);
    const run = () =>
      tf.tidy(() => Array.from(tf.tile(tf.tensor(vals, c.shape, c.dtype), c.reps).dataSync()));
    const ref = await on("cpu", run);
    const got = await on("wasm", run);
    assert.deepEqual(got, ref, `tile ${JSON.stringify(c)}`);
  }
});

/** The reference: tf.moments + tf.batchNorm, differentiated op by op by tfjs. */
function referenceBn(x: tf.Tensor, g: tf.Tensor1D | null, b: tf.Tensor1D | null): tf.Tensor {
  const axes = [...Array(x.rank - 1).keys()];
  const { mean, variance } = tf.moments(x, axes);
  if (!g) return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.batchNorm(x, mean, variance, b ?? undefined, g, 1e-5);
}

function weighted(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape)))) as tf.Scalar;
}

Deno.test("fused training batch norm (JS and SIMD paths): outputs, statistics, gradients match op by op", async () => {
  const rng = new Rng(33);
  // C % 4 == 0 takes the SIMD path on wasm; M > 256 rows crosses its accumulation chunks.
  for (const shape of [[6, 5], [4, 5, 3, 6], [8, 9, 9, 8], [300, 12]]) {
    for (const affine of [true, false]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const C = shape[shape.length - 1];
      // An offset mean (3) checks the statistics are not computed by a cancelling formula.
      const xv = rng.normals(n, 2).map((v) => v + 3);
      const gv = rng.uniforms(C, 0.5, 1.5), bv = rng.normals(C, 0.3);
      const grads = (fused: boolean) =>
        tf.tidy(() => {
          const x = tf.tensor(xv, shape);
          const g = tf.tensor1d(gv), b = tf.tensor1d(bv);
          const loss = (xi: tf.Tensor, gi?: tf.Tensor, bi?: tf.Tensor) => {
            const gg = (gi ?? null) as tf.Tensor1D | null, bb = (bi ?? null) as tf.Tensor1D | null;
            return weighted(fused ? batchNormTrain(xi, gg, bb, 1e-5).y : referenceBn(xi, gg, bb));
          };
          const out = tf.valueAndGrads(loss)(affine ? [x, g, b] : [x]);
          const gs = out.grads;
          const stats = fused
            ? batchNormTrain(x, null, null, 1e-5)
            : tf.moments(x, [...Array(x.rank - 1).keys()]);
          return [out.value, ...gs, stats.mean, stats.variance].map((t) => t.dataSync() as Float32Array);
        });
      const ref = await on("cpu", () => grads(false));
      assert.ok(ref.slice(1).every((g) => g.some((v) => v !== 0)), "a reference gradient is all zero");
      for (const backend of ["cpu", "wasm"] as const) {
        const got = await on(backend, () => grads(true));
        const err = maxRelError(got, ref);
        assert.ok(err <= TOL, `${backend} ${shape} affine=${affine}: max relative error ${err}`);
      }
    }
  }
});

Deno.test("fused batch norm frees what it makes (no tensor growth across gradient steps)", async () => {
  await initBackend("wasm");
  const x = tf.randomNormal([4, 3, 3, 5]);
  const g = tf.variable(tf.ones([5]) as tf.Tensor1D), b = tf.variable(tf.zeros([5]) as tf.Tensor1D);
  const counts: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { value, grads } = tf.variableGrads(() => {
      const out = batchNormTrain(x, g, b, 1e-5);
      return weighted(tf.relu(out.y));
    });
    tf.dispose([value, ...Object.values(grads)]);
    counts.push(tf.memory().numTensors);
  }
  tf.dispose([x, g, b]);
  assert.ok(counts.every((c) => c === counts[0]), `tensor count grows: ${counts}`);
});

Deno.test("wasm BatchMatMul (transpose flags, SIMD GEMM) matches cpu (2-D, batched, broadcast batch)", async () => {
  const rng = new Rng(34);
  const cases: Array<{ a: number[]; b: number[] }> = [
    { a: [5, 7], b: [7, 3] },
    { a: [4, 5, 7], b: [4, 7, 3] },
    { a: [1, 5, 7], b: [3, 7, 2] },
    { a: [33, 65], b: [65, 40] }, // crosses the 32-blocking; N % 8 == 0: the SIMD GEMM
    { a: [3, 6, 7], b: [7, 16] }, // batched a, shared b: the SIMD GEMM over 18 rows
    { a: [2, 5, 7], b: [1, 7, 8] },
  ];
  for (const c of cases) {
    const av = rng.normals(c.a.reduce((x, y) => x * y, 1)), bv = rng.normals(c.b.reduce((x, y) => x * y, 1));
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const run = () =>
          tf.tidy(() => {
            let a = tf.tensor(av, c.a), b = tf.tensor(bv, c.b);
            // Store the operand pre-transposed so the product is the same for every flag.
            if (ta) {
              a = tf.transpose(
                a,
                [...c.a.keys()].map((i) => (i < c.a.length - 2 ? i : 2 * c.a.length - 3 - i)),
              );
            }
            if (tb) {
              b = tf.transpose(
                b,
                [...c.b.keys()].map((i) => (i < c.b.length - 2 ? i : 2 * c.b.length - 3 - i)),
              );
            }
            return [tf.matMul(a, b, ta, tb).dataSync() as Float32Array];
          });
        const ref = await on("cpu", run);
        const got = await on("wasm", run);
        const err = maxRelError(got, ref);
        assert.ok(err <= 1e-5, `matMul ${JSON.stringify(c)} ta=${ta} tb=${tb}: max relative error ${err}`);
      }
    }
  }
});

Deno.test("wasm Identity and same-dtype Cast share memory safely (values survive the source's disposal)", async () => {
  await initBackend("wasm");
  const before = tf.memory().numTensors;
  const x = tf.tensor([1.5, -2, 3]);
  const c = tf.clone(x);
  const k = tf.cast(x, "float32");
  const i = tf.cast(x, "int32");
  x.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1.5, -2, 3]);
  assert.deepEqual(Array.from(k.dataSync()), [1.5, -2, 3]);
  assert.deepEqual(Array.from(i.dataSync()), [1, -2, 3]);
  assert.equal(i.dtype, "int32");
  tf.dispose([c, k, i]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("conv filter gradient on wasm matches cpu when split into image chunks", async () => {
  const rng = new Rng(35);
  const { setFilterGradChunk } = await import("../../core/kernels/conv_backprop_filter.ts");
  const xv = rng.normals(5 * 9 * 9 * 4);
  const dyv = rng.normals(5 * 9 * 9 * 6);
  for (const [stride, pad] of [[1, "same"], [2, "same"], [2, "valid"]] as const) {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, [5, 9, 9, 4]);
        const w = tf.zeros([3, 3, 4, 6]) as tf.Tensor4D;
        const yShape = tf.conv2d(x, w, stride, pad).shape;
        const dy = tf.tensor4d(dyv.slice(0, yShape.reduce((a, b) => a * b, 1)), yShape);
        return [
          (tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
            strides: [stride, stride],
            pad,
            dataFormat: "NHWC",
            dimRoundingMode: undefined as unknown as string,
            filterShape: [3, 3, 4, 6],
          }) as tf.Tensor).dataSync() as Float32Array,
        ];
      });
    const ref = await on("cpu", run);
    try {
      setFilterGradChunk(1); // one image per chunk
      const got = await on("wasm", run);
      const err = maxRelError(got, ref);
      assert.ok(err <= TOL, `chunked filter grad s${stride} ${pad}: max relative error ${err}`);
    } finally {
      setFilterGradChunk(65536);
    }
  }
});

Deno.test("SIMD conv filter gradient (wasm) matches cpu: 1×1/3×3/5×5, stride 1/2, same/valid/explicit pad", async () => {
  const rng = new Rng(36);
  const { simdFilterGradCalls } = await import("../../core/kernels/conv_filter_grad.ts");
  const before = simdFilterGradCalls();
  let cases = 0;
  for (const [cin, cout] of [[4, 8], [8, 16], [12, 8]]) {
    for (const k of [1, 3, 5]) {
      for (const stride of [1, 2]) {
        for (const pad of ["same", "valid", 1] as const) {
          const h = 7 + stride; // odd/even sizes
          const xv = rng.normals(3 * h * (h + 1) * cin);
          const wv = rng.normals(k * k * cin * cout, 0.3);
          const loss = (x: tf.Tensor, w: tf.Tensor) =>
            weighted(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad as "same"));
          const run = () =>
            tf.tidy(() =>
              tf.grads(loss)([tf.tensor4d(xv, [3, h, h + 1, cin]), tf.tensor4d(wv, [k, k, cin, cout])])
                .map((g) => g.dataSync() as Float32Array)
            );
          const ref = await on("cpu", run);
          const got = await on("wasm", run);
          const err = maxRelError(got, ref);
          assert.ok(
            err <= TOL,
            `cin ${cin} cout ${cout} k${k} s${stride} pad ${pad}: max relative error ${err}`,
          );
          cases++;
        }
      }
    }
  }
  assert.equal(simdFilterGradCalls() - before, cases, "the SIMD kernel did not run for every case");
});

Deno.test("SIMD Conv2D (wasm) matches cpu and drives the input gradient: sizes, strides, pads, widths", async () => {
  const rng = new Rng(37);
  const { simdConvCalls } = await import("../../core/kernels/conv_forward.ts");
  const before = simdConvCalls();
  for (const [cin, cout] of [[3, 8], [8, 16], [5, 8]]) {
    for (const k of [1, 3]) {
      for (const stride of [1, 2]) {
        for (const pad of ["same", "valid", 1] as const) {
          const h = 6 + stride, w = 9; // widths that are not multiples of the 4-column block
          const xv = rng.normals(2 * h * w * cin);
          const wv = rng.normals(k * k * cin * cout, 0.3);
          const run = () =>
            tf.tidy(() => {
              const x = tf.tensor4d(xv, [2, h, w, cin]), f = tf.tensor4d(wv, [k, k, cin, cout]);
              const y = tf.conv2d(x, f, stride, pad as "same");
              const [gx] = tf.grads((a: tf.Tensor) =>
                weighted(tf.conv2d(a as tf.Tensor4D, f, stride, pad as "same"))
              )([
                x,
              ]);
              return [y.dataSync() as Float32Array, gx.dataSync() as Float32Array];
            });
          const ref = await on("cpu", run);
          const got = await on("wasm", run);
          const err = maxRelError(got, ref);
          assert.ok(
            err <= TOL,
            `cin ${cin} cout ${cout} k${k} s${stride} pad ${pad}: max relative error ${err}`,
          );
        }
      }
    }
  }
  assert.ok(simdConvCalls() - before >= 36, `the SIMD conv ran ${simdConvCalls() - before} times`);
});

/**
 * The native tier's element-wise kernels (Add, Sub, Multiply, RealDiv, Relu, Step through
 * oneDNN) bit for bit against the cpu backend, with broadcasts either way round, on both
 * tensor homes; the host tier's Sum/Mean over consecutive axes against cpu; and the host
 * tier's array pool: reused buffers, never one a live tensor (or a caller's `dataSync`)
 * still holds.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { ELT_MIN_SIZE, nativeKernelCounts, resetNativeKernelCounts } from "../../core/native/kernels.ts";
import { HostMemoryBackend } from "../../core/native/host_memory.ts";
import { estimatedStepMiB, nativeMemoryFor } from "../../benchmarks/native_memory.ts";
import { NEEDS_DNNL, NO_DNNL, relErr } from "./native_testutil.ts";

const MEMORIES = ["heap", "host"] as const;

/** [a shape, b shape]: equal, b broadcast, a broadcast (swapped for add/mul), leading ones. */
const BINARY_CASES: Array<[number[], number[]]> = [
  [[64, 9, 9], [64, 9, 9]],
  [[32, 8, 8, 16], [16]],
  [[16], [32, 8, 8, 16]],
  [[32, 8, 8, 16], [32, 1, 1, 16]],
  [[1, 70, 90], [70, 1]],
  // Above ELT_PARALLEL_MIN: on every thread (the cases above run on one).
  [[64, 32, 32, 8], [8]],
];

for (const memory of MEMORIES) {
  Deno.test(
    `native (${memory}) element-wise kernels equal cpu bit for bit, broadcasts included${NEEDS_DNNL}`,
    {
      ignore: NO_DNNL,
    },
    async () => {
      const rng = new Rng(7);
      const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
        ["Add", tf.add],
        ["Sub", tf.sub],
        ["Multiply", tf.mul],
        ["RealDiv", tf.div],
      ];
      for (const [as, bs] of BINARY_CASES) {
        const av = rng.normals(as.reduce((p, q) => p * q, 1));
        const bv = rng.normals(bs.reduce((p, q) => p * q, 1)).map((v) => v + (v >= 0 ? 0.5 : -0.5));
        const run = () =>
          tf.tidy(() => {
            const a = tf.tensor(av, as), b = tf.tensor(bv, bs);
            return [
              ...ops.map(([, f]) => f(a, b)),
              tf.relu(a),
              tf.step(a),
            ].map((t) => ({ shape: t.shape, v: Array.from(t.dataSync()) }));
          });
        await initBackend("cpu");
        const ref = run();
        await initBackend("native", { memory });
        resetNativeKernelCounts();
        const got = run();
        const big = Math.max(...[as, bs].map((s) => s.reduce((p, q) => p * q, 1))) >= ELT_MIN_SIZE[memory];
        const counts = nativeKernelCounts();
        if (big) {
          // Sub and RealDiv of a broadcast `a` have no oneDNN form (not commutative): base kernel, counted.
          const aBroadcast = as.reduce((p, q) => p * q, 1) < bs.reduce((p, q) => p * q, 1);
          for (const [name] of ops) {
            const fallback = aBroadcast && (name === "Sub" || name === "RealDiv");
            assert.equal(counts[name]?.native ?? 0, fallback ? 0 : 1, `${name} ${as}∘${bs} ran natively`);
          }
        }
        ref.forEach((r, i) => {
          assert.deepEqual(got[i].shape, r.shape, `output ${i} of ${as}∘${bs}`);
          assert.deepEqual(got[i].v, r.v, `output ${i} of ${as}∘${bs}: bit-identical to cpu`);
        });
      }
    },
  );
}

Deno.test(
  `native (host) Sum and Mean over consecutive axes match cpu; other axis sets fall back${NEEDS_DNNL}`,
  {
    ignore: NO_DNNL,
  },
  async () => {
    const rng = new Rng(8);
    const xv = rng.normals(6 * 5 * 4 * 3);
    const cases: Array<[number | number[], boolean]> = [
      [[1, 2], false], // global average pool
      [[1, 2], true],
      [0, false], // leading
      [3, true], // trailing
      [[0, 1, 2, 3], false], // everything
      [[0, 2], false], // not consecutive: the cpu kernel
    ];
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, [6, 5, 4, 3]);
        return cases.flatMap(([axis, keep]) => [tf.sum(x, axis, keep), tf.mean(x, axis, keep)])
          .map((t) => ({ shape: t.shape, v: t.dataSync() }));
      });
    await initBackend("cpu");
    const ref = run();
    await initBackend("native", { memory: "host" });
    const got = run();
    ref.forEach((r, i) => {
      assert.deepEqual(got[i].shape, r.shape, `case ${i >> 1}`);
      assert.ok(relErr(got[i].v, r.v) < 1e-6, `case ${i >> 1} ${i % 2 ? "mean" : "sum"}`);
    });
  },
);

Deno.test("host memory pool: a freed array is reused; one a slice, a reshape or dataSync still shares is not", () => {
  const be = new HostMemoryBackend(1 << 30);
  const n = 1 << 16;
  const a = be.takeFloats(n);
  a.fill(3);
  const info = be.makeTensorInfo([n], "float32", a);
  // tfjs-cpu's contiguous slice is a subarray of the same buffer, stored under a new id.
  const slice = be.makeTensorInfo([8], "float32", a.subarray(8, 16));
  const read = be.readSync(info.dataId) as Float32Array;
  assert.notEqual(read.buffer, a.buffer, "readSync hands out a copy of a pooled array");
  be.disposeData(info.dataId);
  assert.equal(be.pooledBytes, 0, "still used by the slice: not pooled");
  const b = be.takeFloats(n);
  assert.notEqual(b.buffer, a.buffer, "a fresh array while the slice lives");
  assert.deepEqual(Array.from(be.readSync(slice.dataId) as Float32Array), new Array(8).fill(3));
  be.disposeData(slice.dataId);
  assert.equal(be.pooledBytes, 4 * n, "last user gone: pooled");
  assert.equal(be.takeFloats(n).buffer, a.buffer, "then reused");
  assert.equal(be.pooledBytes, 0);
  // A shared id (reshape, identity) frees its data only at the last reference.
  const c = be.makeTensorInfo([n], "float32", be.takeFloats(n));
  be.incRef(c.dataId);
  be.disposeData(c.dataId);
  assert.equal(be.pooledBytes, 0, "one reference left");
  be.disposeData(c.dataId);
  assert.equal(be.pooledBytes, 4 * n);
  // Arrays a caller gave tfjs are never pooled; small ones are not either.
  const user = new Float32Array(n);
  be.disposeData(be.makeTensorInfo([n], "float32", user).dataId);
  assert.equal(be.pooledBytes, 4 * n);
  be.dispose();
});

Deno.test("host memory pool: it keeps at most its limit of free arrays", () => {
  const n = 1 << 16;
  const be = new HostMemoryBackend(4 * n);
  const ids = [0, 1, 2].map(() => be.makeTensorInfo([n], "float32", be.takeFloats(n)).dataId);
  for (const id of ids) be.disposeData(id);
  assert.equal(be.pooledBytes, 4 * n, "one array's worth kept, the rest left to the collector");
  be.dispose();
});

Deno.test("native memory choice: heap while a ResNet step's estimate fits 3 GiB, host beyond; ViT on the heap", () => {
  const r18 = (width: number, batchSize: number, size = 32) => ({
    backbone: "resnet18",
    width,
    batchSize,
    size,
  });
  assert.equal(Math.round(estimatedStepMiB(r18(0.25, 128))!), 1184, "the measured anchor");
  assert.equal(nativeMemoryFor(r18(0.125, 128)), "heap");
  assert.equal(nativeMemoryFor(r18(0.25, 256)), "heap");
  assert.equal(nativeMemoryFor(r18(1, 128)), "host");
  assert.equal(nativeMemoryFor(r18(1, 256)), "host");
  assert.equal(nativeMemoryFor(r18(0.25, 128, 96)), "host", "STL-10 size");
  assert.equal(nativeMemoryFor({ backbone: "vit-tiny", width: 1, batchSize: 512, size: 32 }), "heap");
});

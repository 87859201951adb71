/**
 * The host-memory native tier's copy kernels (Slice, PadV2, SplitV, Concat, Tile, Transpose,
 * GatherV2, TopK — the suite's box-copy kernels in place of tfjs-cpu's per-element ones),
 * its pooled ZerosLike, oneDNN Square, its own unary loops (Neg, Exp, Log, Sqrt, Rsqrt,
 * Reciprocal, Sigmoid) and scalar-first Sub/RealDiv: bit for bit against the cpu backend, for float32,
 * int32 and bool, with the gradients that route through them (a slice's gradient is a pad,
 * a concat's a split).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { nativeKernelCounts, resetNativeKernelCounts } from "../../core/native/kernels.ts";
import { NEEDS_DNNL, NO_DNNL } from "./native_testutil.ts";

type Out = { shape: number[]; dtype: string; v: number[] };
const dump = (ts: tf.Tensor[]): Out[] =>
  ts.map((t) => ({ shape: t.shape, dtype: t.dtype, v: Array.from(t.dataSync()) }));

/** Every case as a function of fresh inputs; each returns its outputs. */
function cases(rng: Rng): Array<[string, () => tf.Tensor[]]> {
  const x3 = rng.normals(128 * 3 * 40);
  const x4 = rng.normals(4 * 6 * 5 * 7);
  const ints = Array.from(rng.normals(4 * 6 * 5 * 7), (v) => Math.round(v * 100));
  const a4 = () => tf.tensor4d(x4, [4, 6, 5, 7]);
  return [
    [
      "slice middle axis (a head of [B,C,D])",
      () => [tf.slice(tf.tensor3d(x3, [128, 3, 40]), [0, 1, 0], [128, 1, 40])],
    ],
    ["slice box", () => [tf.slice(a4(), [1, 2, 0, 3], [2, 3, 5, 4])]],
    ["slice leading rows (contiguous)", () => [tf.slice(a4(), [1, 0, 0, 0], [2, 6, 5, 7])]],
    ["slice int32 and bool", () => {
      const i = tf.tensor4d(ints, [4, 6, 5, 7], "int32");
      return [
        tf.slice(i, [0, 1, 1, 0], [4, 2, 3, 7]),
        tf.slice(tf.greater(i, 0), [1, 0, 2, 1], [3, 6, 2, 5]),
      ];
    }],
    ["pad with a constant", () => [tf.pad(a4(), [[0, 0], [1, 2], [0, 0], [3, 1]], 0.5)]],
    [
      "pad int32",
      () => [tf.pad(tf.tensor4d(ints, [4, 6, 5, 7], "int32"), [[1, 0], [0, 0], [2, 2], [0, 0]], -3)],
    ],
    ["split along each axis", () => [
      ...tf.split(a4(), [1, 3], 0),
      ...tf.split(a4(), [2, 1, 3], 1),
      ...tf.split(a4(), 5, 2),
      ...tf.split(a4(), [4, 3], 3),
    ]],
    ["concat along each axis, int32 and an empty piece", () => [
      tf.concat([a4(), tf.slice(a4(), [1, 0, 0, 0], [2, 6, 5, 7])], 0),
      tf.concat([a4(), tf.slice(a4(), [0, 1, 0, 0], [4, 3, 5, 7])], 1),
      tf.concat([tf.slice(a4(), [0, 0, 0, 0], [4, 6, 0, 7]), a4(), a4()], 2),
      tf.concat([a4(), tf.slice(a4(), [0, 0, 0, 2], [4, 6, 5, 3])], 3),
      tf.concat([tf.tensor4d(ints, [4, 6, 5, 7], "int32"), tf.tensor4d(ints, [4, 6, 5, 7], "int32")], 1),
    ]],
    ["tile", () => [tf.tile(tf.tensor3d(x3.slice(0, 24), [2, 3, 4]), [3, 1, 2])]],
    ["transpose (handled and fallback permutations)", () => [
      tf.transpose(a4(), [0, 2, 1, 3]),
      tf.transpose(tf.tensor2d(x3, [128, 120])),
      tf.transpose(a4(), [3, 1, 0, 2]),
    ]],
    ["gather (with batch dims) and topK", () => {
      const m = tf.tensor2d(x3.slice(0, 64 * 30), [64, 30]);
      const idx = tf.tensor2d(Array.from({ length: 64 * 5 }, (_, k) => (k * 7) % 30), [64, 5], "int32");
      const top = tf.topk(m, 6);
      return [tf.gather(m, idx, 1, 1), tf.gather(m, [3, 0, 63, 3], 0), top.values, top.indices];
    }],
    ["zerosLike and square", () => [tf.zerosLike(a4()), tf.square(tf.tensor3d(x3, [128, 3, 40]))]],
    ["unary ops (NaN and ±∞ where they arise)", () => {
      const x = tf.tensor2d(x3, [128, 120]);
      return [tf.neg(x), tf.exp(x), tf.log(x), tf.sqrt(x), tf.rsqrt(x), tf.reciprocal(x), tf.sigmoid(x)];
    }],
    ["a scalar minus or over a tensor", () => {
      const x = tf.tensor2d(x3, [128, 120]);
      return [tf.sub(1, x), tf.div(0.5, x), tf.sub(tf.tensor2d([[2]]), x)];
    }],
    ["gradients through slice and concat", () => {
      const x = tf.tensor3d(x3, [128, 3, 40]);
      const w = tf.tensor1d(x3.slice(0, 40));
      // Element-wise products (a matrix product's sum order differs between backends).
      const g = tf.grads((x: tf.Tensor, w: tf.Tensor) => {
        const heads = [0, 1, 2].map((c) =>
          tf.mul(tf.reshape(tf.slice(x, [0, c, 0], [128, 1, 40]), [128, 40]), w)
        );
        return tf.sum(tf.square(tf.concat([heads[0], heads[2]], 1)));
      });
      return g([x, w]);
    }],
    ["a float32 tensor stored as bytes (cast from bool) falls back", () => {
      const b = tf.cast(tf.greater(a4(), 0), "float32");
      return [tf.slice(b, [0, 1, 0, 0], [4, 2, 5, 7]), tf.transpose(b, [0, 2, 1, 3])];
    }],
  ];
}

Deno.test(
  `native (host) copy, unary and scalar-first kernels, ZerosLike and Square equal cpu bit for bit${NEEDS_DNNL}`,
  { ignore: NO_DNNL },
  async () => {
    await initBackend("cpu");
    const ref = cases(new Rng(3)).map(([name, f]) => [name, tf.tidy(() => dump(f()))] as const);
    await initBackend("native", { memory: "host" });
    resetNativeKernelCounts();
    const got = cases(new Rng(3)).map(([name, f]) => [name, tf.tidy(() => dump(f()))] as const);
    ref.forEach(([name, r], i) => assert.deepEqual(got[i][1], r, name));
    // Square at these sizes is run by oneDNN (counted); the copy kernels are not counted.
    assert.ok((nativeKernelCounts().Square?.native ?? 0) >= 1, "Square ran in oneDNN");
    // A scalar first operand has no oneDNN form; the host loop takes it (no counted fall-back).
    for (const k of ["Sub", "RealDiv"]) {
      assert.equal(nativeKernelCounts()[k]?.fallback ?? 0, 0, `${k} fell back`);
    }
  },
);

Deno.test(
  `native (host) registers the suite's kernels in place of tfjs-cpu's copies${NEEDS_DNNL}`,
  { ignore: NO_DNNL },
  async () => {
    await initBackend("native", { memory: "host" });
    for (
      const name of [
        "Slice",
        "PadV2",
        "SplitV",
        "Concat",
        "Tile",
        "Transpose",
        "GatherV2",
        "TopK",
        "ZerosLike",
        "Square",
      ]
    ) {
      const mine = tf.getKernel(name, "native-host")?.kernelFunc;
      assert.ok(mine, `${name} is registered for native-host`);
      assert.notEqual(
        mine,
        tf.getKernel(name, "cpu")?.kernelFunc,
        `${name} on native-host is not tfjs-cpu's`,
      );
    }
    // The heap tier keeps its wasm copy kernels (already fast there).
    await initBackend("native", { memory: "heap" });
    assert.equal(tf.getKernel("PadV2", "native")?.kernelFunc, tf.getKernel("PadV2", "wasm")?.kernelFunc);
  },
);

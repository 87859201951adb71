/**
 * The wasm replacements of core/kernels/loss_kernels.ts — GatherV2, SplitV, TopK, Transpose and Sum
 * over leading axes — give the cpu backend's values for every shape class (edge cases,
 * dtypes, ties), route the rest to the shipped kernels, and carry gradients; a last test
 * prints shipped-vs-replacement timings for the shapes that motivated them.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { type AnyKernelFunc, LOSS_KERNELS, shippedKernel } from "../../core/kernels/loss_kernels.ts";
import { simplifyPermutation } from "../../core/kernels/transpose.ts";

async function on<T>(backend: "cpu" | "wasm", f: () => T): Promise<T> {
  await initBackend(backend);
  return f();
}

/** `f` on cpu (the reference) and on wasm. */
async function both<T>(f: () => T): Promise<[T, T]> {
  const ref = await on("cpu", f);
  const got = await on("wasm", f);
  return [ref, got];
}

type Dt = "float32" | "int32" | "bool";

function values(rng: Rng, n: number, dtype: Dt): Float32Array | Int32Array | Uint8Array {
  if (dtype === "int32") return Int32Array.from({ length: n }, () => rng.int(2000) - 1000);
  if (dtype === "bool") return Uint8Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0));
  return rng.normals(n);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const read = (t: tf.Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

Deno.test("registerLossKernels replaced the five wasm kernels and kept the shipped ones", async () => {
  await initBackend("wasm");
  assert.deepEqual([...LOSS_KERNELS], ["GatherV2", "SplitV", "TopK", "Transpose", "Sum"]);
  for (const name of LOSS_KERNELS) {
    const shipped = shippedKernel(name);
    assert.ok(shipped, `${name}: shipped kernel kept`);
    assert.notEqual(tf.getKernel(name, "wasm")!.kernelFunc, shipped, `${name}: replaced`);
  }
});

Deno.test("wasm GatherV2 matches cpu: axes, batchDims 0/1/2, slices short and long, int32/bool, empty", async () => {
  const rng = new Rng(41);
  const cases: Array<{ x: number[]; idx: number[]; axis: number; batchDims?: number; dtype?: Dt }> = [
    { x: [5000], idx: [700], axis: 0 },
    { x: [6, 7], idx: [9], axis: 0 },
    { x: [6, 7], idx: [3, 4], axis: 1 },
    { x: [6, 7], idx: [5], axis: -1 },
    { x: [5, 6, 7], idx: [2, 3], axis: 1 }, // slice 7 (element loop)
    { x: [10, 40], idx: [12], axis: 0 }, // slice 40 (set path)
    { x: [3, 4, 5, 6], idx: [8], axis: 2 },
    { x: [9, 4], idx: [], axis: 0 }, // scalar index: the axis disappears
    { x: [6, 7], idx: [0], axis: 1 }, // no indices
    { x: [0, 7], idx: [0], axis: 0 }, // empty x, no indices
    { x: [4, 30], idx: [4, 5], axis: 1, batchDims: 1 },
    { x: [3, 8, 5], idx: [3, 4], axis: 1, batchDims: 1 }, // batched, slice 5
    { x: [3, 4, 9], idx: [3, 6], axis: 2, batchDims: 1 }, // batched, outer 4
    { x: [3, 4, 9], idx: [3, 6], axis: 2, batchDims: -1 }, // −1 = indices rank − 1
    { x: [2, 3, 10, 4], idx: [2, 3, 5], axis: 2, batchDims: 2 },
    { x: [2, 3, 10, 40], idx: [2, 3, 5], axis: 2, batchDims: 2 }, // batched, long slices
    { x: [8, 6], idx: [3, 5], axis: 0, dtype: "int32" },
    { x: [4, 50], idx: [4, 20], axis: 1, batchDims: 1, dtype: "int32" },
    { x: [5, 6], idx: [7], axis: 1, dtype: "bool" },
  ];
  for (const c of cases) {
    const dtype = c.dtype ?? "float32";
    const axis = c.axis < 0 ? c.x.length + c.axis : c.axis;
    const xv = values(rng, size(c.x), dtype);
    // Repeats included: indices drawn with replacement over the whole axis.
    const iv = Int32Array.from({ length: size(c.idx) }, () => rng.int(c.x[axis]));
    const run = () =>
      tf.tidy(() => {
        const y = tf.gather(
          tf.tensor(xv, c.x, dtype),
          tf.tensor(iv, c.idx, "int32"),
          c.axis,
          c.batchDims ?? 0,
        );
        return { shape: y.shape, dtype: y.dtype, v: read(y) };
      });
    const [ref, got] = await both(run);
    assert.deepEqual(got, ref, `gather ${JSON.stringify(c)}`);
  }
});

Deno.test("wasm GatherV2 with batchDims 1 at the shape that crashed the shipped kernel", async () => {
  const rng = new Rng(42);
  const xv = rng.normals(256 * 1024);
  const iv = Int32Array.from({ length: 256 * 100 }, () => rng.int(1024));
  const [ref, got] = await both(() =>
    tf.tidy(() => read(tf.gather(tf.tensor2d(xv, [256, 1024]), tf.tensor2d(iv, [256, 100], "int32"), 1, 1)))
  );
  assert.equal(got.length, 256 * 100);
  assert.deepEqual(got, ref);
});

Deno.test("wasm GatherV2: an out-of-range index throws the cpu backend's error and allocates nothing", async () => {
  for (const bad of [5, -1]) {
    const run = () =>
      tf.tidy(() =>
        tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 5]), tf.tensor1d([0, bad], "int32"), 1)
      );
    const message = new RegExp(`GatherV2: the index value ${bad} is not in \\[0, 4\\]`);
    await initBackend("cpu");
    assert.throws(run, message);
    await initBackend("wasm");
    const before = tf.memory().numTensors;
    assert.throws(run, message);
    assert.equal(tf.memory().numTensors, before);
  }
});

Deno.test("wasm SplitV matches cpu: counts, sizes with −1 and 0, negative axis, ranks 1–4, int32/bool", async () => {
  const rng = new Rng(43);
  const cases: Array<{ shape: number[]; split: number | number[]; axis: number; dtype?: Dt }> = [
    { shape: [256, 128], split: 2, axis: 0 },
    { shape: [6, 10], split: [3, -1, 2], axis: 1 },
    { shape: [6, 10], split: [2, 0, 4], axis: 0 },
    { shape: [4, 5, 6], split: 3, axis: -1 },
    { shape: [12], split: [5, -1], axis: 0 },
    { shape: [2, 3, 8, 5], split: [1, 4, 3], axis: 2 },
    { shape: [2, 3, 8, 5], split: 3, axis: 1 },
    { shape: [0, 4], split: 2, axis: 1 },
    { shape: [6, 4], split: [2, -1], axis: 0, dtype: "int32" },
    { shape: [3, 8], split: 4, axis: -1, dtype: "bool" },
  ];
  for (const c of cases) {
    const dtype = c.dtype ?? "float32";
    const xv = values(rng, size(c.shape), dtype);
    const split = Array.isArray(c.split) ? [...c.split] : c.split;
    const run = () =>
      tf.tidy(() =>
        tf.split(tf.tensor(xv, c.shape, dtype), Array.isArray(split) ? [...split] : split, c.axis)
          .map((p) => ({ shape: p.shape, dtype: p.dtype, v: read(p) }))
      );
    const [ref, got] = await both(run);
    assert.deepEqual(got, ref, `split ${JSON.stringify(c)}`);
  }
});

/** Rounds to one decimal: many ties. */
function tied(rng: Rng, n: number): Float32Array {
  return rng.normals(n).map((v) => Math.round(v * 10) / 10);
}

Deno.test("wasm TopK matches cpu exactly (values and indices), ties included: rounded, all-equal, ±0, int32", async () => {
  const rng = new Rng(44);
  const cases: Array<{ shape: number[]; k: number; v: Float32Array | Int32Array }> = [
    { shape: [20, 50], k: 7, v: rng.normals(1000) },
    { shape: [30, 200], k: 50, v: tied(rng, 6000) },
    { shape: [8, 1024], k: 100, v: tied(rng, 8192) },
    { shape: [5, 64], k: 10, v: new Float32Array(320).fill(0.25) }, // all equal
    { shape: [4, 10], k: 10, v: tied(rng, 40) }, // k = N
    { shape: [4, 10], k: 0, v: tied(rng, 40) },
    { shape: [37], k: 5, v: tied(rng, 37) },
    { shape: [2, 3, 40], k: 9, v: tied(rng, 240) },
    {
      shape: [3, 8],
      k: 5,
      v: Float32Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : -1)),
    },
    { shape: [6, 90], k: 30, v: Int32Array.from({ length: 540 }, () => rng.int(20) - 10) },
    { shape: [2, 5], k: 3, v: Int32Array.from([2147483647, -2147483648, 0, -1, 2147483647, 5, 5, -5, 5, 5]) },
    { shape: [3, 1500], k: 200, v: tied(rng, 4500) }, // rows longer than the selection's sampling cut
    { shape: [2, 300], k: 40, v: Float32Array.from({ length: 600 }, (_, i) => i % 300) }, // ascending rows
    { shape: [4, 600], k: 50, v: Int32Array.from({ length: 2400 }, () => rng.int(40) - 20) }, // int32, sampled
    // Every 16th value (the pivot sample) the largest: fewer than k pass the pivot.
    { shape: [2, 1024], k: 100, v: tied(rng, 2048).map((v, i) => (i % 16 === 0 ? 5 + v : v)) },
  ];
  for (const c of cases) {
    const dtype = c.v instanceof Int32Array ? "int32" : "float32";
    const run = () =>
      tf.tidy(() => {
        const { values, indices } = tf.topk(tf.tensor(c.v, c.shape, dtype), c.k, true);
        return { shape: values.shape, dtype: values.dtype, v: read(values), i: read(indices) };
      });
    const [ref, got] = await both(run);
    assert.deepEqual(got, ref, `topk ${JSON.stringify({ shape: c.shape, k: c.k, dtype })}`);
    assert.equal(got.i.length, size(c.shape) / c.shape[c.shape.length - 1] * c.k);
  }
});

Deno.test("wasm TopK: unsorted gives cpu's set; equal infinities go by index; NaN rows use the shipped kernel", async () => {
  const rng = new Rng(45);
  const v = tied(rng, 4 * 300);
  const pairs = (r: { values: tf.Tensor; indices: tf.Tensor }) =>
    read(r.indices).map((j, i) => `${j}:${read(r.values)[i]}`).sort();
  const [ref, got] = await both(() => tf.tidy(() => pairs(tf.topk(tf.tensor2d(v, [4, 300]), 60, false))));
  assert.deepEqual(got, ref);

  // Masked candidates (−∞) as the AMCL losses make them: the finite ones first, then the
  // lowest-index −∞ entries.
  const row = Float32Array.from([1, -Infinity, 2, -Infinity, -Infinity, 3, -Infinity, Infinity, -Infinity]);
  await initBackend("wasm");
  const r = tf.topk(tf.tensor1d(row), 7);
  assert.deepEqual(read(r.values), [Infinity, 3, 2, 1, -Infinity, -Infinity, -Infinity]);
  assert.deepEqual(read(r.indices), [7, 5, 2, 0, 1, 3, 4]);
  tf.dispose([r.values, r.indices]);
  // Long rows (the sampled path), mostly masked, against "value descending, then index".
  const masked = tied(rng, 3 * 1024).map((x) => (rng.uniform() < 0.93 ? -Infinity : x));
  const m = tf.topk(tf.tensor2d(masked, [3, 1024]), 100);
  const [mv, mi] = [read(m.values), read(m.indices)];
  for (let b = 0; b < 3; b++) {
    const expected = Array.from({ length: 1024 }, (_, j) => j)
      .sort((p, q) =>
        masked[b * 1024 + p] === masked[b * 1024 + q] ? p - q : masked[b * 1024 + q] - masked[b * 1024 + p]
      )
      .slice(0, 100);
    assert.deepEqual(mi.slice(b * 100, b * 100 + 100), expected);
    assert.deepEqual(mv.slice(b * 100, b * 100 + 100), expected.map((j) => masked[b * 1024 + j]));
  }
  tf.dispose([m.values, m.indices]);

  const withNaN = Float32Array.from([0.5, NaN, 0.25, 1, 0.75, -1]);
  const x = tf.tensor2d(withNaN, [2, 3]);
  const viaKernel = tf.topk(x, 2);
  const direct = (shippedKernel("TopK") as AnyKernelFunc)({
    inputs: { x },
    backend: tf.backend(),
    attrs: { k: 2, sorted: true },
  });
  const directOut = (direct as tf.TensorInfo[]).map((t) => tf.engine().makeTensorFromTensorInfo(t));
  assert.deepEqual(read(viaKernel.values), read(directOut[0]));
  assert.deepEqual(read(viaKernel.indices), read(directOut[1]));
  tf.dispose([x, viaKernel.values, viaKernel.indices, ...directOut]);
});

Deno.test("simplifyPermutation drops size-1 axes and merges axes that move together", () => {
  assert.deepEqual(simplifyPermutation([2, 3, 4, 5], [0, 1, 3, 2]), { shape: [6, 4, 5], perm: [0, 2, 1] });
  assert.deepEqual(simplifyPermutation([2, 3, 4], [1, 2, 0]), { shape: [2, 12], perm: [1, 0] });
  assert.deepEqual(simplifyPermutation([5, 1, 3, 4], [3, 0, 2, 1]), { shape: [15, 4], perm: [1, 0] });
  assert.deepEqual(simplifyPermutation([4, 1, 5], [0, 2, 1]), { shape: [20], perm: [0] });
  assert.deepEqual(simplifyPermutation([2, 3, 4], [2, 1, 0]), { shape: [2, 3, 4], perm: [2, 1, 0] });
  assert.deepEqual(simplifyPermutation([], []), { shape: [], perm: [] });
});

Deno.test("wasm Transpose matches cpu: 2-D tiles, batched, trailing runs, merged axes, fallback perms, dtypes", async () => {
  const rng = new Rng(46);
  const cases: Array<{ shape: number[]; perm: number[]; dtype?: Dt }> = [
    { shape: [7, 5], perm: [1, 0] },
    { shape: [33, 65], perm: [1, 0] }, // ragged tiles
    { shape: [20, 300], perm: [1, 0] }, // several column blocks, 4 tail rows
    { shape: [3, 13, 130], perm: [0, 2, 1], dtype: "int32" },
    { shape: [3, 17, 40], perm: [0, 2, 1] },
    { shape: [2, 3, 4, 5], perm: [0, 1, 3, 2] },
    { shape: [2, 5, 3, 40], perm: [0, 2, 1, 3] }, // runs of 40 (set path)
    { shape: [4, 6, 3], perm: [1, 0, 2] }, // runs of 3
    { shape: [2, 3, 4], perm: [2, 0, 1] }, // merges to [1,0]
    { shape: [2, 3, 4], perm: [1, 2, 0] },
    { shape: [5, 1, 3, 4], perm: [3, 0, 2, 1] },
    { shape: [4, 1, 5], perm: [0, 2, 1] }, // identity after simplification
    { shape: [2, 3, 4], perm: [2, 1, 0] }, // shipped kernel
    { shape: [2, 3, 2, 3, 2], perm: [4, 3, 2, 1, 0] }, // shipped kernel
    { shape: [9], perm: [0] },
    { shape: [0, 5], perm: [1, 0] },
    { shape: [30, 20], perm: [1, 0], dtype: "int32" },
    { shape: [3, 6, 7], perm: [0, 2, 1], dtype: "bool" },
  ];
  for (const c of cases) {
    const dtype = c.dtype ?? "float32";
    const xv = values(rng, size(c.shape), dtype);
    const run = () =>
      tf.tidy(() => {
        const y = tf.transpose(tf.tensor(xv, c.shape, dtype), c.perm);
        return { shape: y.shape, dtype: y.dtype, v: read(y) };
      });
    const [ref, got] = await both(run);
    assert.deepEqual(got, ref, `transpose ${JSON.stringify(c)}`);
  }
});

function maxRel(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

Deno.test("wasm Sum over leading axes matches cpu (keepDims, negative axes, empty); other axis sets fall back", async () => {
  const rng = new Rng(47);
  const cases: Array<{ shape: number[]; axis: number | number[]; keepDims?: boolean; dtype?: "int32" }> = [
    { shape: [1024, 128], axis: 0 },
    { shape: [37, 19], axis: 0, keepDims: true },
    { shape: [4, 5, 6], axis: [0, 1] },
    { shape: [4, 5, 6], axis: [1, 0], keepDims: true },
    { shape: [4, 5, 6], axis: -3 },
    { shape: [2, 3, 4, 5], axis: [0, 1, 2] },
    { shape: [0, 5], axis: 0 }, // empty reduction: zeros
    { shape: [5, 0], axis: 0 },
    { shape: [4, 5], axis: 1 }, // shipped kernel from here on
    { shape: [4, 5, 6], axis: [0, 2] },
    { shape: [4, 5], axis: [0, 1] },
    { shape: [6, 7], axis: 0, dtype: "int32" },
  ];
  for (const c of cases) {
    const dtype = c.dtype ?? "float32";
    const xv = values(rng, size(c.shape), dtype);
    const run = () =>
      tf.tidy(() => {
        const y = tf.sum(tf.tensor(xv, c.shape, dtype), c.axis, c.keepDims ?? false);
        return { shape: y.shape, dtype: y.dtype, v: read(y) };
      });
    const [ref, got] = await both(run);
    const what = `sum ${JSON.stringify(c)}`;
    assert.deepEqual(got.shape, ref.shape, what);
    assert.equal(got.dtype, ref.dtype, what);
    assert.equal(got.v.length, ref.v.length, what);
    assert.ok(maxRel(got.v, ref.v) <= 1e-5, `${what}: max rel error ${maxRel(got.v, ref.v)}`);
  }
});

Deno.test("gradients through tf.gather (axis 1) and tf.split on wasm equal cpu", async () => {
  const rng = new Rng(48);
  const xv = rng.normals(6 * 9), wv = rng.normals(6 * 5);
  const iv = Int32Array.from([8, 0, 3, 3, 7]);
  const f = (x: tf.Tensor) => {
    const g = tf.gather(x, tf.tensor1d(iv, "int32"), 1); // [6, 5]
    const [a, b] = tf.split(x, [4, -1], 1); // [6, 4], [6, 5]
    return tf.sum(tf.add(tf.mul(g, tf.tensor2d(wv, [6, 5])), tf.mul(tf.sum(a, 1, true), tf.square(b))));
  };
  const run = () => tf.tidy(() => read(tf.grad(f)(tf.tensor2d(xv, [6, 9]))));
  const [ref, got] = await both(run);
  assert.equal(got.length, 54);
  assert.ok(maxRel(got, ref) <= 1e-5, `max rel error ${maxRel(got, ref)}`);
});

/** Median milliseconds of `reps` calls of `f` (after warm-up calls, so that the JIT has run). */
function time(f: () => void, reps: number): number {
  for (let i = 0; i < 8; i++) f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[reps >> 1];
}

Deno.test("timings on wasm: shipped kernel vs replacement (printed, not asserted)", async () => {
  await initBackend("wasm");
  const rng = new Rng(49);
  const backend = tf.backend() as unknown as { disposeData(id: object): void };
  const shipped = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) => () => {
    const r = shippedKernel(name)!({ inputs, backend, attrs });
    for (const t of Array.isArray(r) ? r : [r]) backend.disposeData(t.dataId);
  };
  const ours = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) => () => {
    tf.dispose(tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[]);
  };
  const flat = tf.tensor1d(rng.normals(262144));
  const flatIdx = tf.tensor1d(Int32Array.from({ length: 25600 }, () => rng.int(262144)), "int32");
  const x256 = tf.tensor2d(rng.normals(256 * 1024), [256, 1024]);
  const idx256 = tf.tensor2d(Int32Array.from({ length: 25600 }, () => rng.int(1024)), [256, 100], "int32");
  const x128 = tf.tensor2d(rng.normals(256 * 128), [256, 128]);
  const x1024 = tf.tensor2d(rng.normals(1024 * 128), [1024, 128]);
  const rows: Array<[string, string, tf.NamedTensorMap, tf.NamedAttrMap, boolean]> = [
    [
      "GatherV2 25,600 of [262144]",
      "GatherV2",
      { x: flat, indices: flatIdx },
      { axis: 0, batchDims: 0 },
      true,
    ],
    ["GatherV2 batchDims 1 [256,1024]→[256,100]", "GatherV2", { x: x256, indices: idx256 }, {
      axis: 1,
      batchDims: 1,
    }, false],
    ["SplitV [256,128] in 2, axis 0", "SplitV", { x: x128 }, { numOrSizeSplits: [128, 128], axis: 0 }, true],
    ["SplitV [256,128] in 2, axis 1", "SplitV", { x: x128 }, { numOrSizeSplits: [64, 64], axis: 1 }, true],
    ["TopK [256,1024] k 100 sorted", "TopK", { x: x256 }, { k: 100, sorted: true }, true],
    ["Transpose [1024,128]", "Transpose", { x: x1024 }, { perm: [1, 0] }, true],
    ["Transpose [256,1024]", "Transpose", { x: x256 }, { perm: [1, 0] }, true],
    ["Sum [1024,128] axis 0", "Sum", { x: x1024 }, { axis: [0], keepDims: false }, true],
  ];
  const lines: string[] = [];
  for (const [label, name, inputs, attrs, runShipped] of rows) {
    const after = time(ours(name, inputs, attrs), 21);
    const before = runShipped ? time(shipped(name, inputs, attrs), 21) : NaN;
    const b = runShipped ? `${before.toFixed(3)} ms` : "crashes";
    lines.push(`  ${label.padEnd(44)} ${b.padStart(10)} → ${after.toFixed(3)} ms`);
    assert.ok(after > 0);
  }
  console.log(`wasm kernels, shipped → replacement (median of 21):\n${lines.join("\n")}`);
  tf.dispose([flat, flatIdx, x256, idx256, x128, x1024]);
});

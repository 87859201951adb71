/**
 * `TopK` for wasm (≈ 3.5 ms shipped for [256,1024], k = 100). For each row of the last axis
 * the k largest values and their int32 indices, best first, in the cpu backend's order:
 * values descending, equal values by lower index first.
 *
 * Values are compared through their bits: a float32's bits, with the negative half flipped,
 * are an int32 `s` that orders like the value (−0 mapped onto +0, so they tie as on cpu);
 * an int32 is its own `s`. Per row, without a data-dependent branch in the long loops:
 *
 * 1. a pivot from a sample of 64 values: a little above the sample's k/n quantile, so that
 *    almost always at least k values are ≥ it;
 * 2. one pass keeps, in index order, every position whose `s` is ≥ the pivot (all positions
 *    when fewer than k are: the sample misled);
 * 3. a stable least-significant-digit radix sort of those candidates by descending `s`
 *    (8-bit digits, only as many passes as their spread of `s` needs) — stability keeps
 *    equal values in index order — and the first k are the answer.
 *
 * Matches the cpu backend exactly (set and order) for finite values, ties included. Equal
 * infinities are ordered by index too (the cpu backend's comparator gives NaN for ∞ − ∞, so
 * its order among them is an accident of its selection pass). Input with a NaN and dtypes
 * other than float32/int32 go to the shipped kernel. `sorted: false` returns the same k
 * entries, also best first (any order is allowed then).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { Host } from "./host.ts";

const SAMPLE = 64;

/** Scratch buffers, grown to the longest row seen. */
let cand = new Int32Array(0), key = new Int32Array(0), cand2 = new Int32Array(0), key2 = new Int32Array(0);
const pivotSample = new Int32Array(SAMPLE);
const radixCounts = new Int32Array(256);

/** The k-th largest (1-based) of a[0, n), n ≥ k ≥ 1; reorders a. */
function kthLargest(a: Int32Array, n: number, k: number): number {
  // a[0, k) is kept sorted descending: the k largest seen so far.
  for (let i = 1; i < k; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] < v) a[j + 1] = a[j--];
    a[j + 1] = v;
  }
  for (let i = k; i < n; i++) {
    const v = a[i];
    if (v <= a[k - 1]) continue;
    let j = k - 2;
    while (j >= 0 && a[j] < v) a[j + 1] = a[j--];
    a[j + 1] = v;
  }
  return a[k - 1];
}

/**
 * Top k of each row of `x` ([rows, n] row-major, as raw 32-bit words) into `values`/`indices`
 * ([rows, k]); `isFloat`: the words are float32 bits (else int32 values). 1 ≤ k ≤ n.
 * Returns false, leaving the outputs unfinished, when a float row holds a NaN.
 */
export function topkInto(
  x: Int32Array,
  isFloat: boolean,
  rows: number,
  n: number,
  k: number,
  values: Int32Array,
  indices: Int32Array,
): boolean {
  if (cand.length < n) {
    cand = new Int32Array(n), key = new Int32Array(n), cand2 = new Int32Array(n), key2 = new Int32Array(n);
  }
  const cj = cand, ck = key, counts = radixCounts, sample = pivotSample;
  const flip = isFloat ? 0x7fffffff : 0;
  const sampled = n >= 4 * SAMPLE && 4 * k <= n;
  const step = Math.floor(n / SAMPLE);
  let nan = 0;
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    // 1. Pivot. s = i ^ flip-if-negative, + 1 for negatives (−0 → 0); never overflows.
    let pivot = -2147483648;
    if (sampled) {
      let m = 0;
      for (let j = 0; m < SAMPLE; j += step) { // step · SAMPLE ≤ n
        const i = x[off + j];
        sample[m++] = (i ^ ((i >> 31) & flip)) + ((i >>> 31) & flip & 1);
      }
      const expected = k * m / n;
      pivot = kthLargest(sample, m, Math.min(m, Math.ceil(expected + 1.5 * Math.sqrt(expected) + 1)));
    }
    // 2. Candidates s ≥ pivot (compared at 31 bits: a superset, never overflowing), in
    // index order. NaN: |bits| above +∞'s.
    const half = pivot >> 1;
    let c = 0;
    for (let j = 0; j < n; j++) {
      const i = x[off + j];
      const s = (i ^ ((i >> 31) & flip)) + ((i >>> 31) & flip & 1);
      cj[c] = j;
      ck[c] = s;
      c += (half - (s >> 1) - 1) >>> 31;
      nan |= (0x7f800000 - (i & flip)) >>> 31;
    }
    if (c < k) {
      for (let j = 0; j < n; j++) {
        const i = x[off + j];
        cj[j] = j;
        ck[j] = (i ^ ((i >> 31) & flip)) + ((i >>> 31) & flip & 1);
      }
      c = n;
    }
    if (nan) return false;
    // 3. Stable radix sort by d = max − s (≥ 0, as uint32), ascending.
    let max = ck[0], min = ck[0];
    for (let t = 1; t < c; t++) {
      const s = ck[t];
      max = Math.max(max, s);
      min = Math.min(min, s);
    }
    for (let t = 0; t < c; t++) ck[t] = max - ck[t];
    const spread = max - min;
    let aj = cj, ad = ck, bj = cand2, bd = key2;
    for (let shift = 0; shift < 32 && spread >= 2 ** shift; shift += 8) {
      counts.fill(0);
      for (let t = 0; t < c; t++) counts[(ad[t] >>> shift) & 255]++;
      let sum = 0;
      for (let b = 0; b < 256; b++) {
        const v = counts[b];
        counts[b] = sum;
        sum += v;
      }
      for (let t = 0; t < c; t++) {
        const d = ad[t];
        const p = counts[(d >>> shift) & 255]++;
        bj[p] = aj[t];
        bd[p] = d;
      }
      const tj = aj, td = ad;
      aj = bj, ad = bd, bj = tj, bd = td;
    }
    const o = r * k;
    for (let t = 0; t < k; t++) {
      const j = aj[t];
      indices[o + t] = j;
      values[o + t] = x[off + j];
    }
  }
  return true;
}

/** The `TopK` kernel on wasm, with `fallback` (the shipped kernel) for the cases above. */
export function topK(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== "float32" && x.dtype !== "int32") return fallback(args) as tf.TensorInfo[];
    const { k } = args.attrs as unknown as tf.TopKAttrs;
    const n = x.shape[x.shape.length - 1];
    const h = new Host("wasm", args.backend);
    const outShape = [...x.shape.slice(0, -1), k];
    const values = h.alloc(outShape, x.dtype);
    const indices = h.alloc(outShape, "int32");
    const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
    if (k === 0 || rows === 0) return [values, indices];
    const words = (t: tf.TensorInfo) => {
      const v = h.view(t);
      return new Int32Array(v.buffer, v.byteOffset, v.length);
    };
    if (topkInto(words(x), x.dtype === "float32", rows, n, k, words(values), h.view(indices) as Int32Array)) {
      return [values, indices];
    }
    const backend = args.backend as { disposeData(dataId: object): void };
    backend.disposeData(values.dataId);
    backend.disposeData(indices.dataId);
    return fallback(args) as tf.TensorInfo[];
  };
}

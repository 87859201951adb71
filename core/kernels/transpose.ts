/**
 * `Transpose` for wasm (shipped: ≈ 4–8 ns per element, ≈ 1 ms for [1024,128]). The shape is
 * first simplified — size-1 axes dropped, axes that stay neighbours in the same order merged
 * — and the permutations that then read as "swap two blocks" are done here:
 *
 * - [1,0] and [0,2,1]: (batched) matrix transposes, eight rows by 128 columns at a time so
 *   that both the reads and the writes stay in cache;
 * - [1,0,2] and [0,2,1,3]: the same with a contiguous run of trailing values per element
 *   (e.g. [B,T,H,D] → [B,H,T,D]), copied with `set(subarray)` when long.
 *
 * An identity permutation (after simplification) is a plain copy. Other permutations,
 * strings and complex numbers go to the shipped kernel. float32/int32 are moved as 32-bit
 * words (bit-exact), bool as bytes.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { asWords, Host } from "./host.ts";

/** Output rows filled per sweep of the source. */
const COLUMNS = 128;
/** Runs at least this long are copied with `set(subarray)`. */
const LONG_RUN = 32;

/**
 * `shape`/`perm` with size-1 axes dropped and axes that stay adjacent (in order) under `perm`
 * merged: the same data movement on the smallest rank.
 */
export function simplifyPermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  // Size-1 axes dropped, the others renumbered.
  const dims = shape.filter((d) => d !== 1);
  const renumber = new Map(shape.map((_, a) => a).filter((a) => shape[a] !== 1).map((a, i) => [a, i]));
  const kept = perm.filter((a) => shape[a] !== 1).map((a) => renumber.get(a)!);
  // Groups of (new) input axes that move together, in output order.
  const groups: number[][] = [];
  for (const a of kept) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === a) last.push(a);
    else groups.push([a]);
  }
  const byInput = groups.map((g) => ({ first: g[0], size: g.reduce((s, a) => s * dims[a], 1) }));
  const inOrder = [...byInput].sort((p, q) => p.first - q.first);
  const rank = new Map(inOrder.map((g, i) => [g, i]));
  return { shape: inOrder.map((g) => g.size), perm: byInput.map((g) => rank.get(g)!) };
}

/**
 * Transposes the row-major [m, n] matrix at `src[o…]` into `dst[o…]` ([n, m]): eight source
 * rows at a time, so that each output row gets eight consecutive values per visit, across
 * column blocks of {@link COLUMNS} (a few KB of output rows stay in cache; power-of-two
 * strides would make square tiles thrash).
 */
function transposeMatrix(src: tf.TypedArray, dst: tf.TypedArray, o: number, m: number, n: number): void {
  for (let j0 = 0; j0 < n; j0 += COLUMNS) {
    const j1 = Math.min(n, j0 + COLUMNS);
    let i = 0;
    for (; i + 8 <= m; i += 8) {
      const s0 = o + i * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      const s4 = s3 + n, s5 = s4 + n, s6 = s5 + n, s7 = s6 + n;
      for (let j = j0; j < j1; j++) {
        const d = o + j * m + i;
        dst[d] = src[s0 + j];
        dst[d + 1] = src[s1 + j];
        dst[d + 2] = src[s2 + j];
        dst[d + 3] = src[s3 + j];
        dst[d + 4] = src[s4 + j];
        dst[d + 5] = src[s5 + j];
        dst[d + 6] = src[s6 + j];
        dst[d + 7] = src[s7 + j];
      }
    }
    for (; i < m; i++) {
      const s = o + i * n;
      for (let j = j0; j < j1; j++) dst[o + j * m + i] = src[s + j];
    }
  }
}

/**
 * For each of `batch` blocks of `src` laid out [m, n, run], writes [n, m, run] into `dst`.
 */
export function swapInto(
  src: tf.TypedArray,
  batch: number,
  m: number,
  n: number,
  run: number,
  dst: tf.TypedArray,
): void {
  const size = m * n * run;
  for (let b = 0; b < batch; b++) {
    const o = b * size;
    if (run === 1) {
      transposeMatrix(src, dst, o, m, n);
      continue;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const s = o + (i * n + j) * run, d = o + (j * m + i) * run;
        if (run >= LONG_RUN) dst.set(src.subarray(s, s + run), d);
        else for (let t = 0; t < run; t++) dst[d + t] = src[s + t];
      }
    }
  }
}

/** [batch, m, n, run] of a simplified permutation this kernel handles, or null. */
function swapShape(shape: number[], perm: number[]): [number, number, number, number] | null {
  const p = perm.join(",");
  if (p === "1,0") return [1, shape[0], shape[1], 1];
  if (p === "0,2,1") return [shape[0], shape[1], shape[2], 1];
  if (p === "1,0,2") return [1, shape[0], shape[1], shape[2]];
  if (p === "0,2,1,3") return [shape[0], shape[1], shape[2], shape[3]];
  return null;
}

/** The `Transpose` kernel on wasm, with `fallback` (the shipped kernel) for the rest. */
export function transpose(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string" || x.dtype === "complex64") return fallback(args) as tf.TensorInfo;
    const perm = (args.attrs as unknown as tf.TransposeAttrs).perm;
    const simple = simplifyPermutation(x.shape, perm);
    const identity = simple.perm.every((a, i) => a === i);
    const swap = identity ? null : swapShape(simple.shape, simple.perm);
    if (!identity && !swap) return fallback(args) as tf.TensorInfo;
    const h = new Host("wasm", args.backend);
    const out = h.alloc(perm.map((a) => x.shape[a]), x.dtype);
    const src = asWords(h.view(x)), dst = asWords(h.view(out));
    if (swap) swapInto(src, swap[0], swap[1], swap[2], swap[3], dst);
    else dst.set(src);
    return out;
  };
}

/**
 * Copy kernels for wasm that replace slow shipped ones:
 *
 * - `Slice`: tfjs-wasm copies a 4-D slice one innermost row at a time (a `subarray` + `set`
 *   per row of C values: ≈ 100 ms for the gradient of a 1-pixel pad at 128×34×34×8). Here the
 *   trailing axes the slice keeps whole are merged into one contiguous run, so the same
 *   slice is a few thousand block copies.
 * - `Tile`: tfjs-wasm's generic per-element index arithmetic (≈ 90 ms to tile [1,1,1,8] to
 *   128×32×32×8). Here each axis's block is built once and then replicated with doubling
 *   `copyWithin`.
 *
 * - `Identity` and same-dtype `Cast`: tfjs-wasm copies the data (and a fresh multi-MB
 *   output costs page faults too); here the output shares the input's memory with a
 *   reference count, as `Reshape` already does on wasm and `Identity` does on cpu. No wasm
 *   kernel writes into its inputs, so sharing is safe.
 *
 * Slice and Tile handle every numeric dtype and any rank; strings go to the shipped kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type AnyKernelFunc, type KernelArgs, replaceWasmKernels } from "./replace.ts";
import { Host, sizeOf } from "./host.ts";

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Copies the box `begin`/`size` of `src` (shape `shape`, row-major) into `dst` (dense,
 * shape `size`).
 */
export function sliceInto(
  src: tf.TypedArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: tf.TypedArray,
): void {
  const rank = shape.length;
  if (sizeOf(size) === 0) return;
  const st = strides(shape);
  // j: the last axis not kept whole; everything after it is one contiguous run per index.
  let j = rank - 1;
  while (j >= 0 && begin[j] === 0 && size[j] === shape[j]) j--;
  if (j < 0) {
    dst.set(src.subarray(0, dst.length));
    return;
  }
  const run = size[j] * st[j];
  const base0 = begin[j] * st[j];
  // Odometer over axes 0..j-1.
  const idx = new Array<number>(j).fill(0);
  let srcOff = base0;
  for (let a = 0; a < j; a++) srcOff += begin[a] * st[a];
  let d = 0;
  const outer = sizeOf(size.slice(0, j));
  for (let o = 0; o < outer; o++) {
    if (run >= 32) dst.set(src.subarray(srcOff, srcOff + run), d);
    else for (let t = 0; t < run; t++) dst[d + t] = src[srcOff + t];
    d += run;
    for (let a = j - 1; a >= 0; a--) {
      idx[a]++;
      srcOff += st[a];
      if (idx[a] < size[a]) break;
      srcOff -= idx[a] * st[a];
      idx[a] = 0;
    }
  }
}

/** Tiles `src` (shape `shape`) by `reps` into `dst` (dense, shape shape·reps). */
export function tileInto(
  src: tf.TypedArray,
  shape: readonly number[],
  reps: readonly number[],
  dst: tf.TypedArray,
): void {
  const rank = shape.length;
  if (dst.length === 0) return;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const outShape = shape.map((s, i) => s * reps[i]);
  const ist = strides(shape), ost = strides(outShape);
  const fill = (axis: number, s0: number, d0: number): void => {
    const n = shape[axis];
    if (axis === rank - 1) {
      if (n >= 32) dst.set(src.subarray(s0, s0 + n), d0);
      else for (let t = 0; t < n; t++) dst[d0 + t] = src[s0 + t];
    } else {
      for (let i = 0; i < n; i++) fill(axis + 1, s0 + i * ist[axis], d0 + i * ost[axis]);
    }
    // Replicate the block of this axis reps[axis] times, doubling.
    const block = n * ost[axis];
    const total = block * reps[axis];
    let have = block;
    while (have < total) {
      const take = Math.min(have, total - have);
      dst.copyWithin(d0 + have, d0, d0 + take);
      have += take;
    }
  };
  fill(0, 0, 0);
}

/**
 * Copies `src` (dense, shape `shape`) into `dst` (shape `outShape`) at offset `before` per
 * axis, the rest of `dst` untouched: the inverse of {@link sliceInto}, for `PadV2`.
 */
export function padInto(
  src: tf.TypedArray,
  shape: readonly number[],
  before: readonly number[],
  outShape: readonly number[],
  dst: tf.TypedArray,
): void {
  const rank = shape.length;
  if (src.length === 0) return;
  const ost = strides(outShape);
  // j: the last axis not copied whole; the block of axes j.. is one run in both arrays.
  let j = rank - 1;
  while (j >= 0 && before[j] === 0 && shape[j] === outShape[j]) j--;
  if (j < 0) {
    dst.set(src);
    return;
  }
  const run = shape[j] * ost[j];
  let dstOff = 0;
  for (let a = 0; a <= j; a++) dstOff += before[a] * ost[a];
  const idx = new Array<number>(j).fill(0);
  const outer = sizeOf(shape.slice(0, j));
  let s = 0;
  for (let o = 0; o < outer; o++) {
    if (run >= 32) dst.set(src.subarray(s, s + run), dstOff);
    else for (let t = 0; t < run; t++) dst[dstOff + t] = src[s + t];
    s += run;
    for (let a = j - 1; a >= 0; a--) {
      idx[a]++;
      dstOff += ost[a];
      if (idx[a] < shape[a]) break;
      dstOff -= idx[a] * ost[a];
      idx[a] = 0;
    }
  }
}

/** `Slice` by box copies ({@link sliceInto}), with `fallback` for strings. */
export function sliceKernel(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string") return fallback(args) as tf.TensorInfo;
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    const h = new Host("wasm", args.backend);
    const out = h.alloc(size, x.dtype);
    sliceInto(h.view(x), x.shape, begin, size, h.view(out));
    return out;
  };
}

/** `Tile` by doubling copies ({@link tileInto}), with `fallback` for strings. */
export function tileKernel(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string") return fallback(args) as tf.TensorInfo;
    const reps = (args.attrs as unknown as tf.TileAttrs).reps;
    const h = new Host("wasm", args.backend);
    const out = h.alloc(x.shape.map((s, i) => s * reps[i]), x.dtype);
    tileInto(h.view(x), x.shape, reps, h.view(out));
    return out;
  };
}

/** The parts of the wasm backend sharing needs. */
interface RefCounted {
  incRef(dataId: object): void;
}

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCounted).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function identity(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return x.dtype === "string" ? fallback(args) as tf.TensorInfo : share(x, args.backend);
  };
}

function cast(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const dtype = (args.attrs as unknown as tf.CastAttrs).dtype;
    return x.dtype === dtype && dtype !== "string" ? share(x, args.backend) : fallback(args) as tf.TensorInfo;
  };
}

/**
 * `PadV2` by a fill and box copies ({@link padInto}), with `fallback` for strings. Used in
 * host memory, where tfjs-cpu pads element by element (the gradient of every `Slice`).
 */
export function padKernel(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string" || x.dtype === "complex64") return fallback(args) as tf.TensorInfo;
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const h = new Host("wasm", args.backend);
    const out = h.alloc(outShape, x.dtype);
    const dst = h.view(out);
    dst.fill(constantValue);
    padInto(h.view(x), x.shape, paddings.map((p) => p[0]), outShape, dst);
    return out;
  };
}

let registered = false;

/** Replaces wasm's `Slice`, `Tile`, `Identity` and `Cast` with the kernels above (idempotent). */
export function registerCopyKernels(): void {
  if (registered) return;
  registered = true;
  replaceWasmKernels([["Slice", sliceKernel], ["Tile", tileKernel], ["Identity", identity], ["Cast", cast]]);
}

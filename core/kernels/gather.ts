/**
 * `GatherV2` for wasm. The shipped kernel costs ≈ 150 ns per gathered element (≈ 3–4 ms for
 * 25,600 values of a flat [262144]) and, with `batchDims` ≥ 1, crashes inside wasm
 * ("memory access out of bounds", e.g. x [256,1024], indices [256,100], axis 1). Here the
 * gather is a plain copy: x is seen as [batch, outer, dim, slice] (tfjs's own shape
 * bookkeeping, `collectGatherOpShapeInfo`), and each index copies one run of `slice`
 * contiguous values — with `set(subarray)` when the run is long, element by element when
 * short.
 *
 * Indices are checked first, as the cpu and shipped kernels do: an index outside
 * [0, dim − 1] throws "GatherV2: the index value … is not in [0, …]" and nothing is written.
 * float32, int32 and bool; other dtypes (and non-int32 indices) go to the shipped kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { asWords, Host } from "./host.ts";

/** Runs shorter than this are copied element by element. */
const SHORT_RUN = 32;

/** The layout of one gather: x is [batch, outer, dim, slice], indices [batch, count]. */
export interface GatherLayout {
  batch: number;
  outer: number;
  dim: number;
  slice: number;
  /** Indices per batch entry. */
  count: number;
}

/**
 * Gathers `src` (layout [batch, outer, dim, slice]) at `indices` ([batch, count], each in
 * [0, dim)) into `dst` ([batch, outer, count, slice]). Indices must be checked beforehand.
 */
export function gatherInto(
  src: tf.TypedArray,
  indices: Int32Array,
  l: GatherLayout,
  dst: tf.TypedArray,
): void {
  const { batch, outer, dim, slice, count } = l;
  let d = 0;
  for (let b = 0; b < batch; b++) {
    const ib = b * count;
    for (let o = 0; o < outer; o++) {
      const base = (b * outer + o) * dim;
      if (slice === 1) {
        for (let i = 0; i < count; i++) dst[d++] = src[base + indices[ib + i]];
      } else if (slice >= SHORT_RUN) {
        for (let i = 0; i < count; i++) {
          const s = (base + indices[ib + i]) * slice;
          dst.set(src.subarray(s, s + slice), d);
          d += slice;
        }
      } else {
        for (let i = 0; i < count; i++) {
          const s = (base + indices[ib + i]) * slice;
          for (let t = 0; t < slice; t++) dst[d++] = src[s + t];
        }
      }
    }
  }
}

/** Throws the cpu backend's error for the first index outside [0, dim − 1]. */
function checkIndices(indices: Int32Array, dim: number): void {
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (v < 0 || v >= dim) {
      tf.util.assert(false, () => `GatherV2: the index value ${v} is not in [0, ${dim - 1}]`);
    }
  }
}

const HANDLED: ReadonlySet<tf.DataType> = new Set(["float32", "int32", "bool"]);

/** The `GatherV2` kernel on wasm, with `fallback` (the shipped kernel) for other dtypes. */
export function gatherV2(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    if (!HANDLED.has(x.dtype) || indices.dtype !== "int32") return fallback(args) as tf.TensorInfo;
    const attrs = args.attrs as unknown as tf.GatherV2Attrs;
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    const h = new Host("wasm", args.backend);
    const dim = x.shape[axis];
    checkIndices(h.view(indices) as Int32Array, dim);
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
      x as tf.Tensor,
      indices as tf.Tensor,
      axis,
      attrs.batchDims ?? 0,
    );
    const count = tf.util.sizeFromShape(indices.shape) / info.batchSize;
    const out = h.alloc(info.outputShape, x.dtype);
    if (tf.util.sizeFromShape(info.outputShape) === 0) return out;
    const layout = { batch: info.batchSize, outer: info.outerSize, dim, slice: info.sliceSize, count };
    gatherInto(asWords(h.view(x)), h.view(indices) as Int32Array, layout, asWords(h.view(out)));
    return out;
  };
}

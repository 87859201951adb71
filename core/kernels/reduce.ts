/**
 * `Sum` over the leading axes for wasm (e.g. a bias gradient: [1024,128] summed over axis 0
 * costs ≈ 1.1 ms shipped, which transposes the input so that the reduced axes come last).
 * Here x is seen as [rows, cols] — rows the product of the reduced leading axes — and the
 * output row accumulates the input rows in order, in float32: for each output value the
 * same additions in the same order as a sequential float32 sum.
 *
 * Only float32 with the reduced axes exactly the leading ones and at least one axis kept;
 * other axis sets (a sum over the trailing axes is already fast shipped), full reductions
 * and other dtypes go to the shipped kernel. An empty reduction gives zeros.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { Host } from "./host.ts";

/** Sums the `rows` rows of `x` ([rows, cols] row-major) into `out` ([cols]). */
export function sumRowsInto(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  if (rows === 0) {
    out.fill(0);
    return;
  }
  out.set(x.subarray(0, cols));
  for (let r = 1; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j] += x[o + j];
  }
}

/** How many leading axes `axes` reduces (0 when they are not exactly the leading ones). */
function leadingCount(axes: number[]): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  return sorted.every((a, i) => a === i) ? sorted.length : 0;
}

/**
 * The `Sum` kernel on wasm for sums over the leading axes, with `fallback` (the shipped kernel)
 * for the rest.
 */
export function sumLeadingAxes(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== "float32") return fallback(args) as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const lead = leadingCount(tf.util.parseAxisParam(axis, x.shape));
    if (lead === 0 || lead === x.shape.length) return fallback(args) as tf.TensorInfo;
    const kept = x.shape.slice(lead);
    const h = new Host("wasm", args.backend);
    const out = h.alloc(keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...kept] : kept);
    const [xs, o] = h.views(x, out);
    sumRowsInto(xs, tf.util.sizeFromShape(x.shape.slice(0, lead)), tf.util.sizeFromShape(kept), o);
    return out;
  };
}

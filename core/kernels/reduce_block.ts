/**
 * `Sum` and `Mean` over one contiguous block of axes, for backends whose tensors are typed
 * arrays (the native tier on host memory). x is seen as [A, R, B] — R the product of the
 * reduced axes, A of those before, B of those after — and each output accumulates its R
 * inputs in float64, in order (tfjs-cpu accumulates in float64 too, after transposing the
 * reduced axes last: ≈ 10 ms for a global average pool at ResNet-18 ×1/8, b256, against ≈ 0.3
 * here). Mean divides the float64 sum by R before rounding to float32.
 *
 * Only float32, at least one axis reduced and the reduced axes consecutive; anything else
 * goes to the base kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { Host } from "./host.ts";

/** Reduces `x` ([a, r, b] row-major) over its middle axis into `out` ([a, b]): sums, or means when `mean`. */
export function reduceMiddle(
  x: Float32Array,
  a: number,
  r: number,
  b: number,
  out: Float32Array,
  mean: boolean,
): void {
  const acc = new Float64Array(b);
  const scale = mean ? 1 / r : 1;
  for (let i = 0; i < a; i++) {
    acc.fill(0);
    const base = i * r * b;
    if (b === 1) {
      let s = 0;
      for (let j = 0; j < r; j++) s += x[base + j];
      acc[0] = s;
    } else {
      for (let j = 0; j < r; j++) {
        const o = base + j * b;
        for (let k = 0; k < b; k++) acc[k] += x[o + k];
      }
    }
    for (let k = 0; k < b; k++) out[i * b + k] = mean ? acc[k] * scale : acc[k];
  }
}

/** The `Sum` (or `Mean`) kernel for consecutive reduced axes, with `fallback` for the rest. */
export function reduceBlock(mean: boolean) {
  return (fallback: AnyKernelFunc): AnyKernelFunc => (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (x.dtype !== "float32" || x.shape.length === 0) return fallback(args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    if (axes.length === 0 || axes.some((v, i) => i > 0 && v !== axes[i - 1] + 1)) return fallback(args);
    const first = axes[0], last = axes[axes.length - 1];
    const size = (s: number[]) => tf.util.sizeFromShape(s);
    const a = size(x.shape.slice(0, first)), r = size(x.shape.slice(first, last + 1));
    const b = size(x.shape.slice(last + 1));
    if (r === 0) return fallback(args);
    const shape = keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);
    const h = new Host("native-host", args.backend);
    const out = h.alloc(shape);
    const vs = h.floats(x, out);
    if (!vs) {
      h.discard(out);
      return fallback(args);
    }
    reduceMiddle(vs[0], a, r, b, vs[1], mean);
    return out;
  };
}

/**
 * `Concat` by box copies: each input goes into the output at its offset along the axis as
 * one {@link padInto} (runs of whole trailing axes as single `set` calls). Used in host
 * memory, where tfjs-cpu copies element by element (6 ms a call for a step's two views
 * concatenated at ResNet-18 ×1, b128). Every dtype but string and complex (shipped kernel).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { Host } from "./host.ts";
import { padInto } from "./copy.ts";

/** The `Concat` kernel, with `fallback` (the shipped kernel) for strings and mixed dtypes. */
export function concat(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const xs = Object.values(args.inputs).filter((t): t is tf.TensorInfo => t !== undefined);
    const dtype = xs[0]?.dtype;
    if (!dtype || dtype === "string" || dtype === "complex64" || xs.some((x) => x.dtype !== dtype)) {
      return fallback(args) as tf.TensorInfo;
    }
    const axis = tf.util.parseAxisParam((args.attrs as unknown as tf.ConcatAttrs).axis, xs[0].shape)[0];
    const outShape = tf.backend_util.computeOutShape(xs.map((x) => x.shape), axis);
    const h = new Host("wasm", args.backend);
    const out = h.alloc(outShape, dtype);
    // Views after the allocation (an allocation may move a heap).
    const dst = h.view(out);
    const before = outShape.map(() => 0);
    for (const x of xs) {
      padInto(h.view(x), x.shape, before, outShape, dst);
      before[axis] += x.shape[axis];
    }
    return out;
  };
}

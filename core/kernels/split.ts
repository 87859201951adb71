/**
 * `SplitV` for wasm: the shipped kernel slices through tfjs-wasm's own (slow, row by row)
 * slice, ≈ 0.94 ms to split a [256,128] in two along axis 0. Here each piece is the box copy
 * of the replacement `Slice` ({@link sliceInto}: trailing whole axes merged into one run).
 * Every dtype but string (shipped kernel).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { Host } from "./host.ts";
import { sliceInto } from "./copy.ts";

/** The `SplitV` kernel on wasm, with `fallback` (the shipped kernel) for strings. */
export function splitV(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string" || x.dtype === "complex64") return fallback(args) as tf.TensorInfo[];
    const attrs = args.attrs as unknown as tf.SplitVAttrs;
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    // prepareSplitSize fills in a −1 in place: give it a copy, not the recorded attrs.
    const request = Array.isArray(attrs.numOrSizeSplits) ? [...attrs.numOrSizeSplits] : attrs.numOrSizeSplits;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, request, axis);
    const h = new Host("wasm", args.backend);
    const boxes = sizes.map((s) => x.shape.map((d, a) => a === axis ? s : d));
    // Allocate every piece before taking views: an allocation may move the heap.
    const outs = boxes.map((size) => h.alloc(size, x.dtype));
    const src = h.view(x);
    const begin = x.shape.map(() => 0);
    outs.forEach((out, i) => {
      sliceInto(src, x.shape, begin, boxes[i], h.view(out));
      begin[axis] += sizes[i];
    });
    return outs;
  };
}

/**
 * `MaxPoolGrad` on wasm, in JS: the shipped kernel is wrong next to "same" padding when a
 * window's values are all negative.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelArgs } from "./replace.ts";
import type { WasmBackend } from "./wasm_backend.ts";

/**
 * MaxPoolGrad in JS: tfjs-wasm 4.22's C++ kernel drops the gradient when every value of a
 * window that overlaps the "same" padding is negative (it compares against the padding).
 * Ties go to the first maximum in row-major window order, as on the cpu backend.
 */
export function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const b = args.backend as WasmBackend;
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [B, H, W, C] = input.shape;
  const { outHeight: Ho, outWidth: Wo, strideHeight: sh, strideWidth: sw } = info;
  const fh = info.effectiveFilterHeight, fw = info.effectiveFilterWidth;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const dx = b.makeOutput([B, H, W, C], "float32");
  const xs = b.typedArrayFromHeap(input) as Float32Array;
  const gs = b.typedArrayFromHeap(dy) as Float32Array;
  const out = b.typedArrayFromHeap(dx) as Float32Array;
  out.fill(0);
  for (let n = 0; n < B; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      const y0 = Math.max(0, oy * sh - pt), y1 = Math.min(H, oy * sh - pt + fh);
      for (let ox = 0; ox < Wo; ox++) {
        const x0 = Math.max(0, ox * sw - pl), x1 = Math.min(W, ox * sw - pl + fw);
        const g0 = ((n * Ho + oy) * Wo + ox) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity, at = -1;
          for (let y = y0; y < y1; y++) {
            for (let x = x0; x < x1; x++) {
              const i = ((n * H + y) * W + x) * C + c;
              if (xs[i] > best || at < 0) {
                best = xs[i];
                at = i;
              }
            }
          }
          if (at >= 0) out[at] += gs[g0 + c];
        }
      }
    }
  }
  return dx;
}

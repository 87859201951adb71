/**
 * The SIMD filter-gradient kernel of `conv_filter_grad.wat`, instantiated on tfjs-wasm's own
 * memory (so it reads x and dy and writes dW in place, no copies). Used by the wasm
 * `Conv2DBackpropFilter` (conv_backprop_filter.ts) for NHWC convs with Cin % 4 == 0 and
 * Cout % 8 == 0; {@link simdFilterGrad} returns false where it cannot run (the caller then
 * takes its general path).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { heapBuffer, heapOffset, onHeap } from "./on_heap.ts";
import { CONV_FILTER_GRAD_WASM } from "./conv_filter_grad_wasm.ts";

type DwFn = (...args: number[]) => void;

let calls = 0;

/** How many filter gradients the SIMD kernel has computed in this process (tests). */
export function simdFilterGradCalls(): number {
  return calls;
}

/** Whether the SIMD kernel takes these channel counts. */
export function simdFilterGradFits(cin: number, cout: number): boolean {
  return cin % 4 === 0 && cout % 8 === 0;
}

/** Bytes of x + dy per image chunk the kernel keeps in cache. */
const CHUNK_BYTES = 256 * 1024;

/**
 * dW (already allocated, [kh, kw, Cin, Cout], zeroed here) of an NHWC conv with stride
 * (sh, sw), top/left padding (pt, pl), no dilation. False when the kernel cannot run.
 */
export function simdFilterGrad(
  backend: unknown,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  out: tf.TensorInfo,
  p: { kh: number; kw: number; sh: number; sw: number; pt: number; pl: number },
): boolean {
  const [N, H, W, Cin] = x.shape;
  const [, Ho, Wo, Cout] = dy.shape;
  if (!simdFilterGradFits(Cin, Cout)) return false;
  const ex = onHeap("conv_filter_grad", CONV_FILTER_GRAD_WASM, backend);
  if (!ex) return false;
  const oo = heapOffset(backend, out);
  new Float32Array(heapBuffer(backend), oo, p.kh * p.kw * Cin * Cout).fill(0);
  const perImage = (H * W * Cin + Ho * Wo * Cout) * 4;
  const chunk = Math.max(1, Math.floor(CHUNK_BYTES / perImage));
  (ex.dw as DwFn)(
    heapOffset(backend, x),
    heapOffset(backend, dy),
    oo,
    N,
    H,
    W,
    Cin,
    Ho,
    Wo,
    Cout,
    p.kh,
    p.kw,
    p.sh,
    p.sw,
    p.pt,
    p.pl,
    chunk,
  );
  calls++;
  return true;
}

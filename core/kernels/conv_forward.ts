/**
 * Conv2D on wasm through the SIMD kernel of `conv_forward.wat` (direct NHWC convolution,
 * fused multiply-add) where it applies: float32 NHWC, no dilation, Cout % 8 == 0. The input
 * is copied into a zero-padded buffer only when the padding (or the kernel's 4-column
 * blocks) needs it. Every other case — and engines without relaxed SIMD — keeps tfjs-wasm's
 * XNNPACK kernel. The input gradient of a stride-1 conv (a forward conv with the rotated
 * filter, conv_backprop_input.ts) goes through here too.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { heapBuffer, heapOffset, onHeap } from "./on_heap.ts";
import type { WasmBackend } from "./wasm_backend.ts";
import { CONV_FORWARD_WASM } from "./conv_forward_wasm.ts";

type ConvFn = (...args: number[]) => void;

let calls = 0;

/** How many convolutions the SIMD kernel has computed in this process (tests). */
export function simdConvCalls(): number {
  return calls;
}

/** y = conv(x, filter) by the SIMD kernel, or null where it does not apply. */
export function simdConv2d(args: KernelArgs): tf.TensorInfo | null {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DAttrs;
  const fmt = attrs.dataFormat as string | undefined;
  if (fmt !== undefined && fmt !== "NHWC" && fmt !== "channelsLast") return null;
  if (x.dtype !== "float32" || filter.dtype !== "float32") return null;
  const [KH, KW, Cin, Cout] = filter.shape;
  if (Cout % 8 !== 0) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const { top: pt, left: pl, bottom: pb, right: pr } = info.padInfo;
  if (pt < 0 || pl < 0 || pb < 0 || pr < 0) return null;
  const ex = onHeap("conv_forward", CONV_FORWARD_WASM, args.backend);
  if (!ex) return null;
  const b = args.backend as WasmBackend;
  const [N, H, W] = x.shape;
  const { outHeight: Ho, outWidth: Wo, strideHeight: sh, strideWidth: sw } = info;
  const need = (Math.ceil(Wo / 4) * 4 - 1) * sw + KW;
  const Hp = H + pt + pb;
  const Wp = Math.max(W + pl + pr, need);
  let src = x;
  if (pt > 0 || pl > 0 || pb > 0 || Wp !== W) {
    src = b.makeOutput([N, Hp, Wp, Cin], "float32");
    const buf = heapBuffer(b);
    const from = new Float32Array(buf, heapOffset(b, x), N * H * W * Cin);
    const to = new Float32Array(buf, heapOffset(b, src), N * Hp * Wp * Cin);
    to.fill(0);
    const row = W * Cin;
    for (let n = 0; n < N; n++) {
      for (let h = 0; h < H; h++) {
        const s0 = (n * H + h) * row;
        to.set(from.subarray(s0, s0 + row), ((n * Hp + h + pt) * Wp + pl) * Cin);
      }
    }
  }
  const y = b.makeOutput([N, Ho, Wo, Cout], "float32");
  (ex.conv as ConvFn)(
    heapOffset(b, src),
    heapOffset(b, filter),
    heapOffset(b, y),
    N,
    Hp,
    Wp,
    Cin,
    Ho,
    Wo,
    Cout,
    KH,
    KW,
    sh,
    sw,
  );
  if (src !== x) b.disposeData(src.dataId);
  calls++;
  return y;
}

let registered = false;

/** Puts the SIMD path in front of wasm's `Conv2D` (idempotent). */
export function registerConvKernels(): void {
  if (registered) return;
  registered = true;
  const original = tf.getKernel("Conv2D", "wasm");
  if (!original) return;
  const fallback = original.kernelFunc as unknown as AnyKernelFunc;
  tf.unregisterKernel("Conv2D", "wasm");
  tf.registerKernel({
    kernelName: "Conv2D",
    backendName: "wasm",
    setupFunc: original.setupFunc,
    kernelFunc: ((args: KernelArgs) => simdConv2d(args) ?? fallback(args)) as unknown as tf.KernelFunc,
  });
}

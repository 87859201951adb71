/**
 * `Conv2DBackpropFilter` on wasm, which tfjs-backend-wasm 4.22 does not ship. Where
 * Cin % 4 == 0 and Cout % 8 == 0, the SIMD kernel of `conv_filter_grad.wat` (direct on NHWC,
 * no copies; conv_filter_grad.ts). Otherwise the batch becomes the channel axis: x is copied
 * (in JS, padded and cropped in the same pass) to [Cin, Hp, Wp, B], dy to [H', W', B, Cout];
 * a forward conv of the first with the second as filter and dilation = stride gives
 * [Cin, kh, kw, Cout], which is reordered to [kh, kw, Cin, Cout]. Other data formats go to
 * `fallback` (the cpu kernel).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import type { WasmBackend } from "./wasm_backend.ts";
import { nhwcConvInfo, wasmConv2d } from "./conv_nhwc.ts";
import { simdFilterGrad } from "./conv_filter_grad.ts";

/** Floats of dy per filter-gradient chunk (see conv2dBackpropFilter). */
let CHUNK_FLOATS = 65536;

/** Sets the filter-gradient chunk size in floats of dy (tuning and tests). */
export function setFilterGradChunk(floats: number): void {
  CHUNK_FLOATS = Math.max(1, Math.floor(floats));
}

/** dW for an NHWC conv via dilated forward convs with the batch as channels, by image chunks. */
export function conv2dBackpropFilter(args: KernelArgs, fallback: AnyKernelFunc): tf.TensorInfo {
  const b = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = nhwcConvInfo(x.shape, attrs.filterShape, attrs);
  if (!info) return fallback(args) as tf.TensorInfo;
  const [B, H, W, Cin] = x.shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const Cout = info.outChannels;
  const Ho = info.outHeight, Wo = info.outWidth;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const Hp = (Ho - 1) * sh + kh, Wp = (Wo - 1) * sw + kw;

  if (info.dilationHeight === 1 && info.dilationWidth === 1) {
    const out = b.makeOutput([kh, kw, Cin, Cout], "float32");
    if (simdFilterGrad(b, x, dy, out, { kh, kw, sh, sw, pt, pl })) return out;
    b.disposeData(out.dataId);
  }
  const K = kh * kw;
  const acc = new Float32Array(Cin * K * Cout);
  // The conv below is a GEMM with inner dimension (images × Ho × Wo) whose packed "filter"
  // (dy) is streamed once per block of output rows: a chunk of images whose dy fits in cache
  // (≈ 256 KB) keeps that stream in cache. Each chunk gets fresh tensors: XNNPACK caches
  // operators (and their packed filters) by filter tensor.
  const bc = Math.max(1, Math.min(B, Math.floor(CHUNK_FLOATS / (Ho * Wo * Cout))));
  for (let n0 = 0; n0 < B; n0 += bc) {
    const nb = Math.min(bc, B - n0);
    const xt = b.makeOutput([Cin, Hp, Wp, nb], "float32");
    const dyt = b.makeOutput([Ho, Wo, nb, Cout], "float32");
    {
      // Views are taken after every allocation: heap growth detaches older views.
      const xs = b.typedArrayFromHeap(x) as Float32Array;
      const xd = b.typedArrayFromHeap(xt) as Float32Array;
      const covers = pt === 0 && pl === 0 && Hp <= H && Wp <= W;
      if (!covers) xd.fill(0);
      const plane = Hp * Wp * nb;
      const r0 = Math.max(0, -pt), r1 = Math.min(H, Hp - pt);
      const c0 = Math.max(0, -pl), c1 = Math.min(W, Wp - pl);
      for (let n = 0; n < nb; n++) {
        for (let r = r0; r < r1; r++) {
          for (let q = c0; q < c1; q++) {
            const s0 = (((n0 + n) * H + r) * W + q) * Cin;
            let d = ((r + pt) * Wp + (q + pl)) * nb + n;
            for (let ci = 0; ci < Cin; ci++, d += plane) xd[d] = xs[s0 + ci];
          }
        }
      }
      const ys = b.typedArrayFromHeap(dy) as Float32Array;
      const yd = b.typedArrayFromHeap(dyt) as Float32Array;
      const P = Ho * Wo;
      for (let n = 0; n < nb; n++) {
        for (let p = 0; p < P; p++) {
          const s0 = ((n0 + n) * P + p) * Cout, d0 = (p * nb + n) * Cout;
          for (let co = 0; co < Cout; co++) yd[d0 + co] = ys[s0 + co];
        }
      }
    }
    const g = wasmConv2d(b, xt, dyt, { pad: "valid", dilations: [sh, sw] });
    b.disposeData(xt.dataId);
    b.disposeData(dyt.dataId);
    const gs = b.typedArrayFromHeap(g) as Float32Array;
    for (let i = 0; i < acc.length; i++) acc[i] += gs[i];
    b.disposeData(g.dataId);
  }
  // acc: [Cin, kh, kw, Cout] → dW: [kh, kw, Cin, Cout].
  const out = b.makeOutput([kh, kw, Cin, Cout], "float32");
  const od = b.typedArrayFromHeap(out) as Float32Array;
  for (let ci = 0; ci < Cin; ci++) {
    for (let t = 0; t < K; t++) {
      const s0 = (ci * K + t) * Cout;
      od.set(acc.subarray(s0, s0 + Cout), (t * Cin + ci) * Cout);
    }
  }
  return out;
}

/**
 * `Conv2DBackpropInput` on wasm by sub-pixel decomposition (the shipped kernel runs at
 * ≈ 3 GFLOP/s against ≈ 22 for a forward conv). For stride s the input gradient splits into
 * s² phases; each phase is a *forward* conv of dy with a rotated, channel-swapped slice of
 * the filter (stride 1: one phase, the whole filter rotated 180°), run by the wasm Conv2D
 * kernel (conv_forward.ts where it applies, else XNNPACK); the phases are interleaved into dx
 * in JS. No zero-stuffing, so no wasted multiply-adds. Other data formats and phase plans it
 * cannot make go to `fallback` (the shipped kernel).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import type { WasmBackend } from "./wasm_backend.ts";
import { nhwcConvInfo, wasmConv2d } from "./conv_nhwc.ts";

/** One spatial axis of the input-gradient phase plan (see module doc). */
interface Phase {
  /** Residue of (i + padBefore) mod stride. */
  r: number;
  /** Sub-filter taps. */
  m: number;
  /** First/last phase position q; the rows of dx are i = q·s + r − padBefore. */
  q0: number;
  n: number;
  /** Padding of dy before/after for the phase conv (may be negative after: cropped later). */
  before: number;
  after: number;
}

function phases(inSize: number, outSize: number, k: number, s: number, padBefore: number): Phase[] | null {
  const out: Phase[] = [];
  for (let r = 0; r < s; r++) {
    const m = r < k ? Math.ceil((k - r) / s) : 0;
    const q0 = Math.ceil((padBefore - r) / s);
    const q1 = Math.floor((inSize - 1 + padBefore - r) / s);
    const n = q1 - q0 + 1;
    const before = m - 1 - q0;
    if (m > 0 && n > 0 && before < 0) return null;
    out.push({ r, m, q0, n, before, after: q1 + 1 - outSize });
  }
  return out;
}

/** dx for a stride-s NHWC conv via s² forward convs (see module doc). */
export function conv2dBackpropInput(args: KernelArgs, fallback: AnyKernelFunc): tf.TensorInfo {
  const b = args.backend as WasmBackend;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = nhwcConvInfo(attrs.inputShape, filter.shape, attrs);
  if (!info) return fallback(args) as tf.TensorInfo;
  const [B, H, W, Cin] = attrs.inputShape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const Cout = info.outChannels;
  const Ho = dy.shape[1], Wo = dy.shape[2];
  const ph = phases(H, Ho, kh, sh, info.padInfo.top);
  const pw = phases(W, Wo, kw, sw, info.padInfo.left);
  if (!ph || !pw) return fallback(args) as tf.TensorInfo;

  const w = b.readSync(filter.dataId) as Float32Array;
  const direct = sh === 1 && sw === 1 && ph[0].after >= 0 && pw[0].after >= 0;
  let dx: tf.TensorInfo | null = null;
  const full = ph.every((p) => p.m > 0 && p.n > 0) && pw.every((p) => p.m > 0 && p.n > 0);
  for (const a of ph) {
    for (const c of pw) {
      if (a.m === 0 || a.n === 0 || c.m === 0 || c.n === 0) continue;
      // Sub-filter F[mh, mw, co, ci] = W[a.r + sh(a.m−1−mh), c.r + sw(c.m−1−mw), ci, co].
      const sub = new Float32Array(a.m * c.m * Cout * Cin);
      let o = 0;
      for (let mh = 0; mh < a.m; mh++) {
        const fh = a.r + sh * (a.m - 1 - mh);
        for (let mw = 0; mw < c.m; mw++) {
          const fw = c.r + sw * (c.m - 1 - mw);
          const base = (fh * kw + fw) * Cin * Cout;
          for (let co = 0; co < Cout; co++) {
            for (let ci = 0; ci < Cin; ci++) sub[o++] = w[base + ci * Cout + co];
          }
        }
      }
      const f = b.makeOutput([a.m, c.m, Cout, Cin], "float32", undefined, sub);
      const pad = [[0, 0], [a.before, Math.max(0, a.after)], [c.before, Math.max(0, c.after)], [0, 0]];
      const y = wasmConv2d(b, dy, f, { pad });
      b.disposeData(f.dataId);
      if (direct) return y;
      if (!dx) {
        dx = b.makeOutput([B, H, W, Cin], "float32");
        if (!full) (b.typedArrayFromHeap(dx) as Float32Array).fill(0);
      }
      const src = b.typedArrayFromHeap(y) as Float32Array;
      const dst = b.typedArrayFromHeap(dx) as Float32Array;
      const yh = y.shape[1], yw = y.shape[2];
      for (let n = 0; n < B; n++) {
        for (let j = 0; j < a.n; j++) {
          const i = (a.q0 + j) * sh + a.r - info.padInfo.top;
          for (let l = 0; l < c.n; l++) {
            const ii = (c.q0 + l) * sw + c.r - info.padInfo.left;
            const s0 = ((n * yh + j) * yw + l) * Cin;
            const d0 = ((n * H + i) * W + ii) * Cin;
            for (let ci = 0; ci < Cin; ci++) dst[d0 + ci] = src[s0 + ci];
          }
        }
      }
      b.disposeData(y.dataId);
    }
  }
  if (!dx) {
    dx = b.makeOutput([B, H, W, Cin], "float32");
    (b.typedArrayFromHeap(dx) as Float32Array).fill(0);
  }
  return dx;
}

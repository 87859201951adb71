/**
 * Gradient kernels for the wasm backend, so that conv nets train on it.
 *
 * tfjs-backend-wasm 4.22 ships no `Conv2DBackpropFilter`, no depthwise gradient kernels and no
 * `UnsortedSegmentSum` (the gradient of `gather`), and its `Conv2DBackpropInput` is slow
 * (≈ 3 GFLOP/s against ≈ 22 for a forward conv). {@link registerWasmGradients} registers:
 *
 * - `Conv2DBackpropInput`: sub-pixel decomposition. For stride s the input gradient splits
 *   into s² phases; each phase is a *forward* conv of dy with a rotated, channel-swapped
 *   slice of the filter (stride 1: one phase, the whole filter rotated 180°), run by the
 *   wasm (XNNPACK) Conv2D kernel; the phases are interleaved into dx in JS. No zero-stuffing,
 *   so no wasted multiply-adds.
 * - `Conv2DBackpropFilter`: where Cin % 4 == 0 and Cout % 8 == 0, the SIMD kernel of
 *   `kernels/conv_filter_grad.wat` (direct on NHWC, no copies). Otherwise the batch becomes
 *   the channel axis. x is copied (in JS, padded
 *   and cropped in the same pass) to [Cin, Hp, Wp, B], dy to [H', W', B, Cout]; a forward
 *   conv of the first with the second as filter and dilation = stride gives [Cin, kh, kw, Cout],
 *   which is reordered to [kh, kw, Cin, Cout].
 * - `MaxPoolGrad`: in JS, because the shipped one is wrong next to "same" padding when a
 *   window's values are all negative.
 * - Kernels missing on wasm that the suite may reach (`UnsortedSegmentSum`, depthwise
 *   gradients, `Einsum`): run on the cpu backend's kernel, with the data copied across.
 *
 * - From `core/kernels/`: `Conv2D` through a SIMD direct-convolution kernel where
 *   Cout % 8 == 0 (so stride-1 input gradients use it too), faster copies (`Slice`, `Tile`;
 *   `Identity` and same-dtype `Cast` share memory), `BatchMatMul` with transpose flags via
 *   one blocked transpose, and the fused training batch-norm kernels.
 *
 * Cases outside the fast paths (NCHW, dilation) fall back to the original wasm kernel (input
 * gradient) or the cpu kernel (filter gradient). Every path is tested against the cpu backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./kernels/replace.ts";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { registerCopyKernels } from "./kernels/copy.ts";
import { registerSelectKernels, SELECT_KERNELS } from "./kernels/select.ts";
import { registerBatchNormKernels } from "./kernels/batch_norm.ts";
import { registerMatMulKernels } from "./kernels/matmul.ts";
import { simdFilterGrad } from "./kernels/conv_filter_grad.ts";
import { registerConvKernels } from "./kernels/conv_forward.ts";

/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackend {
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.TypedArray,
  ): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): tf.TypedArray;
}

/** The parts of tfjs-backend-cpu's backend the borrowing kernels use. */
interface CpuBackend {
  write(values: tf.TypedArray, shape: number[], dtype: tf.DataType): object;
  readSync(dataId: object): tf.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

const BORROWED = [
  "UnsortedSegmentSum",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
  "Einsum",
] as const;

function kernelFunc(name: string, backend: string): AnyKernelFunc {
  const k = tf.getKernel(name, backend);
  if (!k) throw new Error(`tfjs kernel ${name} is not registered for ${backend}`);
  return k.kernelFunc as unknown as AnyKernelFunc;
}

function wasmConv2d(b: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, opts: {
  pad: "valid" | number[][];
  dilations?: [number, number];
}): tf.TensorInfo {
  return kernelFunc("Conv2D", "wasm")({
    inputs: { x, filter },
    backend: b,
    attrs: {
      strides: [1, 1],
      pad: opts.pad as unknown as tf.NamedAttrMap[string],
      dilations: opts.dilations ?? [1, 1],
      dataFormat: "NHWC",
      dimRoundingMode: undefined as unknown as string,
    },
  }) as tf.TensorInfo;
}

function isChannelsLast(format: unknown): boolean {
  return format === undefined || format === null || format === "NHWC" || format === "channelsLast";
}

/**
 * The conv geometry a conv-gradient kernel works on (dilation 1, channels-last), or null when
 * the attrs ask for another data format (the caller then falls back).
 */
function nhwcConvInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<tf.Conv2DBackpropInputAttrs, "dataFormat" | "strides" | "pad" | "dimRoundingMode">,
): tf.backend_util.Conv2DInfo | null {
  if (!isChannelsLast(attrs.dataFormat)) return null;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}

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
function conv2dBackpropInput(args: KernelArgs, fallback: AnyKernelFunc): tf.TensorInfo {
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

/** Floats of dy per filter-gradient chunk (see conv2dBackpropFilter). */
let CHUNK_FLOATS = 65536;

/** Sets the filter-gradient chunk size in floats of dy (tuning and tests). */
export function setFilterGradChunk(floats: number): void {
  CHUNK_FLOATS = Math.max(1, Math.floor(floats));
}

/** dW for an NHWC conv via dilated forward convs with the batch as channels, by image chunks. */
function conv2dBackpropFilter(args: KernelArgs, fallback: AnyKernelFunc): tf.TensorInfo {
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

/**
 * MaxPoolGrad in JS: tfjs-wasm 4.22's C++ kernel drops the gradient when every value of a
 * window that overlaps the "same" padding is negative (it compares against the padding).
 * Ties go to the first maximum in row-major window order, as on the cpu backend.
 */
function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
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

/** Runs the cpu backend's kernel `name` on copies of the inputs and returns wasm tensors. */
function borrowFromCpu(name: string): AnyKernelFunc {
  return (args) => {
    const wasm = args.backend as WasmBackend;
    const cpu = tf.engine().findBackend("cpu") as unknown as CpuBackend | null;
    if (!cpu) throw new Error(`${name} on wasm needs the cpu backend, which did not start`);
    const inputs: tf.NamedTensorInfoMap = {};
    const made: object[] = [];
    for (const [k, t] of Object.entries(args.inputs)) {
      if (!t) continue;
      const dataId = cpu.write(wasm.readSync(t.dataId).slice(), t.shape, t.dtype);
      made.push(dataId);
      inputs[k] = { dataId, shape: t.shape, dtype: t.dtype };
    }
    try {
      const res = kernelFunc(name, "cpu")({ inputs, backend: cpu, attrs: args.attrs });
      const list = Array.isArray(res) ? res : [res];
      const outs = list.map((r) => {
        const vals = cpu.readSync(r.dataId);
        cpu.disposeData(r.dataId);
        return wasm.makeOutput(r.shape, r.dtype, undefined, vals);
      });
      return Array.isArray(res) ? outs : outs[0];
    } finally {
      for (const id of made) cpu.disposeData(id);
    }
  };
}

let registered = false;

/**
 * Registers the wasm gradient kernels described in the module doc. Idempotent; call it
 * before or after the wasm backend starts.
 */
export function registerWasmGradients(): void {
  if (registered) return;
  registered = true;
  registerCopyKernels();
  registerSelectKernels();
  registerBatchNormKernels();
  registerMatMulKernels();
  registerConvKernels();
  const originalInput = tf.getKernel("Conv2DBackpropInput", "wasm");
  const inputFallback: AnyKernelFunc = originalInput
    ? originalInput.kernelFunc as unknown as AnyKernelFunc
    : borrowFromCpu("Conv2DBackpropInput");
  if (originalInput) tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    setupFunc: originalInput?.setupFunc,
    kernelFunc: ((a: KernelArgs) => conv2dBackpropInput(a, inputFallback)) as unknown as tf.KernelFunc,
  });
  const filterFallback = borrowFromCpu("Conv2DBackpropFilter");
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ((a: KernelArgs) => conv2dBackpropFilter(a, filterFallback)) as unknown as tf.KernelFunc,
  });
  if (tf.getKernel("MaxPoolGrad", "wasm")) tf.unregisterKernel("MaxPoolGrad", "wasm");
  tf.registerKernel({
    kernelName: "MaxPoolGrad",
    backendName: "wasm",
    kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
  });
  for (const name of BORROWED) {
    if (tf.getKernel(name, "wasm")) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      kernelFunc: borrowFromCpu(name) as unknown as tf.KernelFunc,
    });
  }
}

/** The kernels {@link registerWasmGradients} adds or replaces on wasm (for the doctor). */
export const WASM_GRADIENT_KERNELS: readonly string[] = [
  "Conv2DBackpropInput",
  "Conv2DBackpropFilter",
  "MaxPoolGrad",
  "Slice",
  "Tile",
  "Identity",
  "Cast",
  "BatchMatMul",
  ...SELECT_KERNELS,
  ...BORROWED,
];

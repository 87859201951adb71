/**
 * The kernels the `native` backend runs in oneDNN instead of wasm: `Conv2D`,
 * `Conv2DBackpropInput`, `Conv2DBackpropFilter` (oneDNN convolutions on NHWC/HWIO, the
 * layouts tfjs keeps, so no reorders) and `BatchMatMul` with any transpose (`dnnl_sgemm`).
 * They read and write the tensors where they live, in the backend's wasm heap: a tensor is a
 * `Float32Array` view of the heap at its offset, passed to C without a copy. Views are taken
 * after the output is allocated (an allocation can grow the heap and detach older views).
 *
 * A case the kernel does not take (another data format or dtype, a shape oneDNN refuses, an
 * empty tensor, a batch broadcast it does not do) runs the wasm kernel instead and is counted
 * ({@link nativeKernelCounts}), so the perf report can show how much work left the native path.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "../kernels/replace.ts";
import type { NativeMemory } from "./backend.ts";
import { Host } from "../kernels/host.ts";
import { reduceBlock } from "../kernels/reduce_block.ts";
import { padKernel, sliceKernel, tileKernel } from "../kernels/copy.ts";
import { splitV } from "../kernels/split.ts";
import { concat } from "../kernels/concat.ts";
import { transpose } from "../kernels/transpose.ts";
import { gatherV2 } from "../kernels/gather.ts";
import { topK } from "../kernels/topk.ts";
import { HOST_UNARY_OPS, unaryHost } from "../kernels/unary_host.ts";
import { BN_APPLY, BN_GRAD, BN_TRAIN } from "../kernels/batch_norm.ts";
import { RELU_GRAD } from "../kernels/relu_grad.ts";
import {
  type BnArrays,
  type BnPass,
  type ConvGeometry,
  type ConvPass,
  type Dnnl,
  ELT_MAX_RANK,
  type EltOp,
} from "./dnnl.ts";

/** Calls per kernel: run natively, or handed to the wasm kernel. */
export interface NativeKernelCount {
  native: number;
  fallback: number;
}

const counts = new Map<string, NativeKernelCount>();

function count(name: string, native: boolean): void {
  let c = counts.get(name);
  if (!c) counts.set(name, c = { native: 0, fallback: 0 });
  if (native) c.native++;
  else c.fallback++;
}

/** Native and fallback calls per kernel since the process started (or the last reset). */
export function nativeKernelCounts(): Record<string, NativeKernelCount> {
  return Object.fromEntries([...counts].map(([k, v]) => [k, { ...v }]));
}

/** Clears {@link nativeKernelCounts}. */
export function resetNativeKernelCounts(): void {
  counts.clear();
}

function host(backend: unknown): Host {
  return new Host("native", backend);
}

function channelsLast(format: unknown): boolean {
  return format === undefined || format === null || format === "NHWC" || format === "channelsLast";
}

function geometry(info: tf.backend_util.Conv2DInfo): ConvGeometry | null {
  const g: ConvGeometry = {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    cin: info.inChannels,
    ho: info.outHeight,
    wo: info.outWidth,
    cout: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
  };
  const sizes = [g.n, g.h, g.w, g.cin, g.ho, g.wo, g.cout, g.kh, g.kw];
  if (sizes.some((v) => v < 1) || g.pt < 0 || g.pl < 0) return null;
  return g;
}

/** Runs `pass` into a new tensor of `outShape`, or null (nothing allocated) when oneDNN refuses. */
function runConv(
  dnnl: Dnnl,
  backend: unknown,
  pass: ConvPass,
  g: ConvGeometry,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  outShape: number[],
): tf.TensorInfo | null {
  const h = host(backend);
  const out = h.alloc(outShape);
  let ok = false;
  try {
    const vs = h.floats(a, b, out);
    ok = vs !== null && dnnl.conv(pass, g, vs[0], vs[1], vs[2]);
  } finally {
    if (!ok) h.discard(out);
  }
  return ok ? out : null;
}

/** What one convolution kernel hands oneDNN: its two operands, the conv's shapes, and its output shape. */
interface ConvCall {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  xShape: number[];
  wShape: number[];
  dilations: number | [number, number];
  /** The output shape, from the geometry; null when `dy` does not fit it. */
  out: (g: ConvGeometry) => number[] | null;
}

/**
 * A convolution kernel (forward or one of its gradients) run by oneDNN: float32 NHWC only;
 * anything else, or a geometry oneDNN refuses, goes to the wasm kernel, counted.
 */
function convKernel(name: string, pass: ConvPass, call: (args: KernelArgs) => ConvCall) {
  return (dnnl: Dnnl, fallback: AnyKernelFunc): AnyKernelFunc => (args: KernelArgs) => {
    const attrs = args.attrs as unknown as tf.Conv2DAttrs;
    const c = call(args);
    if (channelsLast(attrs.dataFormat) && c.a.dtype === "float32" && c.b.dtype === "float32") {
      const info = tf.backend_util.computeConv2DInfo(
        c.xShape as [number, number, number, number],
        c.wShape as [number, number, number, number],
        attrs.strides,
        c.dilations,
        attrs.pad,
        attrs.dimRoundingMode,
        false,
        "channelsLast",
      );
      const g = geometry(info);
      const outShape = g && c.out(g);
      const y = outShape && runConv(dnnl, args.backend, pass, g, c.a, c.b, outShape);
      if (y) {
        count(name, true);
        return y;
      }
    }
    count(name, false);
    return fallback(args);
  };
}

/** Whether the incoming gradient `dy` has the geometry's output size. */
function fits(dy: tf.TensorInfo, g: ConvGeometry): boolean {
  return dy.shape[1] === g.ho && dy.shape[2] === g.wo;
}

const conv2d = convKernel("Conv2D", "forward", (args) => {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DAttrs;
  return {
    a: x,
    b: filter,
    xShape: x.shape,
    wShape: filter.shape,
    dilations: attrs.dilations ?? 1,
    out: (g) => [g.n, g.ho, g.wo, g.cout],
  };
});

const conv2dBackpropInput = convKernel("Conv2DBackpropInput", "backward_data", (args) => {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  return {
    a: dy,
    b: filter,
    xShape: [...attrs.inputShape],
    wShape: filter.shape,
    dilations: 1,
    out: (g) => fits(dy, g) ? [...attrs.inputShape] : null,
  };
});

const conv2dBackpropFilter = convKernel("Conv2DBackpropFilter", "backward_weights", (args) => {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  return {
    a: x,
    b: dy,
    xShape: x.shape,
    wShape: [...attrs.filterShape],
    dilations: 1,
    out: (g) => fits(dy, g) ? [...attrs.filterShape] : null,
  };
});

/** a·b over the last two axes (either transposed), batches equal or one side shared; else null. */
function matmul(dnnl: Dnnl, args: KernelArgs): tf.TensorInfo | null {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const [ar, ac] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [br, bc] = [b.shape[rb - 2], b.shape[rb - 1]];
  const M = transposeA ? ac : ar, K = transposeA ? ar : ac;
  const N = transposeB ? br : bc, Kb = transposeB ? bc : br;
  if (K !== Kb || M < 1 || N < 1 || K < 1) return null;
  const aLead = a.shape.slice(0, -2), bLead = b.shape.slice(0, -2);
  const aBatch = tf.util.sizeFromShape(aLead), bBatch = tf.util.sizeFromShape(bLead);
  let lead: number[];
  try {
    lead = tf.backend_util.assertAndGetBroadcastShape(aLead, bLead);
  } catch {
    return null;
  }
  const batch = tf.util.sizeFromShape(lead);
  // Equal batches, or one side shared by every batch; other broadcasts go to the wasm kernel.
  if (!((aBatch === batch || aBatch === 1) && (bBatch === batch || bBatch === 1))) return null;
  if (batch < 1) return null;
  const h = host(args.backend);
  const out = h.alloc([...lead, M, N]);
  const vs = h.floats(a, b, out);
  if (!vs) {
    h.discard(out);
    return null;
  }
  const [av, bv, cv] = vs;
  const lda = ac, ldb = bc;
  if (bBatch === 1 && aBatch === batch && !transposeA) {
    // Every batch of a against one b: one tall product.
    dnnl.sgemm(false, !!transposeB, batch * M, N, K, 1, av, lda, bv, ldb, 0, cv, N);
  } else {
    const sa = ar * ac, sb = br * bc, sc = M * N;
    for (let i = 0; i < batch; i++) {
      const ai = aBatch === 1 ? 0 : i, bi = bBatch === 1 ? 0 : i;
      dnnl.sgemm(
        !!transposeA,
        !!transposeB,
        M,
        N,
        K,
        1,
        av.subarray(ai * sa, (ai + 1) * sa),
        lda,
        bv.subarray(bi * sb, (bi + 1) * sb),
        ldb,
        0,
        cv.subarray(i * sc, (i + 1) * sc),
        N,
      );
    }
  }
  return out;
}

function batchMatMul(dnnl: Dnnl, fallback: AnyKernelFunc): AnyKernelFunc {
  return (args: KernelArgs) => {
    const y = matmul(dnnl, args);
    count("BatchMatMul", y !== null);
    return y ?? fallback(args);
  };
}

/** Per-channel constant arrays (γ = 1, β = 0 where a layer has none), by C. */
const constants = new Map<string, Float32Array>();

function filled(c: number, v: number): Float32Array {
  const key = `${c}|${v}`;
  let a = constants.get(key);
  if (!a) constants.set(key, a = new Float32Array(c).fill(v));
  return a;
}

/**
 * The fewest positions (rows of x seen as [M, C]) whose training statistics oneDNN computes
 * (`BN_TRAIN` as one primitive, multi-threaded, float32 sums); fewer go to the host kernel's
 * float64 sums. oneDNN's statistics over a projector's batch of a few rows moved SimSiam's and
 * Barlow Twins' second-step losses by 0.3–10% against wasm's (tests/methods/native_train_test.ts),
 * and at 4,096 the small test models' 1- and 2-thread losses parted by 1.5e-3 in five steps (its
 * float32 sums are split by thread); over a convolution's N·H·W positions they agree with cpu to
 * float32 rounding (tests/core/native_batch_norm_test.ts). Saves ≈ 40% of the forward batch norm
 * of those layers (one pass fewer, on every thread).
 */
export const BN_TRAIN_MIN_ROWS = 16384;

/**
 * A batch-norm kernel of `core/kernels/batch_norm.ts` (same inputs, attributes and outputs)
 * run by oneDNN's batch_normalization primitive; other dtypes and empty tensors go to the
 * host kernel.
 */
function batchNorm(pass: BnPass, name: string) {
  return (dnnl: Dnnl, fallback: AnyKernelFunc): AnyKernelFunc => (args: KernelArgs) => {
    const inputs = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const x = inputs.x!;
    const C = x.shape[x.shape.length - 1];
    // G independent batches along axis 0 (a step's views encoded together), each with its
    // own statistics: one oneDNN call per group on its contiguous slab.
    const G = (args.attrs as { groups?: number }).groups ?? 1;
    const M = C > 0 ? tf.util.sizeFromShape(x.shape) / C : 0;
    const Mg = M / G;
    // Statistics from oneDNN only over many positions (a convolution's output), see BN_TRAIN_MIN_ROWS.
    if (pass === "train" && Mg < BN_TRAIN_MIN_ROWS) return fallback(args);
    const ok = Mg >= 1 && C >= 1 && Number.isInteger(Mg) &&
      Object.values(inputs).every((t) => !t || t.dtype === "float32");
    if (ok) {
      const h = host(args.backend);
      const eps = pass === "stats" ? 0 : (args.attrs as { eps: number }).eps;
      const spatial = x.shape.length === 4 ? [x.shape[0] / G, x.shape[1], x.shape[2]] : [Mg, 1, 1];
      const stats = G === 1 ? [C] : [G, C];
      const outs = pass === "stats"
        ? [h.alloc(stats), h.alloc(stats)]
        : pass === "apply"
        ? [h.alloc([...x.shape])]
        : pass === "train"
        ? [h.alloc([...x.shape]), h.alloc(stats), h.alloc(stats)]
        : [h.alloc([...x.shape]), h.alloc([C]), h.alloc([C])];
      const outNames = pass === "stats"
        ? ["mean", "variance"]
        : pass === "apply"
        ? ["y"]
        : pass === "train"
        ? ["y", "mean", "variance"]
        : ["dx", "dgamma", "dbeta"];
      // Views after every allocation (an allocation can grow the heap).
      const whole: BnArrays = {};
      const named = [...Object.entries(inputs).filter(([, t]) => t), ...outNames.map((k, i) => [k, outs[i]])];
      const vs = h.floats(...named.map(([, t]) => t as tf.TensorInfo));
      named.forEach(([k], i) => vs && (whole[k as string] = vs[i]));
      if (pass !== "stats") whole.gamma ??= filled(C, 1);
      if (pass === "apply" || pass === "train") whole.beta ??= filled(C, 0);
      let done = vs !== null;
      try {
        // dγ and dβ are summed over the groups.
        const sums = pass === "backward" && G > 1
          ? { dgamma: new Float32Array(C), dbeta: new Float32Array(C) }
          : null;
        for (let g = 0; g < G && done; g++) {
          const arrays: BnArrays = {};
          for (const [k, a] of Object.entries(whole)) {
            const len = k === "x" || k === "y" || k === "dy" || k === "dx"
              ? Mg * C
              : k === "mean" || k === "variance"
              ? C
              : 0;
            arrays[k] = len === 0 || G === 1 ? a : a.subarray(g * len, (g + 1) * len);
          }
          if (sums) {
            arrays.dgamma = g === 0 ? whole.dgamma : sums.dgamma;
            arrays.dbeta = g === 0 ? whole.dbeta : sums.dbeta;
          }
          done = dnnl.batchNorm(pass, spatial, C, eps, arrays);
          if (sums && g > 0) {
            for (let c = 0; c < C; c++) {
              whole.dgamma[c] += sums.dgamma[c];
              whole.dbeta[c] += sums.dbeta[c];
            }
          }
        }
      } catch (e) {
        done = false;
        throw e;
      } finally {
        if (!done) h.discard(...outs);
      }
      if (done) {
        count(name, true);
        return pass === "apply" ? outs[0] : outs;
      }
    }
    count(name, false);
    return fallback(args);
  };
}

/**
 * Element-wise kernels below this many outputs stay on the base backend: a oneDNN call costs
 * a few microseconds (FFI, argument setup, thread team), more than tfjs-wasm's SIMD loop on a
 * small array; tfjs-cpu's loops (broadcast index arithmetic per element) are slower than that
 * call from a few hundred elements on.
 */
export const ELT_MIN_SIZE: Record<NativeMemory, number> = { heap: 4096, host: 64 };

/** A kernel of typed-array backends for the host-memory tier; the heap tier keeps its base kernel. */
function hostOnly(make: (fallback: AnyKernelFunc) => AnyKernelFunc) {
  return (_dnnl: Dnnl, fallback: AnyKernelFunc, memory: NativeMemory): AnyKernelFunc =>
    memory === "host" ? make(fallback) : fallback;
}

/**
 * One of the suite's wasm copy kernels (`core/kernels/`) in host memory, where tfjs-cpu slices,
 * pads, splits and transposes by per-element index arithmetic (≈ 150 ns an element: 0.7 s of
 * Slice per AMCL SimSiam step at ResNet-18 ×1, b128). Only for tensors stored in their
 * dtype's own arrays (the kernels move 32-bit words); the rest goes to tfjs-cpu.
 */
function hostCopy(make: (fallback: AnyKernelFunc) => AnyKernelFunc) {
  return hostOnly((fallback) => {
    const kernel = make(fallback);
    return (args: KernelArgs) => {
      const inputs = Object.values(args.inputs).filter((t): t is tf.TensorInfo => t !== undefined);
      return host(args.backend).natural(...inputs) ? kernel(args) : fallback(args);
    };
  });
}

/**
 * `ZerosLike` of float32 in host memory from the pool (tfjs-cpu makes a fresh zeroed array:
 * fresh pages, faulted in by the first write).
 */
function zerosLike(fallback: AnyKernelFunc): AnyKernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== "float32") return fallback(args);
    const h = host(args.backend);
    const out = h.alloc([...x.shape]);
    h.view(out).fill(0);
    return out;
  };
}

/** A zero of each rank (the `b` of `Step`'s a > 0). */
const zero = new Float32Array(1);

/**
 * An element-wise kernel run by oneDNN: float32, rank ≤ 6, at least {@link ELT_MIN_SIZE}
 * outputs, and for binary ops one operand of the output's shape (the other broadcast, or for
 * `add`/`mul` either way round). The results are bit-identical to the base kernels' (each
 * output is one correctly rounded IEEE operation), except that `Step` of NaN is 0 here (NaN in
 * tfjs). Anything else goes to the base kernel, counted.
 */
function elementwise(name: string, op: EltOp | "square") {
  return (dnnl: Dnnl, fallback: AnyKernelFunc, memory: NativeMemory): AnyKernelFunc => (args: KernelArgs) => {
    if (memory === "host" && (op === "sub" || op === "div")) {
      const y = scalarFirst(op, args);
      if (y) return y;
    }
    const y = runElementwise(dnnl, op, args, ELT_MIN_SIZE[memory]);
    // Below the size threshold the base kernel is the choice, not a fall-back: not counted.
    if (y !== SMALL) count(name, y !== null);
    return y && y !== SMALL ? y : fallback(args);
  };
}

/**
 * `s − b` or `s / b` of a float32 scalar s (any rank of ones) and a float32 b in host memory,
 * which oneDNN has no form for (its broadcast operand is the second): a loop computing as
 * tfjs-cpu does (float64, stored as float32: the same bits), without tfjs-cpu's per-element
 * broadcast index arithmetic (≈ 30 ns an element). Null for anything else.
 */
function scalarFirst(op: "sub" | "div", args: KernelArgs): tf.TensorInfo | null {
  const { a, b } = args.inputs as Record<string, tf.TensorInfo>;
  if (a.dtype !== "float32" || b.dtype !== "float32" || tf.util.sizeFromShape(a.shape) !== 1) return null;
  if (a.shape.length > b.shape.length || b.shape.length === 0) return null;
  const h = host(args.backend);
  if (!h.natural(a, b)) return null;
  const out = h.alloc([...b.shape]);
  const [av, bv, ov] = h.views(a, b, out);
  const s = av[0], n = ov.length;
  if (op === "sub") { for (let i = 0; i < n; i++) ov[i] = s - bv[i]; }
  else for (let i = 0; i < n; i++) ov[i] = s / bv[i];
  return out;
}

/** What {@link runElementwise} returns for an op too small to hand to oneDNN. */
const SMALL = Symbol("small");

function runElementwise(
  dnnl: Dnnl,
  op: EltOp | "square",
  args: KernelArgs,
  minSize: number,
): tf.TensorInfo | null | typeof SMALL {
  const inputs = args.inputs as Record<string, tf.TensorInfo>;
  let a: tf.TensorInfo, b: tf.TensorInfo | null = null;
  if (op === "relu" || op === "exp" || op === "log" || op === "logistic") a = inputs.x;
  else if (op === "square") [a, b] = [inputs.x, inputs.x];
  else if (op === "relu_bwd") [a, b] = [inputs.x, inputs.dy];
  else if (op === "gt") {
    // Step(x) = x > 0 ? 1 : alpha: only alpha = 0 is a comparison.
    if ((args.attrs as { alpha?: number } | undefined)?.alpha) return null;
    a = inputs.x;
  } else [a, b] = [inputs.a, inputs.b];
  if (a.dtype !== "float32" || (b && b.dtype !== "float32")) return null;
  let shape = a.shape;
  let bShape: number[] | null = op === "gt" ? a.shape.map(() => 1) : null;
  if (b) {
    try {
      shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    } catch {
      return null;
    }
    const pad = (s: number[]) => [...new Array(shape.length - s.length).fill(1), ...s];
    const same = (s: number[]) => s.length === shape.length && s.every((d, i) => d === shape[i]);
    if (!same(a.shape)) {
      if (!same(b.shape) || op === "sub" || op === "div" || op === "relu_bwd") return null;
      [a, b] = [b, a];
    }
    bShape = pad(b.shape);
  }
  if (shape.length < 1 || shape.length > ELT_MAX_RANK) return null;
  const size = tf.util.sizeFromShape(shape);
  if (size < minSize) return SMALL;
  const h = host(args.backend);
  const out = h.alloc([...shape]);
  let ok = false;
  try {
    const [ov] = h.views(out) as Float32Array[];
    const [av, bIn] = h.floatInputs(a, ...(b ? [b] : []));
    const bv = b ? bIn : op === "gt" ? zero : null;
    // x² as x·x: the same correctly rounded product tfjs computes.
    ok = dnnl.elementwise(op === "square" ? "mul" : op, shape, av, bShape, bv, ov);
  } finally {
    if (!ok) h.discard(out);
  }
  return ok ? out : null;
}

/**
 * The fewest values from which Exp, Log and Sigmoid run in oneDNN's vectorised eltwise
 * primitive rather than one `Math.exp`/`Math.log` a value (≈ 10 ns each: 3 ms for one of
 * Barlow Twins AMCL's [512, 512] temperature maps). oneDNN's polynomial approximations agree
 * with the correctly rounded values to a few units in the last place, not bit for bit
 * (tests/core/native_transcendental_test.ts); smaller arrays keep the base kernels' values.
 */
export const TRANSCENDENTAL_MIN = 16384;

/** Exp, Log or Sigmoid: oneDNN from {@link TRANSCENDENTAL_MIN} values, else the host loop (host memory) or the base kernel. */
function transcendental(name: "Exp" | "Log" | "Sigmoid", op: "exp" | "log" | "logistic") {
  return (dnnl: Dnnl, fallback: AnyKernelFunc, memory: NativeMemory): AnyKernelFunc => {
    const small = memory === "host" ? unaryHost(name)(fallback) : fallback;
    return (args: KernelArgs) => {
      const y = runElementwise(dnnl, op, args, TRANSCENDENTAL_MIN);
      if (y !== SMALL) count(name, y !== null);
      if (!y || y === SMALL) return small(args);
      // oneDNN's approximations map NaN to a number (exp(NaN) = ∞): NaN in, NaN out, as tfjs.
      const h = host(args.backend);
      const [xv, yv] = h.views((args.inputs as { x: tf.TensorInfo }).x, y) as Float32Array[];
      for (let i = 0; i < yv.length; i++) if (xv[i] !== xv[i]) yv[i] = NaN;
      return y;
    };
  };
}

/** The native kernels by tfjs kernel name, each made from its wasm fallback. */
export const NATIVE_KERNELS: ReadonlyArray<
  readonly [string, (d: Dnnl, f: AnyKernelFunc, memory: NativeMemory) => AnyKernelFunc]
> = [
  ["Conv2D", conv2d],
  ["Conv2DBackpropInput", conv2dBackpropInput],
  ["Conv2DBackpropFilter", conv2dBackpropFilter],
  ["BatchMatMul", batchMatMul],
  // BN_STATS stays the host kernel's (float64 sums); BN_TRAIN takes oneDNN's statistics from
  // BN_TRAIN_MIN_ROWS positions on.
  [BN_APPLY, batchNorm("apply", BN_APPLY)],
  [BN_TRAIN, batchNorm("train", BN_TRAIN)],
  [BN_GRAD, batchNorm("backward", BN_GRAD)],
  ["Add", elementwise("Add", "add")],
  ["Sub", elementwise("Sub", "sub")],
  ["Multiply", elementwise("Multiply", "mul")],
  ["RealDiv", elementwise("RealDiv", "div")],
  ["Relu", elementwise("Relu", "relu")],
  ["Step", elementwise("Step", "gt")],
  ["Square", elementwise("Square", "square")],
  [RELU_GRAD, elementwise(RELU_GRAD, "relu_bwd")],
  ["Sum", hostOnly(reduceBlock(false))],
  ["Mean", hostOnly(reduceBlock(true))],
  ["Slice", hostCopy(sliceKernel)],
  ["PadV2", hostCopy(padKernel)],
  ["SplitV", hostCopy(splitV)],
  ["Concat", hostCopy(concat)],
  ["Tile", hostCopy(tileKernel)],
  ["Transpose", hostCopy(transpose)],
  ["GatherV2", hostCopy(gatherV2)],
  ["TopK", hostCopy(topK)],
  ["ZerosLike", hostOnly(zerosLike)],
  ["Exp", transcendental("Exp", "exp")],
  ["Log", transcendental("Log", "log")],
  ["Sigmoid", transcendental("Sigmoid", "logistic")],
  ...HOST_UNARY_OPS.filter((op) => op !== "Exp" && op !== "Log" && op !== "Sigmoid")
    .map((op) => [op, hostOnly(unaryHost(op))] as const),
];

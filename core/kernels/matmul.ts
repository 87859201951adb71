/**
 * `BatchMatMul` on wasm with `transposeA` / `transposeB`: tfjs-wasm's kernel is fast only
 * without them (measured ≈ 0.9 GFLOP/s with `transposeA`, and 10× slower than plain with
 * `transposeB` for a long inner dimension, against 15–25 GFLOP/s plain). tfjs's own MatMul
 * gradient asks for both flags, so every Linear layer's backward and most loss gradients
 * hit the slow path. This kernel transposes the flagged operand once (a cache-blocked copy)
 * and runs the product without flags: through the SIMD kernel of `gemm.wat` (b packed in
 * panels of 8 columns) where N % 8 == 0, else the shipped kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./replace.ts";
import { Host, sizeOf } from "./host.ts";
import { packColumns, packRows, simdGemm } from "./gemm.ts";
import { heapOffset } from "./on_heap.ts";
import type { WasmBackend } from "./wasm_backend.ts";

const BLOCK = 32;

/** Transposes each of `batch` row-major [rows, cols] matrices of `src` into `dst` ([cols, rows]). */
export function transposeInto(
  src: Float32Array,
  batch: number,
  rows: number,
  cols: number,
  dst: Float32Array,
): void {
  const size = rows * cols;
  for (let n = 0; n < batch; n++) {
    const o = n * size;
    for (let i0 = 0; i0 < rows; i0 += BLOCK) {
      const i1 = Math.min(rows, i0 + BLOCK);
      for (let j0 = 0; j0 < cols; j0 += BLOCK) {
        const j1 = Math.min(cols, j0 + BLOCK);
        for (let i = i0; i < i1; i++) {
          const s = o + i * cols;
          for (let j = j0; j < j1; j++) dst[o + j * rows + i] = src[s + j];
        }
      }
    }
  }
}

type Disposer = Pick<WasmBackend, "disposeData">;

/** A transposed copy of the last two axes of `x` on wasm. */
function transposed(h: Host, x: tf.TensorInfo): tf.TensorInfo {
  const r = x.shape.length;
  const rows = x.shape[r - 2], cols = x.shape[r - 1];
  const out = h.alloc([...x.shape.slice(0, -2), cols, rows]);
  const [src, dst] = h.views(x, out);
  transposeInto(src, src.length / (rows * cols || 1), rows, cols, dst);
  return out;
}

/**
 * a·b (a·bᵀ when `bTransposed`) through the SIMD kernel of `gemm.wat` (b packed in panels of
 * 8 columns, one batch at a time), where N % 8 == 0 and b's batch is 1 or a's; null otherwise.
 * Each output is the in-order FMA sum over k, as the 1×1-convolution kernel computes it.
 */
function simdMatMul(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  backend: unknown,
  bTransposed = false,
): tf.TensorInfo | null {
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  const rb = b.shape.length, ra = a.shape.length;
  const K = b.shape[rb - (bTransposed ? 1 : 2)], N = b.shape[rb - (bTransposed ? 2 : 1)];
  if (N % 8 !== 0 || a.shape[ra - 1] !== K || K === 0) return null;
  const M = a.shape[ra - 2];
  const aBatch = sizeOf(a.shape.slice(0, -2)), bBatch = sizeOf(b.shape.slice(0, -2));
  // b shared by every batch of a (then a's batches are one tall [batch·M, K] matrix), or one
  // b per batch of a with the same leading dims.
  const perBatch = bBatch !== 1;
  if (perBatch && (bBatch !== aBatch || rb !== ra || b.shape.slice(0, -2).some((d, i) => d !== a.shape[i]))) {
    return null;
  }
  const lead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  while (lead.length < bLead.length) lead.unshift(1);
  const h = new Host("wasm", backend);
  const P = N / 8;
  const panels = h.alloc([bBatch, P, K, 8]);
  const out = h.alloc([...lead, M, N]);
  const [bv, pv] = h.views(b, panels);
  for (let i = 0; i < bBatch; i++) {
    const src = bv.subarray(i * K * N, (i + 1) * K * N),
      dst = pv.subarray(i * P * K * 8, (i + 1) * P * K * 8);
    if (bTransposed) packRows(src, N, K, dst);
    else packColumns(src, K, N, dst);
  }
  const ao = heapOffset(backend, a), po = heapOffset(backend, panels), oo = heapOffset(backend, out);
  let ok: boolean;
  if (perBatch) {
    ok = true;
    for (let i = 0; i < aBatch && ok; i++) {
      ok = simdGemm(backend, ao + i * M * K * 4, po + i * P * K * 32, oo + i * M * N * 4, M, K, P, N);
    }
  } else {
    ok = simdGemm(backend, ao, po, oo, aBatch * M, K, P, N);
  }
  (backend as Disposer).disposeData(panels.dataId);
  if (!ok) {
    (backend as Disposer).disposeData(out.dataId);
    return null;
  }
  return out;
}

function batchMatMul(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!attrs.transposeA && !attrs.transposeB) {
      return simdMatMul(a, b, args.backend) ?? fallback(args) as tf.TensorInfo;
    }
    if (a.dtype !== "float32" || b.dtype !== "float32") return fallback(args) as tf.TensorInfo;
    if (!attrs.transposeA) {
      // b's rows pack straight into panels: no transposed copy.
      const y = simdMatMul(a, b, args.backend, true);
      if (y) return y;
    }
    const h = new Host("wasm", args.backend);
    const at = attrs.transposeA ? transposed(h, a) : a;
    const bt = attrs.transposeB ? transposed(h, b) : b;
    try {
      return simdMatMul(at, bt, args.backend) ?? fallback({
        inputs: { a: at, b: bt },
        backend: args.backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
    } finally {
      const d = args.backend as Disposer;
      if (at !== a) d.disposeData(at.dataId);
      if (bt !== b) d.disposeData(bt.dataId);
    }
  };
}

let registered = false;

/** Replaces wasm's `BatchMatMul` with the kernel above (idempotent). */
export function registerMatMulKernels(): void {
  if (registered) return;
  registered = true;
  const original = tf.getKernel("BatchMatMul", "wasm");
  if (!original) return;
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    setupFunc: original.setupFunc,
    kernelFunc: batchMatMul(original.kernelFunc as unknown as AnyKernelFunc) as unknown as tf.KernelFunc,
  });
}

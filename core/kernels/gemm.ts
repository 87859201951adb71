/**
 * Matrix products through the SIMD kernel of `gemm.wat`, whose right-hand side is packed in
 * panels of 8 columns ([⌈N/8⌉, K, 8], zero-padded) so that the kernel reads it contiguously.
 * Each output is a sum over k in order with fused multiply-adds: the same values as the
 * 1×1-convolution path of `conv_forward.wat`, and far fewer cache misses when N is large.
 *
 * Two uses: {@link packRhs} + {@link matMulPacked} for a right-hand side used many times
 * (the kNN bank: packed once, every query batch multiplies against it), and
 * {@link simdGemm} for one plain product (core/kernels/matmul.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { heapOffset, onHeap } from "./on_heap.ts";
import type { WasmBackend } from "./wasm_backend.ts";
import { GEMM_WASM } from "./gemm_wasm.ts";

type GemmFn = (a: number, bp: number, c: number, M: number, K: number, P: number, ldc: number) => void;

/** Bytes of `a` rows one kernel call keeps hot (the rows stay in L2 while panels stream). */
const ROW_BLOCK_BYTES = 192 * 1024;

/** The kernel on `backend`'s memory, or null (not wasm, or no relaxed SIMD). */
function gemmKernel(backend: unknown): GemmFn | null {
  if (!backend || typeof (backend as WasmBackend).makeOutput !== "function") return null;
  const ex = onHeap("gemm", GEMM_WASM, backend);
  return ex ? ex.gemm as GemmFn : null;
}

/** Packs row-major `src` [K, N] into panels [⌈N/8⌉, K, 8] (zero-padded) in `dst`. */
export function packColumns(src: Float32Array, K: number, N: number, dst: Float32Array): void {
  const P = Math.ceil(N / 8);
  for (let p = 0; p < P; p++) {
    const c0 = p * 8, w = Math.min(8, N - c0), base = p * K * 8;
    if (w === 8) {
      for (let k = 0, s = c0, d = base; k < K; k++, s += N, d += 8) {
        dst[d] = src[s];
        dst[d + 1] = src[s + 1];
        dst[d + 2] = src[s + 2];
        dst[d + 3] = src[s + 3];
        dst[d + 4] = src[s + 4];
        dst[d + 5] = src[s + 5];
        dst[d + 6] = src[s + 6];
        dst[d + 7] = src[s + 7];
      }
    } else {
      dst.fill(0, base, base + K * 8);
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < w; j++) dst[base + k * 8 + j] = src[k * N + c0 + j];
      }
    }
  }
}

/** Packs row-major `src` [N, K] (the transposed right-hand side) into panels [⌈N/8⌉, K, 8]. */
export function packRows(src: Float32Array, N: number, K: number, dst: Float32Array): void {
  const P = Math.ceil(N / 8);
  for (let p = 0; p < P; p++) {
    const base = p * K * 8;
    for (let j = 0; j < 8; j++) {
      const r = p * 8 + j;
      if (r >= N) {
        for (let k = 0; k < K; k++) dst[base + k * 8 + j] = 0;
        continue;
      }
      const row = r * K;
      for (let k = 0; k < K; k++) dst[base + k * 8 + j] = src[row + k];
    }
  }
}

/**
 * c[M, ldc] (columns 0..8P) = a[M, K] · panels, on wasm heap offsets (bytes). Runs the rows in
 * blocks that fit the L2 cache. False when the kernel is unavailable.
 */
export function simdGemm(
  backend: unknown,
  a: number,
  panels: number,
  c: number,
  M: number,
  K: number,
  P: number,
  ldc: number,
): boolean {
  const gemm = gemmKernel(backend);
  if (!gemm) return false;
  if (M === 0 || P === 0) return true;
  const rows = Math.max(4, Math.floor(ROW_BLOCK_BYTES / (4 * K) / 4) * 4);
  for (let i = 0; i < M; i += rows) {
    gemm(a + i * K * 4, panels, c + i * ldc * 4, Math.min(rows, M - i), K, P, ldc);
  }
  return true;
}

/** A right-hand side [K, N] packed for {@link matMulPacked}; dispose it when done. */
export interface PackedRhs {
  /** The panels, [⌈N/8⌉, K, 8]. */
  readonly panels: tf.Tensor3D;
  readonly K: number;
  readonly N: number;
}

/**
 * Packs the transpose of `rows` ([N, K]) as the right-hand side of {@link matMulPacked}, so
 * that `matMulPacked(a, packRhs(b))` = `matMul(a, b, false, true)`. Null where the kernel
 * does not run (backend other than wasm, or no relaxed SIMD): use tf.matMul there.
 */
export function packRhs(rows: tf.Tensor2D): PackedRhs | null {
  const backend = tf.backend();
  if (rows.dtype !== "float32" || !gemmKernel(backend)) return null;
  const [N, K] = rows.shape;
  if (K === 0 || N === 0) return null;
  const P = Math.ceil(N / 8);
  const packed = new Float32Array(P * K * 8);
  packRows(rows.dataSync() as Float32Array, N, K, packed);
  return { panels: tf.tensor3d(packed, [P, K, 8], "float32"), K, N };
}

/** `a` [M, K] times a packed right-hand side: [M, N]. Wasm only (see {@link packRhs}). */
export function matMulPacked(a: tf.Tensor2D, rhs: PackedRhs): tf.Tensor2D {
  const [M, K] = a.shape;
  if (K !== rhs.K) throw new Error(`matMulPacked: a has ${K} columns, the packed side ${rhs.K} rows`);
  const backend = tf.backend();
  const b = backend as unknown as WasmBackend;
  const P = rhs.panels.shape[0];
  const W = P * 8;
  const out = b.makeOutput([M, W], "float32");
  const ok = simdGemm(
    backend,
    heapOffset(backend, a),
    heapOffset(backend, rhs.panels),
    heapOffset(backend, out),
    M,
    K,
    P,
    W,
  );
  if (!ok) {
    b.disposeData(out.dataId);
    throw new Error("matMulPacked: the SIMD kernel is not available on this backend");
  }
  const y = tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
  if (W === rhs.N) return y;
  const sliced = tf.slice(y, [0, 0], [M, rhs.N]) as tf.Tensor2D;
  y.dispose();
  return sliced;
}

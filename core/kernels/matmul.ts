/**
 * `BatchMatMul` on wasm with `transposeA` / `transposeB`: tfjs-wasm's kernel is fast only
 * without them (measured ≈ 0.9 GFLOP/s with `transposeA`, and 10× slower than plain with
 * `transposeB` for a long inner dimension, against 15–25 GFLOP/s plain). tfjs's own MatMul
 * gradient asks for both flags, so every Linear layer's backward and most loss gradients
 * hit the slow path. This kernel transposes the flagged operand once (a cache-blocked copy)
 * and runs the product without flags: through the SIMD kernel of `conv_forward.wat` (a
 * GEMM is a 1×1 convolution) where b is unbatched and N % 8 == 0, else the shipped kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Host } from "./host.ts";
import { simdConv2d } from "./conv_forward.ts";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type AnyKernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

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

interface Disposer {
  disposeData(dataId: object, force?: boolean): boolean;
}

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
 * a·b without transposes through the SIMD convolution kernel (a 1×1 conv over a "row" of M
 * pixels is a GEMM), where b has no batch (or batch 1) and N % 8 == 0; null otherwise.
 */
function simdMatMul(a: tf.TensorInfo, b: tf.TensorInfo, backend: unknown): tf.TensorInfo | null {
  if (a.dtype !== "float32" || b.dtype !== "float32") return null;
  const K = b.shape[b.shape.length - 2], N = b.shape[b.shape.length - 1];
  if (N % 8 !== 0 || b.shape.slice(0, -2).some((d) => d !== 1)) return null;
  if (a.shape[a.shape.length - 1] !== K) return null;
  const M = a.shape.slice(0, -1).reduce((x, y) => x * y, 1);
  if (M === 0 || K === 0) return null;
  const y = simdConv2d({
    inputs: {
      x: { dataId: a.dataId, shape: [1, 1, M, K], dtype: "float32" },
      filter: { dataId: b.dataId, shape: [1, 1, K, N], dtype: "float32" },
    },
    backend,
    attrs: {
      strides: [1, 1],
      pad: "valid",
      dilations: [1, 1],
      dataFormat: "NHWC",
    } as unknown as tf.NamedAttrMap,
  });
  if (!y) return null;
  // Broadcast output shape: a's batch dims (b has none that matter) + [M, N].
  const lead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  while (lead.length < bLead.length) lead.unshift(1);
  return { dataId: y.dataId, shape: [...lead, a.shape[a.shape.length - 2], N], dtype: "float32" };
}

function batchMatMul(fallback: AnyKernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!attrs.transposeA && !attrs.transposeB) {
      return simdMatMul(a, b, args.backend) ?? fallback(args) as tf.TensorInfo;
    }
    if (a.dtype !== "float32" || b.dtype !== "float32") return fallback(args) as tf.TensorInfo;
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

/**
 * Replacing a shipped wasm kernel with one of ours: the kernel signature every file of this
 * folder uses, and the registration that keeps the shipped kernel as the fallback for the
 * cases a replacement does not handle.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** What tfjs hands a kernel. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
/** A kernel function with one or several outputs. */
export type AnyKernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
/** Builds a replacement from the shipped kernel (its fallback). */
export type KernelMaker = (fallback: AnyKernelFunc) => AnyKernelFunc;

/**
 * Replaces each named wasm kernel that exists with `make(shipped)`, keeping the shipped
 * kernel's setup. Returns the shipped kernels by name.
 */
export function replaceWasmKernels(
  kernels: ReadonlyArray<readonly [string, KernelMaker]>,
): Map<string, AnyKernelFunc> {
  const shipped = new Map<string, AnyKernelFunc>();
  for (const [name, make] of kernels) {
    const original = tf.getKernel(name, "wasm");
    if (!original) continue;
    const fallback = original.kernelFunc as unknown as AnyKernelFunc;
    shipped.set(name, fallback);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      setupFunc: original.setupFunc,
      kernelFunc: make(fallback) as unknown as tf.KernelFunc,
    });
  }
  return shipped;
}

/** The kernel function tfjs has registered as `name` on `backend` (throws when there is none). */
export function registeredKernel(name: string, backend: string): AnyKernelFunc {
  const k = tf.getKernel(name, backend);
  if (!k) throw new Error(`tfjs kernel ${name} is not registered for ${backend}`);
  return k.kernelFunc as unknown as AnyKernelFunc;
}

/**
 * The `native` tfjs backend: a second instance of tfjs-backend-wasm (its own wasm heap) that
 * runs every kernel the wasm backend has — the shipped ones and the suite's own — except the
 * heavy ones of `kernels.ts`, which oneDNN runs in place on that heap, multi-threaded.
 *
 * Both backends live in one process: "native" is registered with the wasm backend's own
 * factory (a fresh emscripten module each time), and every kernel registered for "wasm" is
 * registered for "native" too (with its setup function, which tfjs reruns on every backend
 * switch, so the shipped kernels bind to whichever instance is active). Because tensors live
 * on a wasm32 heap, the 4 GiB ceiling of the wasm backend stays.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc } from "../kernels/replace.ts";
import type { Dnnl } from "./dnnl.ts";
import { NATIVE_KERNELS } from "./kernels.ts";
import { registerBatchNormKernels } from "../kernels/batch_norm.ts";

/** The tfjs backend name. */
export const NATIVE_BACKEND = "native";

let library: Dnnl | null = null;

/** Kernel functions made here, so a kernel is wrapped once. */
const made = new WeakSet<object>();

/**
 * Registers every wasm kernel for "native" that is not yet there, the native ones in front
 * of their wasm versions. The suite's host kernels that register themselves for "native" too
 * (batch norm) are wrapped in place, their own function kept as the fallback. Safe to call
 * again: kernels registered for wasm since are added.
 */
function syncKernels(dnnl: Dnnl): void {
  registerBatchNormKernels();
  const makers = new Map(NATIVE_KERNELS);
  const register = (k: tf.KernelConfig, fallback: AnyKernelFunc) => {
    const make = makers.get(k.kernelName);
    const kernelFunc = make ? make(dnnl, fallback) : fallback;
    made.add(kernelFunc);
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: NATIVE_BACKEND,
      setupFunc: k.setupFunc,
      disposeFunc: k.disposeFunc,
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  };
  for (const k of tf.getKernelsForBackend(NATIVE_BACKEND)) {
    if (!makers.has(k.kernelName) || made.has(k.kernelFunc)) continue;
    tf.unregisterKernel(k.kernelName, NATIVE_BACKEND);
    register(k, k.kernelFunc as unknown as AnyKernelFunc);
  }
  for (const k of tf.getKernelsForBackend("wasm")) {
    if (tf.getKernel(k.kernelName, NATIVE_BACKEND)) continue;
    register(k, k.kernelFunc as unknown as AnyKernelFunc);
  }
}

/**
 * Registers the "native" backend on oneDNN `dnnl` (once; later calls add kernels registered
 * for wasm since). The wasm backend's package must be loaded (its factory is reused).
 */
export function registerNativeBackend(dnnl: Dnnl): void {
  library = dnnl;
  if (tf.findBackendFactory(NATIVE_BACKEND)) {
    syncKernels(dnnl);
    return;
  }
  const wasmFactory = tf.findBackendFactory("wasm");
  if (!wasmFactory) throw new Error("the native backend needs @tensorflow/tfjs-backend-wasm loaded first");
  // Priority 0: below cpu, so tfjs never picks it on its own.
  tf.registerBackend(NATIVE_BACKEND, async () => {
    syncKernels(dnnl);
    return await wasmFactory();
  }, 0);
}

/** The oneDNN library the native backend was registered with, or null. */
export function nativeLibrary(): Dnnl | null {
  return library;
}

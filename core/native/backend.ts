/**
 * The native tier's tfjs backends: oneDNN runs the heavy kernels of `kernels.ts` in place on
 * the tensors, and a base backend runs every other kernel. Two places for the tensors, one
 * registration each:
 *
 * - `native` (heap): a second instance of tfjs-backend-wasm (its own wasm heap), with every
 *   kernel the wasm backend has — the shipped ones and the suite's own. "native" is
 *   registered with the wasm backend's own factory (a fresh emscripten module each time) and
 *   every wasm kernel is registered for it too (with its setup function, which tfjs reruns on
 *   every backend switch, so the shipped kernels bind to whichever instance is active). Fast
 *   small ops (wasm SIMD), but a wasm32 heap: 4 GiB of tensors at most.
 * - `native-host` (host): tfjs-backend-cpu's backend with pooled arrays
 *   (`host_memory.ts`): tensors are typed arrays in process memory, with no ceiling but the
 *   machine's; the kernels oneDNN does not run are tfjs-cpu's (and the suite's cpu kernels).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc } from "../kernels/replace.ts";
import type { Dnnl } from "./dnnl.ts";
import { HostMemoryBackend } from "./host_memory.ts";
import { NATIVE_KERNELS } from "./kernels.ts";
import { registerBatchNormKernels } from "../kernels/batch_norm.ts";
import { registerReluGrad } from "../kernels/relu_grad.ts";
import { NATIVE_BACKEND, NATIVE_HOST_BACKEND } from "./names.ts";
export { NATIVE_BACKEND, NATIVE_HOST_BACKEND };

/**
 * Where the native tier keeps its tensors: `heap` — a wasm heap (≤ 4 GiB in all; the other
 * kernels are tfjs-wasm's SIMD ones); `host` — typed arrays in process memory (no ceiling;
 * the other kernels are tfjs-cpu's).
 */
export type NativeMemory = "heap" | "host";

/** The tfjs backend of each memory, and the backend whose kernels it runs where oneDNN does not. */
const TIERS: Record<NativeMemory, { name: string; base: string }> = {
  heap: { name: NATIVE_BACKEND, base: "wasm" },
  host: { name: NATIVE_HOST_BACKEND, base: "cpu" },
};

/** The tfjs backend name of the native tier on `memory`. */
export function nativeBackendName(memory: NativeMemory): string {
  return TIERS[memory].name;
}

/**
 * The most bytes of free arrays the host-memory backend keeps for reuse: half the machine's
 * memory (a step frees and reallocates its activations; a pool smaller than that churns), or
 * 4 GiB where the memory size cannot be read.
 */
function poolLimitBytes(): number {
  try {
    return Deno.systemMemoryInfo().total / 2;
  } catch {
    return 4 * 1024 ** 3;
  }
}

let library: Dnnl | null = null;

/** Kernel functions made here, so a kernel is wrapped once. */
const made = new WeakSet<object>();

/**
 * Registers every kernel of the tier's base backend for the tier that is not yet there, the
 * native ones in front of the base versions. The suite's host kernels that register
 * themselves for the tier too (batch norm, the Relu gradient) are wrapped in place, their own function kept as
 * the fallback. Safe to call again: kernels registered for the base since are added.
 */
function syncKernels(dnnl: Dnnl, memory: NativeMemory): void {
  registerBatchNormKernels();
  registerReluGrad();
  const { name, base } = TIERS[memory];
  const makers = new Map(NATIVE_KERNELS);
  const register = (k: tf.KernelConfig, fallback: AnyKernelFunc) => {
    const make = makers.get(k.kernelName);
    const kernelFunc = make ? make(dnnl, fallback, memory) : fallback;
    made.add(kernelFunc);
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: name,
      setupFunc: k.setupFunc,
      disposeFunc: k.disposeFunc,
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  };
  for (const k of tf.getKernelsForBackend(name)) {
    if (!makers.has(k.kernelName) || made.has(k.kernelFunc)) continue;
    tf.unregisterKernel(k.kernelName, name);
    register(k, k.kernelFunc as unknown as AnyKernelFunc);
  }
  for (const k of tf.getKernelsForBackend(base)) {
    if (tf.getKernel(k.kernelName, name)) continue;
    register(k, k.kernelFunc as unknown as AnyKernelFunc);
  }
}

/**
 * Registers both native backends on oneDNN `dnnl` (once; later calls add kernels registered
 * for their base backends since). The wasm backend's package must be loaded (its factory is
 * reused); tfjs-cpu's is imported here.
 */
export function registerNativeBackend(dnnl: Dnnl): void {
  library = dnnl;
  if (tf.findBackendFactory(NATIVE_BACKEND)) {
    syncKernels(dnnl, "heap");
    syncKernels(dnnl, "host");
    return;
  }
  const wasmFactory = tf.findBackendFactory("wasm");
  if (!wasmFactory) throw new Error("the native backend needs @tensorflow/tfjs-backend-wasm loaded first");
  // Priority 0: below cpu, so tfjs never picks them on its own.
  tf.registerBackend(NATIVE_BACKEND, async () => {
    syncKernels(dnnl, "heap");
    return await wasmFactory();
  }, 0);
  tf.registerBackend(NATIVE_HOST_BACKEND, () => {
    syncKernels(dnnl, "host");
    return new HostMemoryBackend(poolLimitBytes());
  }, 0);
}

/** The oneDNN library the native backend was registered with, or null. */
export function nativeLibrary(): Dnnl | null {
  return library;
}

/**
 * Instantiates a compiled kernel module (base64 bytes) on tfjs-wasm's own memory, so that
 * it works on tensors in place: pointers are the tensors' `memoryOffset`s. One instance per
 * module and memory; null where the engine cannot run it (e.g. no relaxed SIMD) — callers
 * then take their general path.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { WasmBackend } from "./wasm_backend.ts";

type WasmHeapBackend = Pick<WasmBackend, "wasm" | "dataIdMap">;

/** Instances per memory (the wasm and native backends each have their own heap), then per key. */
const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

/** The exports of `bytes` instantiated on the backend's memory, or null. */
export function onHeap(key: string, bytes: string, backend: unknown): WebAssembly.Exports | null {
  const b = backend as WasmHeapBackend;
  const memory = b.wasm?.asm?.memory ?? b.wasm?.wasmExports?.memory;
  if (!memory) return null;
  let byKey = instances.get(memory);
  if (!byKey) instances.set(memory, byKey = new Map());
  const hit = byKey.get(key);
  if (hit !== undefined) return hit;
  try {
    const mod = new WebAssembly.Module(Uint8Array.fromBase64(bytes));
    const inst = new WebAssembly.Instance(mod, { env: { memory } });
    byKey.set(key, inst.exports);
    return inst.exports;
  } catch {
    byKey.set(key, null);
    return null;
  }
}

/** The byte offset of a tensor in the wasm heap. */
export function heapOffset(backend: unknown, t: tf.TensorInfo): number {
  const o = (backend as WasmHeapBackend).dataIdMap.get(t.dataId)?.memoryOffset;
  if (o === undefined) throw new Error("tensor is not on the wasm heap");
  return o;
}

/** The wasm memory's current buffer (take it after the last allocation). */
export function heapBuffer(backend: unknown): ArrayBuffer {
  const b = backend as WasmHeapBackend;
  return (b.wasm.asm?.memory ?? b.wasm.wasmExports?.memory)!.buffer as ArrayBuffer;
}

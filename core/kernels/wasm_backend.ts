/**
 * The parts of tfjs-backend-wasm's `BackendWasm` the kernels of this folder use, written
 * once: tfjs hands a kernel its backend as `unknown`, and each kernel casts it to this type
 * (or a `Pick` of it). The `native` backend is a second tfjs-wasm instance, so it has the
 * same shape. Also the parts of tfjs-backend-cpu's backend the kernels that run there or
 * borrow from it use.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/** A tfjs-wasm backend (`wasm` or `native`): tensors live in its wasm heap. */
export interface WasmBackend {
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.TypedArray,
  ): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): tf.TypedArray;
  /** The compiled module: its memory is the heap the tensors live in. */
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmExports?: { memory?: WebAssembly.Memory } };
  /** Where each tensor lives in the heap. */
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/** The tfjs-backend-cpu backend: tensors are typed arrays. */
export interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.TypedArray): tf.TensorInfo;
  write(values: tf.TypedArray, shape: number[], dtype: tf.DataType): object;
  readSync(dataId: object): tf.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

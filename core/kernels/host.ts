/**
 * Plain-array access to tensors inside a kernel, for the backends whose memory JS can read
 * directly: `wasm` and `native` (tensors live in a wasm heap) and `cpu` (typed arrays).
 * A kernel of `core/kernels/` reads its inputs with {@link Host.read}, allocates its outputs
 * with {@link Host.alloc}, then takes views with {@link Host.views} — in that order, since
 * a wasm heap allocation can move the heap and detach earlier views.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelArgs } from "./replace.ts";
import type { CpuBackend, WasmBackend } from "./wasm_backend.ts";

type WasmBackendLike = Pick<WasmBackend, "makeOutput" | "typedArrayFromHeap">;
type CpuBackendLike = Pick<CpuBackend, "makeTensorInfo" | "readSync"> & {
  /** tfjs-cpu's store: the values themselves (readSync may hand out a copy). */
  data?: { get(dataId: object): { values?: tf.TypedArray } | undefined };
  /** A backend with a pool of float32 arrays (the native tier on host memory). */
  takeFloats?(n: number): Float32Array;
};

/**
 * Backends whose tensors the kernels of this folder read and write directly. `native` is a
 * second tfjs-wasm instance (its tensors live in its own wasm heap), so it is read like wasm;
 * `native-host` keeps typed arrays like cpu.
 */
export const HOST_BACKENDS = ["wasm", "native", "native-host", "cpu"] as const;
/** One of {@link HOST_BACKENDS}. */
export type HostBackend = typeof HOST_BACKENDS[number];

/** Direct tensor access for one kernel call. */
export class Host {
  readonly #wasm: WasmBackendLike | null;
  readonly #cpu: CpuBackendLike | null;
  /** Outputs of the cpu backend, with their values (cpu outputs are made from arrays). */
  readonly #pending = new Map<tf.TensorInfo, tf.TypedArray>();

  constructor(readonly backendName: HostBackend, backend: unknown) {
    // By what the backend is, not its name: `native` keeps its tensors in a wasm heap or in
    // host memory (typed arrays, like cpu) depending on how it was started.
    const onHeap = typeof (backend as Partial<WasmBackendLike>).typedArrayFromHeap === "function";
    this.#wasm = onHeap ? backend as WasmBackendLike : null;
    this.#cpu = onHeap ? null : backend as CpuBackendLike;
    this.#backend = backend as { disposeData(dataId: object): boolean };
  }

  readonly #backend: { disposeData(dataId: object): boolean };

  /** Whether tensors live in a wasm heap (views detach when it grows). */
  get onHeap(): boolean {
    return this.#wasm !== null;
  }

  /** Frees outputs made by {@link alloc} that will not be returned (a kernel that gave up). */
  discard(...ts: tf.TensorInfo[]): void {
    for (const t of ts) {
      this.#pending.delete(t);
      this.#backend.disposeData(t.dataId);
    }
  }

  /**
   * A new float32 (or `dtype`) output of `shape`: uninitialised on wasm and on a pooling
   * backend (stale values), zero on cpu.
   */
  alloc(shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
    if (this.#wasm) return this.#wasm.makeOutput(shape, dtype);
    const size = shape.reduce((a, b) => a * b, 1);
    const cpu = this.#cpu!;
    const values = dtype === "int32"
      ? new Int32Array(size)
      : dtype === "bool"
      ? new Uint8Array(size)
      : cpu.takeFloats
      ? cpu.takeFloats(size)
      : new Float32Array(size);
    const info = cpu.makeTensorInfo(shape, dtype, values);
    this.#pending.set(info, values);
    return info;
  }

  /** The values of `t` (a view on wasm: take it after the last {@link alloc}). */
  view(t: tf.TensorInfo): tf.TypedArray {
    if (this.#wasm) return this.#wasm.typedArrayFromHeap(t);
    const cpu = this.#cpu!;
    return this.#pending.get(t) ?? cpu.data?.get(t.dataId)?.values ?? cpu.readSync(t.dataId);
  }

  /**
   * Whether every tensor is stored in its dtype's own array (Float32Array, Int32Array,
   * Uint8Array for bool): always on wasm; tfjs-cpu may keep a float32 tensor made from
   * booleans as bytes, which a kernel copying 32-bit words must not take.
   */
  natural(...ts: tf.TensorInfo[]): boolean {
    if (this.#wasm) return true;
    return ts.every((t) => {
      const v = this.view(t);
      return t.dtype === "float32"
        ? v instanceof Float32Array
        : t.dtype === "int32"
        ? v instanceof Int32Array
        : t.dtype === "bool"
        ? v instanceof Uint8Array
        : false;
    });
  }

  /**
   * The values of each tensor when every one is stored as a Float32Array, else null (the cpu
   * backend may keep a float32 tensor made from booleans as bytes). Views: take them after
   * the last {@link alloc}.
   */
  floats(...ts: tf.TensorInfo[]): Float32Array[] | null {
    const vs = ts.map((t) => this.view(t));
    return vs.every((v) => v instanceof Float32Array) ? vs as Float32Array[] : null;
  }

  /**
   * The values of float32 input tensors as Float32Arrays: views where they are stored so,
   * converted copies where not (a float32 tensor tfjs-cpu keeps as bytes). Read-only use;
   * take them after the last {@link alloc}.
   */
  floatInputs(...ts: tf.TensorInfo[]): Float32Array[] {
    return ts.map((t) => {
      const v = this.view(t);
      return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
    });
  }

  /** The float32 values of each tensor (views; take them after the last {@link alloc}). */
  views(...ts: tf.TensorInfo[]): Float32Array[] {
    return ts.map((t) => this.view(t) as Float32Array);
  }
}

/** Product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The same memory as `a`, as an Int32Array when its elements are 4 bytes (float32, int32):
 * copying kernels move bits through one element type (one compiled loop for both dtypes,
 * NaN payloads kept). Other arrays are returned as they are.
 */
export function asWords(a: tf.TypedArray): tf.TypedArray {
  return a.BYTES_PER_ELEMENT === 4 && !(a instanceof Int32Array)
    ? new Int32Array(a.buffer, a.byteOffset, a.length)
    : a;
}

/** Makes a kernel for one host backend (its {@link Host} reads that backend's tensors). */
export type HostKernelMaker = (backend: HostBackend) => (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Registers each kernel, by name, on every one of {@link HOST_BACKENDS}. */
export function registerHostKernels(kernels: Record<string, HostKernelMaker>): void {
  for (const backendName of HOST_BACKENDS) {
    for (const [kernelName, make] of Object.entries(kernels)) {
      tf.registerKernel({
        kernelName,
        backendName,
        kernelFunc: make(backendName) as unknown as tf.KernelFunc,
      });
    }
  }
}

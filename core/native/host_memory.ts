/**
 * The tfjs backend the native tier runs on when its tensors must not be bounded by a wasm
 * heap: tfjs-cpu's backend (tensors are typed arrays in process memory, any total size) with
 * a pool of float32 arrays for the native kernels' outputs.
 *
 * Why a pool: a fresh large `Float32Array` is fresh zeroed pages from the OS, and oneDNN's
 * first write to each page faults; at ResNet-18 ×1/4 that made the kernels 1.5–3× slower than
 * on a reused heap. Arrays handed out by {@link HostMemoryBackend.takeFloats} are counted per
 * buffer (tfjs-cpu may store one buffer under several tensors, e.g. a contiguous slice is a
 * `subarray`), and go back to the pool only when no tensor uses them; values read out of
 * the backend (`dataSync`, `data`) are copies, so a caller never holds a pooled buffer.
 *
 * @module
 */
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type * as tf from "@tensorflow/tfjs-core";

/** Arrays shorter than this are not pooled (the allocator reuses small blocks itself). */
const POOL_MIN_FLOATS = 16 * 1024;

interface Stored {
  values?: tf.backend_util.BackendValues;
  dtype: tf.DataType;
  refCount: number;
}

/** tfjs-cpu's backend with pooled float32 outputs for the native kernels. */
export class HostMemoryBackend extends MathBackendCPU {
  /** Free arrays by length. */
  readonly #free = new Map<number, Float32Array[]>();
  /** Buffers this backend handed out, with how many stored tensors use each. */
  readonly #uses = new WeakMap<ArrayBufferLike, number>();
  #pooledBytes = 0;

  constructor(readonly poolLimitBytes: number) {
    super();
    // tfjs-cpu's one-time "install tfjs-node" banner is not advice for this backend.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** A float32 array of `n` elements, from the pool when one is free (its contents are stale). */
  takeFloats(n: number): Float32Array {
    if (n < POOL_MIN_FLOATS) return new Float32Array(n);
    const list = this.#free.get(n);
    const a = list?.pop();
    if (a) {
      this.#pooledBytes -= a.byteLength;
      return a;
    }
    const fresh = new Float32Array(n);
    this.#uses.set(fresh.buffer, 0);
    return fresh;
  }

  /** Bytes held in the pool now (free arrays kept for reuse). */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  #use(values: unknown, by: number): void {
    const buf = (values as { buffer?: ArrayBufferLike } | undefined)?.buffer;
    if (!buf) return;
    const n = this.#uses.get(buf);
    if (n === undefined) return;
    const left = n + by;
    this.#uses.set(buf, left);
    if (left === 0) this.#release(buf);
  }

  #release(buf: ArrayBufferLike): void {
    const a = new Float32Array(buf);
    if (this.#pooledBytes + a.byteLength > this.poolLimitBytes) {
      this.#uses.delete(buf);
      return;
    }
    let list = this.#free.get(a.length);
    if (!list) this.#free.set(a.length, list = []);
    list.push(a);
    this.#pooledBytes += a.byteLength;
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    const id = super.write(values, shape, dtype);
    this.#use(values, 1);
    return id;
  }

  override move(
    dataId: tf.DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    const old = (this.data.get(dataId) as Stored | undefined)?.values;
    super.move(dataId, values, shape, dtype, refCount);
    this.#use(values, 1);
    if (old) this.#use(old, -1);
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const v = super.readSync(dataId);
    const buf = (v as { buffer?: ArrayBufferLike }).buffer;
    return buf && this.#uses.has(buf) ? (v as Float32Array).slice() : v;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const stored = this.data.get(dataId) as Stored | undefined;
    const values = stored?.values;
    const gone = super.disposeData(dataId, force);
    if (gone && stored && !this.data.has(dataId)) this.#use(values, -1);
    return gone;
  }

  /** Empties the pool (its arrays are left to the garbage collector). */
  override dispose(): void {
    for (const list of this.#free.values()) for (const a of list) this.#uses.delete(a.buffer);
    this.#free.clear();
    this.#pooledBytes = 0;
    super.dispose();
  }
}

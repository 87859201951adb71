/**
 * The kNN classifier over a pool of Web Workers: the product dominates (60k × 10k × 784 is
 * ~4.7·10¹¹ multiply-adds) and tfjs' wasm backend has one thread under Deno, so
 * {@link knnPredictParallel} splits the query batches over Web Workers (`knn_worker.ts`),
 * each with its own backend and its own copy of the packed bank. Every query goes through
 * the same float operations as on one thread (same bank floats, same batch boundaries), so
 * the predictions are bit-identical for any worker count.
 *
 * @module
 */
import { activeBackend, type ConcreteBackend } from "../core/backend.ts";
import { check } from "../core/errors.ts";
import {
  type BatchSettings,
  checkKnnInputs,
  type KnnOptions,
  knnPredict,
  normalizedTensor,
} from "./knn_classifier.ts";
import type { FeatureMatrix, Labelled } from "./features.ts";

/** {@link KnnOptions} plus the number of Web Workers that share the query batches. */
export interface KnnParallelOptions extends KnnOptions {
  /** Web Workers (default 1: the calling thread, no worker); capped at the number of query batches. */
  workers?: number;
}

/** Backends whose workers can each start their own copy (GPU backends share one device). */
const WORKER_BACKENDS: readonly ConcreteBackend[] = ["wasm", "cpu"];

/**
 * Multiply-adds (bank rows × queries × dims) below which {@link autoKnnWorkers} keeps one
 * thread: ~2·10¹⁰ is about a second of the packed wasm product, about what starting a
 * worker (loading tfjs and its wasm, copying and packing the bank) costs.
 */
export const KNN_WORKER_MIN_MACS = 2e10;

/**
 * The worker count `deno task eval knn` uses without `--workers`: one per logical CPU
 * (`navigator.hardwareConcurrency`) when the product is large enough to repay the workers'
 * start-up ({@link KNN_WORKER_MIN_MACS}) and the backend is wasm or cpu, else 1.
 */
export function autoKnnWorkers(bankRows: number, queryRows: number, dim: number): number {
  if (!WORKER_BACKENDS.includes(activeBackend())) return 1;
  if (bankRows * queryRows * dim < KNN_WORKER_MIN_MACS) return 1;
  return Math.max(1, navigator.hardwareConcurrency ?? 1);
}

/** A message from a kNN worker (see knn_worker.ts). */
export type KnnWorkerReply =
  | { kind: "ready" }
  | { kind: "batch"; start: number; pred: Int32Array }
  | { kind: "error"; message: string };

/** The set-up message a kNN worker receives first (all arrays over SharedArrayBuffers). */
export interface KnnWorkerInit {
  kind: "init";
  backend: ConcreteBackend;
  /** The L2-normalised bank, [bankRows, dim]. */
  bank: Float32Array;
  bankRows: number;
  labels: Int32Array;
  /** The raw queries, [queryRows, dim] (normalised per batch in the worker, as on one thread). */
  query: Float32Array;
  queryRows: number;
  dim: number;
  settings: BatchSettings;
}

function shared<T extends Float32Array | Int32Array>(src: T, make: (b: SharedArrayBuffer) => T): T {
  const dst = make(new SharedArrayBuffer(src.byteLength));
  dst.set(src);
  return dst;
}

/**
 * {@link knnPredict} with the query batches shared by `opts.workers` Web Workers: each starts
 * the active backend, packs the (already normalised) bank once and takes the next batch
 * whenever it is free; the results are put back in query order. Bit-identical to
 * {@link knnPredict}. One worker or one batch runs on the calling thread.
 */
export async function knnPredictParallel(
  bank: Labelled<FeatureMatrix>,
  query: FeatureMatrix,
  opts: KnnParallelOptions = {},
  topN = 1,
): Promise<Int32Array> {
  const settings = checkKnnInputs(bank, query, opts, topN);
  const requested = opts.workers ?? 1;
  check(
    Number.isInteger(requested) && requested > 0,
    `kNN workers must be a positive integer, got ${requested}`,
  );
  const backend = activeBackend();
  check(
    requested === 1 || WORKER_BACKENDS.includes(backend),
    `kNN workers run on the wasm or cpu backend, not ${backend}; drop --workers or use --backend wasm`,
  );
  const { batchSize, nTop } = settings;
  const batches = Math.ceil(query.n / batchSize);
  const workers = knnWorkerCount(opts, query.n, batchSize);
  if (workers <= 1) return knnPredict(bank, query, opts, topN);

  const normalized = normalizedTensor(bank.x);
  let bankData: Float32Array;
  try {
    bankData = shared(normalized.dataSync() as Float32Array, (b) => new Float32Array(b));
  } finally {
    normalized.dispose();
  }
  const init: KnnWorkerInit = {
    kind: "init",
    backend,
    bank: bankData,
    bankRows: bank.x.n,
    labels: shared(bank.y, (b) => new Int32Array(b)),
    query: shared(query.data.subarray(0, query.n * query.dim), (b) => new Float32Array(b)),
    queryRows: query.n,
    dim: query.dim,
    settings,
  };
  const out = new Int32Array(query.n * nTop);
  const url = new URL("./knn_worker.ts", import.meta.url).href;
  const pool = Array.from({ length: workers }, () => new Worker(url, { type: "module" }));
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      const give = (w: Worker) => {
        if (next >= batches) return;
        const start = next++ * batchSize;
        w.postMessage({ kind: "batch", start, end: Math.min(query.n, start + batchSize) });
      };
      for (const w of pool) {
        w.onmessage = (e: MessageEvent<KnnWorkerReply>) => {
          const m = e.data;
          if (m.kind === "error") return reject(new Error(`kNN worker failed: ${m.message}`));
          if (m.kind === "batch") {
            out.set(m.pred, m.start * nTop);
            if (++done === batches) return resolve();
          }
          give(w);
        };
        w.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`kNN worker failed: ${e.message}`));
        };
        w.postMessage(init);
      }
    });
  } finally {
    for (const w of pool) w.terminate();
  }
  return out;
}

/**
 * The workers {@link knnPredictParallel} starts for `query` rows: `opts.workers` (default 1)
 * capped at the number of query batches, at least 1 (one means the calling thread).
 */
export function knnWorkerCount(opts: KnnParallelOptions, queryRows: number, batchSize: number): number {
  return Math.max(1, Math.min(opts.workers ?? 1, Math.ceil(queryRows / batchSize)));
}

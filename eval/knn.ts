/**
 * Weighted k-nearest-neighbour classifier (the kNN monitor of spec methods.md): features
 * L2-normalised; for each query the k most cosine-similar bank rows vote for their class
 * with weight `exp(sim / t)`; the class with the largest summed weight wins.
 *
 * Queries run in batches: one product `queryBatch · bankᵀ` then `tf.topk`, so a bank of 50k+
 * rows stays on the backend once and only a [batch, bank] similarity block exists at a time.
 * Usable offline (features of a checkpoint) and online (every N epochs, via {@link knnMonitor}).
 *
 * The product dominates (60k × 10k × 784 is ~4.7·10¹¹ multiply-adds) and tfjs' wasm backend
 * has one thread under Deno, so {@link knnEvaluateParallel} can split the query batches over
 * Web Workers (`knn_worker.ts`), each with its own backend and its own copy of the packed
 * bank. Every query goes through the same float operations as on one thread (same bank
 * floats, same batch boundaries), so the predictions are bit-identical for any worker count.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { activeBackend, type ConcreteBackend } from "../core/backend.ts";
import { check } from "../core/errors.ts";
import { l2Normalize } from "../core/l2_normalize.ts";
import { matMulPacked, type PackedRhs, packRhs } from "../core/kernels/gemm.ts";
import {
  checkLabelled,
  extractFeatures,
  type FeatureFn,
  type FeatureMatrix,
  type ImageArray,
  type Labelled,
  numClassesOf,
} from "./features.ts";

/** Settings of the kNN classifier. */
export interface KnnOptions {
  /** Neighbours that vote (default 200). */
  k?: number;
  /** Vote temperature: weight `exp(sim / t)` (default 0.1). */
  t?: number;
  /** Queries per similarity block (default 256). */
  batchSize?: number;
  /** Number of classes (default: from the labels). */
  numClasses?: number;
}

/** The result of one kNN evaluation (a plain JSON record). */
export interface KnnResult {
  protocol: "knn";
  /** Share of queries whose best-voted class is right. */
  top1: number;
  /** Share of queries whose class is among the 5 best-voted (1 when there are ≤ 5 classes). */
  top5: number;
  k: number;
  t: number;
  bankSize: number;
  querySize: number;
  dim: number;
  numClasses: number;
  /** Wall-clock seconds of the classification (not of feature extraction). */
  seconds: number;
  /** Threads that classified the queries (1, or the Web Workers of {@link knnEvaluateParallel}). */
  workers: number;
}

/** {@link KnnOptions} plus the number of Web Workers that share the query batches. */
export interface KnnParallelOptions extends KnnOptions {
  /** Web Workers (default 1: the calling thread, no worker); capped at the number of query batches. */
  workers?: number;
}

/** Resolved settings, validated. */
function resolve(opts: KnnOptions, bankSize: number): { k: number; t: number; batchSize: number } {
  const k = opts.k ?? 200;
  const t = opts.t ?? 0.1;
  const batchSize = opts.batchSize ?? 256;
  check(Number.isInteger(k) && k > 0, `kNN k must be a positive integer, got ${k}`);
  check(
    k <= bankSize,
    `kNN k = ${k} is larger than the bank (${bankSize} training rows); pass --k ${bankSize} or less`,
  );
  check(Number.isFinite(t) && t > 0, `kNN temperature t must be a positive number, got ${t}`);
  check(Number.isInteger(batchSize) && batchSize > 0, `kNN batch size must be a positive integer`);
  return { k, t, batchSize };
}

/** Rows of `m` as an L2-normalised [n, dim] tensor (zero rows stay zero). */
function normalizedTensor(m: FeatureMatrix, start = 0, end = m.n): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.tensor2d(m.data.subarray(start * m.dim, end * m.dim), [end - start, m.dim], "float32");
    return l2Normalize(x);
  });
}

/** Checks the inputs of a prediction; returns the resolved settings. */
function checkInputs(
  bank: Labelled<FeatureMatrix>,
  query: FeatureMatrix,
  opts: KnnOptions,
  topN: number,
): BatchSettings {
  checkLabelled(bank, "kNN bank (train)");
  check(
    query.dim === bank.x.dim,
    `kNN query features have ${query.dim} dims but the bank has ${bank.x.dim}; use one encoder for both`,
  );
  const { k, t, batchSize } = resolve(opts, bank.x.n);
  const classes = opts.numClasses ?? numClassesOf(bank);
  return { k, t, batchSize, classes, nTop: Math.min(topN, classes) };
}

/** What classifying one query batch needs besides the bank (plain data: it travels to workers). */
export interface BatchSettings {
  k: number;
  t: number;
  batchSize: number;
  classes: number;
  /** Best-voted classes kept per query. */
  nTop: number;
}

/**
 * An L2-normalised bank held on the active backend, ready to classify query batches. Built
 * from the normalised rows, so the calling thread and every worker hold the same floats.
 */
export class KnnBank {
  readonly #packed: PackedRhs | null;
  readonly #bankT: tf.Tensor2D | null;
  readonly #labels: tf.Tensor1D;

  /** Takes ownership of `rows` (disposes it). */
  constructor(rows: tf.Tensor2D, labels: Int32Array, readonly settings: BatchSettings) {
    // On wasm the bank is packed once for the SIMD product of core/kernels/gemm.ts (it reads
    // the bank contiguously, ~3× tfjs' kernel at 60k rows); elsewhere it is stored transposed
    // ([dim, n]), as matMul is several times faster without the transposeB flag. Both sum
    // every similarity in the same order, so the votes do not depend on the path.
    try {
      this.#packed = packRhs(rows);
      this.#bankT = this.#packed ? null : tf.transpose(rows) as tf.Tensor2D;
    } finally {
      rows.dispose();
    }
    this.#labels = tf.tensor1d(labels, "int32");
  }

  /** The `nTop` best-voted classes of query rows [start, end), best first (`(end - start) × nTop`). */
  classify(query: FeatureMatrix, start: number, end: number): Int32Array {
    const { k, t, classes, nTop } = this.settings;
    return tf.tidy(() => {
      const q = normalizedTensor(query, start, end);
      // [b, n] cosine similarities
      const sim = this.#packed ? matMulPacked(q, this.#packed) : tf.matMul(q, this.#bankT!);
      const { values, indices } = tf.topk(sim, k, true);
      const weights = tf.exp(tf.div(values, t));
      const votes = tf.oneHot(tf.gather(this.#labels, indices), classes); // [b, k, C]
      const scores = tf.sum(tf.mul(votes, tf.expandDims(weights, 2)), 1); // [b, C]
      return tf.topk(scores, nTop, true).indices.dataSync() as Int32Array;
    });
  }

  /** Frees the backend memory. */
  dispose(): void {
    this.#bankT?.dispose();
    this.#packed?.panels.dispose();
    this.#labels.dispose();
  }
}

/**
 * The `topN` best-voted classes of every query, best first: an Int32Array of
 * `query.n × topN` class indices.
 */
export function knnPredict(
  bank: Labelled<FeatureMatrix>,
  query: FeatureMatrix,
  opts: KnnOptions = {},
  topN = 1,
): Int32Array {
  const settings = checkInputs(bank, query, opts, topN);
  const { batchSize, nTop } = settings;
  const out = new Int32Array(query.n * nTop);
  const scorer = new KnnBank(normalizedTensor(bank.x), bank.y, settings);
  try {
    for (let start = 0; start < query.n; start += batchSize) {
      const end = Math.min(query.n, start + batchSize);
      out.set(scorer.classify(query, start, end), start * nTop);
    }
  } finally {
    scorer.dispose();
  }
  return out;
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
  const settings = checkInputs(bank, query, opts, topN);
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
  const workers = Math.min(requested, batches);
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

/** Scores the best-voted classes `pred` (`nTop` per query) against the labels. */
function scored(
  pred: Int32Array,
  bank: Labelled<FeatureMatrix>,
  query: Labelled<FeatureMatrix>,
  k: number,
  t: number,
  numClasses: number,
  nTop: number,
  t0: number,
  workers: number,
): KnnResult {
  let hit1 = 0;
  let hit5 = 0;
  for (let i = 0; i < query.x.n; i++) {
    const y = query.y[i];
    if (pred[i * nTop] === y) hit1++;
    for (let j = 0; j < nTop; j++) {
      if (pred[i * nTop + j] === y) {
        hit5++;
        break;
      }
    }
  }
  return {
    protocol: "knn",
    top1: hit1 / query.x.n,
    top5: hit5 / query.x.n,
    k,
    t,
    bankSize: bank.x.n,
    querySize: query.x.n,
    dim: bank.x.dim,
    numClasses,
    seconds: (performance.now() - t0) / 1000,
    workers,
  };
}

/**
 * Classifies every row of `query` against `bank` and scores the votes against `query.y`.
 * Errors (UserError) for k larger than the bank, missing labels, mismatched counts or dims.
 */
export function knnEvaluate(
  bank: Labelled<FeatureMatrix>,
  query: Labelled<FeatureMatrix>,
  opts: KnnOptions = {},
): KnnResult {
  checkLabelled(query, "kNN query (test)");
  checkLabelled(bank, "kNN bank (train)");
  const { k, t } = resolve(opts, bank.x.n);
  const numClasses = opts.numClasses ?? numClassesOf(bank, query);
  const t0 = performance.now();
  const nTop = Math.min(5, numClasses);
  const pred = knnPredict(bank, query.x, { ...opts, numClasses }, nTop);
  return scored(pred, bank, query, k, t, numClasses, nTop, t0, 1);
}

/**
 * {@link knnEvaluate} with the query batches shared by `opts.workers` Web Workers
 * ({@link knnPredictParallel}); the same result, bit for bit, but for `seconds` and `workers`.
 */
export async function knnEvaluateParallel(
  bank: Labelled<FeatureMatrix>,
  query: Labelled<FeatureMatrix>,
  opts: KnnParallelOptions = {},
): Promise<KnnResult> {
  checkLabelled(query, "kNN query (test)");
  checkLabelled(bank, "kNN bank (train)");
  const { k, t, batchSize } = resolve(opts, bank.x.n);
  const numClasses = opts.numClasses ?? numClassesOf(bank, query);
  const t0 = performance.now();
  const nTop = Math.min(5, numClasses);
  const pred = await knnPredictParallel(bank, query.x, { ...opts, numClasses }, nTop);
  const workers = Math.max(1, Math.min(opts.workers ?? 1, Math.ceil(query.x.n / batchSize)));
  return scored(pred, bank, query, k, t, numClasses, nTop, t0, workers);
}

/**
 * The online monitor: extracts features of the train (bank) and test (query) images with
 * `encoder` (eval mode, batched) and runs {@link knnEvaluate}. Call it every N epochs.
 */
export function knnMonitor(
  encoder: FeatureFn,
  train: Labelled<ImageArray>,
  test: Labelled<ImageArray>,
  opts: KnnOptions & { extractBatchSize?: number } = {},
): KnnResult {
  checkLabelled(train, "kNN bank (train)");
  checkLabelled(test, "kNN query (test)");
  resolve(opts, train.x.n);
  const batchSize = opts.extractBatchSize ?? 256;
  const bank = {
    x: extractFeatures(encoder, train.x, { batchSize }),
    y: train.y,
    numClasses: train.numClasses,
  };
  const query = {
    x: extractFeatures(encoder, test.x, { batchSize }),
    y: test.y,
    numClasses: test.numClasses,
  };
  return knnEvaluate(bank, query, opts);
}

/**
 * The weighted k-nearest-neighbour classifier (the kNN monitor of spec methods.md):
 * features L2-normalised; for each query the k most cosine-similar bank rows vote for their
 * class with weight `exp(sim / t)`; the class with the largest summed weight wins.
 *
 * Queries run in batches: one product `queryBatch · bankᵀ` then `tf.topk`, so a bank of 50k+
 * rows stays on the backend once and only a [batch, bank] similarity block exists at a time.
 * {@link KnnBank} classifies one batch; the calling thread ({@link knnPredict}) and every
 * worker of `knn_pool.ts` use it alike, so the votes do not depend on who computes them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";
import { l2Normalize } from "../core/l2_normalize.ts";
import { matMulPacked, type PackedRhs, packRhs } from "../core/kernels/gemm.ts";
import { checkLabelled, type FeatureMatrix, type Labelled, numClassesOf } from "./features.ts";

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

/** The classifier's settings with their defaults, validated against the bank size. */
export function resolveKnnOptions(
  opts: KnnOptions,
  bankSize: number,
): { k: number; t: number; batchSize: number } {
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
export function normalizedTensor(m: FeatureMatrix, start = 0, end = m.n): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.tensor2d(m.data.subarray(start * m.dim, end * m.dim), [end - start, m.dim], "float32");
    return l2Normalize(x);
  });
}

/** Checks the inputs of a prediction; returns the resolved settings. */
export function checkKnnInputs(
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
  const { k, t, batchSize } = resolveKnnOptions(opts, bank.x.n);
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
  const settings = checkKnnInputs(bank, query, opts, topN);
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

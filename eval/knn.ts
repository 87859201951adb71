/**
 * Weighted k-nearest-neighbour classifier (the kNN monitor of spec methods.md): features
 * L2-normalised; for each query the k most cosine-similar bank rows vote for their class
 * with weight `exp(sim / t)`; the class with the largest summed weight wins.
 *
 * Queries run in batches: one product `queryBatch · bankᵀ` then `tf.topk`, so a bank of 50k+
 * rows stays on the backend once and only a [batch, bank] similarity block exists at a time.
 * Usable offline (features of a checkpoint) and online (every N epochs, via {@link knnMonitor}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";
import { matMulPacked, packRhs } from "../core/kernels/gemm.ts";
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
    const norm = tf.maximum(tf.norm(x, "euclidean", 1, true), 1e-12);
    return tf.div(x, norm) as tf.Tensor2D;
  });
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
  checkLabelled(bank, "kNN bank (train)");
  check(
    query.dim === bank.x.dim,
    `kNN query features have ${query.dim} dims but the bank has ${bank.x.dim}; use one encoder for both`,
  );
  const { k, t, batchSize } = resolve(opts, bank.x.n);
  const classes = opts.numClasses ?? numClassesOf(bank);
  const nTop = Math.min(topN, classes);
  const out = new Int32Array(query.n * nTop);
  // On wasm the bank is packed once for the SIMD product of core/kernels/gemm.ts (it reads
  // the bank contiguously, ~3× tfjs' kernel at 60k rows); elsewhere it is stored transposed
  // ([dim, n]), as matMul is several times faster without the transposeB flag. Both sum
  // every similarity in the same order, so the votes do not depend on the path.
  const bankRows = normalizedTensor(bank.x);
  const packed = packRhs(bankRows);
  const bankT = packed ? null : tf.transpose(bankRows) as tf.Tensor2D;
  bankRows.dispose();
  const labels = tf.tensor1d(bank.y, "int32");
  try {
    for (let start = 0; start < query.n; start += batchSize) {
      const end = Math.min(query.n, start + batchSize);
      const pred = tf.tidy(() => {
        const q = normalizedTensor(query, start, end);
        // [b, n] cosine similarities
        const sim = packed ? matMulPacked(q, packed) : tf.matMul(q, bankT!);
        const { values, indices } = tf.topk(sim, k, true);
        const weights = tf.exp(tf.div(values, t));
        const votes = tf.oneHot(tf.gather(labels, indices), classes); // [b, k, C]
        const scores = tf.sum(tf.mul(votes, tf.expandDims(weights, 2)), 1); // [b, C]
        return tf.topk(scores, nTop, true).indices.dataSync() as Int32Array;
      });
      out.set(pred, start * nTop);
    }
  } finally {
    bankT?.dispose();
    packed?.panels.dispose();
    labels.dispose();
  }
  return out;
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
  };
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

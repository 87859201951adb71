/**
 * kNN evaluation: classifies every query row against a labelled bank (the classifier of
 * `knn_classifier.ts`, on the calling thread or over the workers of `knn_pool.ts`) and
 * scores top-1/top-5 against the query labels. Usable offline (features of a checkpoint)
 * and online (every N epochs, via {@link knnMonitor}).
 *
 * @module
 */
import { type KnnOptions, knnPredict, resolveKnnOptions } from "./knn_classifier.ts";
import { type KnnParallelOptions, knnPredictParallel, knnWorkerCount } from "./knn_pool.ts";
import {
  checkLabelled,
  extractFeatures,
  type FeatureFn,
  type FeatureMatrix,
  type ImageArray,
  type Labelled,
  numClassesOf,
} from "./features.ts";

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

/** Ranks `pred` (`nTop` classes per query, best first) against the query labels. */
function hits(pred: Int32Array, y: Int32Array, n: number, nTop: number): { hit1: number; hit5: number } {
  let hit1 = 0;
  let hit5 = 0;
  for (let i = 0; i < n; i++) {
    if (pred[i * nTop] === y[i]) hit1++;
    for (let j = 0; j < nTop; j++) {
      if (pred[i * nTop + j] === y[i]) {
        hit5++;
        break;
      }
    }
  }
  return { hit1, hit5 };
}

/** How the best-voted classes are predicted: on this thread, or by a pool of workers. */
type Predict<P> = (bank: Labelled<FeatureMatrix>, query: FeatureMatrix, opts: KnnOptions, nTop: number) => P;

/**
 * The one body of {@link knnEvaluate} and {@link knnEvaluateParallel}: checks the inputs,
 * predicts the 5 best-voted classes with `predict` and scores them, synchronously when
 * `predict` is.
 */
function evaluate(
  bank: Labelled<FeatureMatrix>,
  query: Labelled<FeatureMatrix>,
  opts: KnnParallelOptions,
  predict: Predict<Int32Array>,
): KnnResult;
function evaluate(
  bank: Labelled<FeatureMatrix>,
  query: Labelled<FeatureMatrix>,
  opts: KnnParallelOptions,
  predict: Predict<Promise<Int32Array>>,
): Promise<KnnResult>;
function evaluate(
  bank: Labelled<FeatureMatrix>,
  query: Labelled<FeatureMatrix>,
  opts: KnnParallelOptions,
  predict: Predict<Int32Array | Promise<Int32Array>>,
): KnnResult | Promise<KnnResult> {
  checkLabelled(query, "kNN query (test)");
  checkLabelled(bank, "kNN bank (train)");
  const { k, t, batchSize } = resolveKnnOptions(opts, bank.x.n);
  const numClasses = opts.numClasses ?? numClassesOf(bank, query);
  const t0 = performance.now();
  const nTop = Math.min(5, numClasses);
  const score = (pred: Int32Array): KnnResult => {
    const { hit1, hit5 } = hits(pred, query.y, query.x.n, nTop);
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
      workers: knnWorkerCount(opts, query.x.n, batchSize),
    };
  };
  const pred = predict(bank, query.x, { ...opts, numClasses }, nTop);
  return pred instanceof Promise ? pred.then(score) : score(pred);
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
  return evaluate(bank, query, { ...opts, workers: 1 }, knnPredict);
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
  return await evaluate(bank, query, opts, knnPredictParallel);
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
  resolveKnnOptions(opts, train.x.n);
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

/**
 * The evaluation room: kNN monitor, linear probe, label efficiency, similarity analysis,
 * temperature statistics and collapse indicators. Every protocol takes features (or a
 * feature function and images) and returns a plain JSON result record.
 *
 * @module
 */
export {
  checkLabelled,
  evalFeatureFn,
  extractFeatures,
  extractHeadFeatures,
  type ExtractOptions,
  type FeatureFn,
  type FeatureMatrix,
  featureMatrix,
  type HeadFeatureFn,
  type ImageArray,
  imageBatch,
  type Labelled,
  type ModuleForward,
  numClassesOf,
  pixelFeatures,
  selectImages,
  selectRows,
} from "./features.ts";
export { labelledSplit, splitImages } from "./split_input.ts";
export { knnEvaluate, knnEvaluateParallel, knnMonitor, type KnnResult } from "./knn.ts";
export { type KnnOptions, knnPredict } from "./knn_classifier.ts";
export { autoKnnWorkers, type KnnParallelOptions, knnPredictParallel } from "./knn_pool.ts";
export {
  linearProbe,
  type LinearProbeOptions,
  type LinearProbeResult,
  resolveProbeOptions,
} from "./linear.ts";
export {
  DEFAULT_LABELS_PER_CLASS,
  labelEfficiency,
  type LabelEfficiencyResult,
  labelSubset,
} from "./label_efficiency.ts";
export {
  type AugmentFn,
  drawPairs,
  type PairContext,
  type PairValues,
  phiTemperature,
  similarityAnalysis,
  type SimilarityExample,
  type SimilarityModel,
  type SimilarityOptions,
  type SimilarityResult,
  type TemperatureFn,
} from "./similarity.ts";
export {
  AT_TAU_MIN_TOLERANCE,
  type EpochTemperatureSummary,
  type HeadTauValues,
  histogram,
  type HistogramOptions,
  shareAtTauMin,
  summarizeTemperatures,
  tauStats,
  TEMPERATURE_COLLAPSE_SHARE,
  temperatureCollapsed,
  temperatureHistograms,
} from "../core/temperature_stats.ts";
export {
  collapseInfo,
  effectiveRank,
  meanPairwiseCosine,
  type RepresentationStats,
  representationStats,
} from "./collapse.ts";
export type { CollapseInfo } from "./collapse_info.ts";
export { symmetricEigenvalues } from "./eigen.ts";
export {
  EVAL_PROTOCOLS,
  type EvalModel,
  type EvalProtocol,
  type EvalRecord,
  type EvalRequest,
  runEvaluation,
} from "./run_eval.ts";

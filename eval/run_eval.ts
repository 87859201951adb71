/**
 * One evaluation run as the CLI (and the grid runner) asks for it: open the dataset, get the
 * features (raw pixels, or a model's), run one protocol, return a plain JSON record.
 *
 * Checkpoint evaluation takes a model rebuilt from a checkpoint folder as an
 * {@link EvalModel}; this file never imports methods: the CLI (eval_main.ts) rebuilds it
 * with benchmarks/checkpoint_model.ts and passes it in.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { check, UserError } from "../core/errors.ts";
import { Augmenter } from "../datasets/augment.ts";
import type { Dataset } from "../datasets/dataset.ts";
import {
  extractFeatures,
  type FeatureFn,
  type FeatureMatrix,
  type HeadFeatureFn,
  type ImageArray,
  type Labelled,
  pixelFeatures,
} from "./features.ts";
import { labelledSplit, splitImages } from "./split_input.ts";
import { knnEvaluateParallel, type KnnResult } from "./knn.ts";
import { autoKnnWorkers } from "./knn_pool.ts";
import { linearProbe, type LinearProbeResult } from "./linear.ts";
import { DEFAULT_LABELS_PER_CLASS, labelEfficiency, type LabelEfficiencyResult } from "./label_efficiency.ts";
import {
  type AugmentFn,
  similarityAnalysis,
  type SimilarityResult,
  type TemperatureFn,
} from "./similarity.ts";

/** The protocols `deno task eval` runs. */
export const EVAL_PROTOCOLS = ["knn", "linear", "labels", "similarity"] as const;
/** One protocol name. */
export type EvalProtocol = typeof EVAL_PROTOCOLS[number];

/** A model to evaluate (eval mode): methods' `MethodModel` fits, plus its temperatures. */
export interface EvalModel {
  /** Backbone features [B, F]. */
  features: FeatureFn;
  /** Head features [B, C, D]. */
  headFeatures?: HeadFeatureFn;
  /** Learned temperatures (AMCL) or the constant τ (baselines), for the similarity analysis. */
  temperature?: TemperatureFn | number;
  /** Whether the probe puts a non-affine BatchNorm before the classifier (ViT methods). */
  probeBatchNorm?: boolean;
  /** Input normalisation before `features` (the dataset's mean/std), when the model wants it. */
  normalize?: (images: tf.Tensor4D) => tf.Tensor4D;
}

/** Settings of one evaluation run. */
export interface EvalRequest {
  protocol: EvalProtocol;
  dataset: Dataset;
  /** "pixels" for the raw-pixel baseline, or the model to evaluate. */
  features: "pixels" | EvalModel;
  /** Name of what was evaluated, for the record ("pixels" or a checkpoint path). */
  featuresName: string;
  backend: string;
  seed: number;
  k?: number;
  t?: number;
  epochs?: number;
  batchNorm?: boolean;
  perClass?: number[];
  pairs?: number;
  augs?: string;
  tau?: number;
  /** kNN: Web Workers sharing the query batches, or "auto" ({@link autoKnnWorkers}); default 1. */
  knnWorkers?: number | "auto";
  /** Called with one-line progress messages. */
  progress?: (line: string) => void;
}

/** The record of one evaluation run (plain JSON; the grid runner stores it). */
export interface EvalRecord {
  protocol: EvalProtocol;
  dataset: string;
  features: string;
  backend: string;
  seed: number;
  result: KnnResult | LinearProbeResult | LabelEfficiencyResult | SimilarityResult;
}

function featureFnOf(features: EvalRequest["features"]): FeatureFn {
  if (features === "pixels") return pixelFeatures;
  const m = features;
  return m.normalize ? (x) => m.features(m.normalize!(x)) : m.features;
}

async function labelledFeatures(req: EvalRequest, split: string): Promise<Labelled<FeatureMatrix>> {
  const ds = req.dataset;
  const images = labelledSplit(await ds.split(split), ds.name, ds.classes);
  req.progress?.(`features of ${ds.name}/${split} (${images.x.n} images)`);
  const x = extractFeatures(featureFnOf(req.features), images.x, {
    onBatch: (done, total) => req.progress?.(`features of ${ds.name}/${split}: ${done}/${total}`),
  });
  return { x, y: images.y, numClasses: ds.classes };
}

/** Runs one protocol and returns its record. */
export async function runEvaluation(req: EvalRequest): Promise<EvalRecord> {
  const ds = req.dataset;
  check(
    "train" in ds.splits && "test" in ds.splits,
    () =>
      `dataset ${ds.name} has splits ${Object.keys(ds.splits).join(", ")}; evaluation needs train and test`,
  );
  let result: EvalRecord["result"];
  const probeBn = req.batchNorm ?? (req.features !== "pixels" && (req.features.probeBatchNorm ?? false));
  switch (req.protocol) {
    case "knn": {
      const train = await labelledFeatures(req, "train");
      const test = await labelledFeatures(req, "test");
      const workers = req.knnWorkers === "auto"
        ? autoKnnWorkers(train.x.n, test.x.n, train.x.dim)
        : req.knnWorkers ?? 1;
      req.progress?.(`kNN classification (${workers} thread${workers > 1 ? "s" : ""})`);
      result = await knnEvaluateParallel(train, test, {
        k: req.k,
        t: req.t,
        numClasses: ds.classes,
        workers,
      });
      break;
    }
    case "linear": {
      const train = await labelledFeatures(req, "train");
      const test = await labelledFeatures(req, "test");
      result = linearProbe(train, test, {
        epochs: req.epochs,
        seed: req.seed,
        batchNorm: probeBn,
        numClasses: ds.classes,
        onEpoch: (e, loss) => req.progress?.(`probe epoch ${e}: loss ${loss.toFixed(4)}`),
      });
      break;
    }
    case "labels": {
      const train = await labelledFeatures(req, "train");
      const test = await labelledFeatures(req, "test");
      result = labelEfficiency(train, test, req.perClass ?? DEFAULT_LABELS_PER_CLASS, {
        epochs: req.epochs,
        seed: req.seed,
        batchNorm: probeBn,
        numClasses: ds.classes,
      });
      break;
    }
    case "similarity": {
      const split = await ds.split("test");
      const images: ImageArray = splitImages(split);
      const aug = new Augmenter(req.augs ?? "default", ds);
      // Raw pixels stay in [0, 1] (as the kNN baseline); a model gets its own normalisation.
      const augment: AugmentFn = (x, rng) => aug.applyParams(x, aug.sample(x.shape[0], rng));
      const model = req.features === "pixels" ? null : req.features;
      result = similarityAnalysis(images, augment, {
        features: featureFnOf(req.features),
        headFeatures: model?.headFeatures
          ? (model.normalize ? (x) => model.headFeatures!(model.normalize!(x)) : model.headFeatures)
          : undefined,
        temperature: req.tau ?? model?.temperature ?? 0.5,
      }, { pairs: req.pairs, seed: req.seed });
      break;
    }
    default:
      throw new UserError(`unknown protocol "${req.protocol}"; use one of ${EVAL_PROTOCOLS.join(", ")}`);
  }
  return {
    protocol: req.protocol,
    dataset: ds.name,
    features: req.featuresName,
    backend: req.backend,
    seed: req.seed,
    result,
  };
}

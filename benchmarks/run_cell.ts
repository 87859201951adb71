/**
 * The real cell executor: dataset → augmentations → method (registry) → training loop with
 * per-epoch checkpoints in the cell's folder (exact resume; the checkpoint stores the full
 * configuration, so `deno task eval --checkpoint` can rebuild the model) → evaluation (kNN
 * monitor, linear probe, label efficiency, similarity analysis, temperature histograms,
 * collapse indicators) → the {@link CellRecord}, with the environment of the run.
 *
 * Training always drops the last partial batch (every step sees `batchSize` images; Barlow
 * Twins AMCL needs it), so a training split smaller than one batch is a UserError.
 *
 * Extras read here (beyond the method's own): `trainSize`, `testSize` (use the first N of a
 * seeded shuffle of a split; the embedded set is generated at that size), `dropLast` (only
 * `true` is accepted), `knnK` (200), `knnT` (0.1), `lrGranularity` ("step" | "epoch"),
 * `simPairs` (pairs of the similarity analysis, default from the method's defaults; 0 skips
 * it).
 *
 * Tests stop a cell at a chosen point (mid-epoch, after training, during evaluation) with
 * `AMCL_HALT_AT` (see `halt.ts`) and kill it there.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { nativeMemoryFor } from "./native_memory.ts";
import { initBackend } from "../core/backend.ts";
import { captureEnv } from "../core/env.ts";
import { Augmenter } from "../datasets/augment.ts";
import { buildMethod, trainPlanFor } from "../methods/registry.ts";
import { backboneFamily } from "../methods/backbone.ts";
import type { MethodModel } from "../methods/method_model.ts";
import { train } from "../methods/train.ts";
import {
  collapseInfo,
  extractFeatures,
  type FeatureMatrix,
  type ImageArray,
  knnEvaluate,
  labelEfficiency,
  labelledSplit,
  linearProbe,
  similarityAnalysis,
} from "../eval/mod.ts";
import type { CellExecutor } from "./executor.ts";
import type { CellConfig } from "../core/cell_config.ts";
import { type CellRecord, RECORD_SCHEMA } from "./record.ts";
import { cellTrainData, openCellData } from "./cell_data.ts";
import { temperatureEpochs, TemperatureHistograms } from "./tau_histograms.ts";
import { haltAt } from "./halt.ts";

function extraNum(c: CellConfig, key: string, fallback: number): number {
  const v = c.extra[key];
  return typeof v === "number" ? v : fallback;
}

function minClassCount(labels: Int32Array, classes: number): number {
  const counts = new Array(classes).fill(0);
  for (const l of labels) if (l >= 0) counts[l]++;
  return Math.min(...counts);
}

/** Head features of the test images, one matrix per head. */
function headMatrices(
  model: MethodModel,
  images: ImageArray,
  norm: (x: tf.Tensor4D) => tf.Tensor4D,
): FeatureMatrix[] {
  const perHead: Float32Array[] = [];
  let dim = 0;
  const batch = 256;
  for (let start = 0; start < images.n; start += batch) {
    const end = Math.min(images.n, start + batch);
    const { data, shape } = tf.tidy(() => {
      const x = extractBatch(images, start, end);
      const y = model.headFeatures(norm(x));
      return { data: y.dataSync() as Float32Array, shape: y.shape };
    });
    const [, heads, d] = shape;
    dim = d;
    if (perHead.length === 0) {
      for (let h = 0; h < heads; h++) perHead.push(new Float32Array(images.n * d));
    }
    for (let i = 0; i < end - start; i++) {
      for (let h = 0; h < heads; h++) {
        perHead[h].set(data.subarray((i * heads + h) * d, (i * heads + h + 1) * d), (start + i) * d);
      }
    }
  }
  return perHead.map((data) => ({ data, n: images.n, dim }));
}

function extractBatch(images: ImageArray, start: number, end: number): tf.Tensor4D {
  const per = images.height * images.width * images.channels;
  const src = images.data.subarray(start * per, end * per);
  const f = src instanceof Float32Array ? src : Float32Array.from(src, (v) => v / 255);
  return tf.tensor4d(f, [end - start, images.height, images.width, images.channels]);
}

/** Trains and evaluates one cell. */
export const executeCell: CellExecutor = async (config, ctx) => {
  const startedAt = new Date().toISOString();
  const halt = haltAt(ctx.id);
  // Data first (no tensors yet): its image size decides where the native backend keeps tensors.
  const { source: dataset, train: trainSplit, test: testSplit } = await openCellData(config);
  const memory = nativeMemoryFor({ ...config, views: 2, size: dataset.shape[0] });
  const backend = await initBackend(ctx.backend, {
    ...(ctx.threads ? { threads: ctx.threads } : {}),
    memory,
  });
  const env = captureEnv(backend);
  const rng = new Rng(config.seed);

  // Data.
  const trainSet = labelledSplit(trainSplit, dataset.name, dataset.classes);
  const testSet = labelledSplit(testSplit, dataset.name, dataset.classes);
  if (config.labelsPerClass.length) {
    const have = minClassCount(trainSplit.labels, dataset.classes);
    const over = config.labelsPerClass.filter((n) => n > have);
    if (over.length) {
      throw new UserError(
        `labelsPerClass ${over.join(", ")} exceed the ${have} training images of the smallest class of ` +
          `${dataset.name}; lower labelsPerClass or use more training images`,
      );
    }
  }
  if (config.extra.dropLast !== undefined && config.extra.dropLast !== true) {
    throw new UserError(
      `extra.dropLast = ${JSON.stringify(config.extra.dropLast)}: training always drops the last partial ` +
        `batch (Barlow Twins AMCL needs full batches); remove the setting or set it to true`,
    );
  }
  if (trainSplit.size < config.batchSize) {
    throw new UserError(
      `${dataset.name} has ${trainSplit.size} training images${
        trainSplit.size < dataset.splits.train ? " (extra.trainSize)" : ""
      }, fewer than one batch of ${config.batchSize}; lower batchSize or use more training images`,
    );
  }
  const simPairs = config.extra.simPairs;
  if (
    simPairs !== undefined && !(typeof simPairs === "number" && Number.isInteger(simPairs) && simPairs >= 0)
  ) {
    throw new UserError(
      `extra.simPairs = ${
        JSON.stringify(simPairs)
      }; expected an integer ≥ 0 (0 skips the similarity analysis)`,
    );
  }
  const augmenter = new Augmenter(config.augs, dataset);
  const norm = (x: tf.Tensor4D) => augmenter.normalise(x);
  const data = cellTrainData(config, trainSplit, augmenter);

  // Model and plan.
  const image = { size: dataset.shape[0], channels: dataset.shape[2] };
  const model = buildMethod(config, image, rng.derive("model"));
  try {
    const plan = trainPlanFor(config);
    if (config.extra.lrGranularity === "epoch" || config.extra.lrGranularity === "step") {
      for (const s of plan.stages) s.schedule = { ...s.schedule, granularity: config.extra.lrGranularity };
    }
    const features = (x: tf.Tensor4D) => model.features(norm(x));
    const knnOpts = {
      k: Math.min(extraNum(config, "knnK", 200), trainSet.x.n),
      t: extraNum(config, "knnT", 0.1),
      numClasses: dataset.classes,
    };
    const knn = () => {
      const bank = { x: extractFeatures(features, trainSet.x), y: trainSet.y, numClasses: dataset.classes };
      const query = { x: extractFeatures(features, testSet.x), y: testSet.y, numClasses: dataset.classes };
      return { bank, query, result: knnEvaluate(bank, query, knnOpts) };
    };
    let peak = 0;
    const sample = () => {
      peak = Math.max(peak, Deno.memoryUsage().rss, tf.memory().numBytes);
    };
    const epochs = plan.stages.reduce((s, st) => s + st.epochs, 0);
    const histograms = new TemperatureHistograms(
      temperatureEpochs(epochs, config.knnEpochs),
      { tauMin: config.tauMin, tauMax: config.tauMax },
    );
    const result = await train(model, data, {
      plan,
      seed: config.seed,
      tauMin: config.variant === "amcl" ? config.tauMin : undefined,
      checkpoint: { dir: ctx.cellDir, configHash: ctx.id, config, image },
      callerState: histograms,
      stepTemperatures: (epoch) => histograms.wants(epoch + 1),
      onStep: (m) => {
        if (m.taus) histograms.add(m.epoch + 1, m.taus);
        if (m.step % 5 === 0) sample();
        ctx.progress({
          epoch: m.epoch + 1,
          epochs,
          step: m.step + 1,
          steps: data.stepsPerEpoch,
          loss: m.loss,
          imagesPerSec: m.imagesPerSec,
        });
        halt(`step:${m.epoch + 1}:${m.step + 1}`);
      },
      onEpoch: (point) => {
        sample();
        if (config.knnEpochs.includes(point.epoch)) point.knnTop1 = knn().result.top1;
      },
    });
    halt("trained");
    sample();
    const base = {
      schema: RECORD_SCHEMA as typeof RECORD_SCHEMA,
      id: ctx.id,
      preset: ctx.preset,
      config,
      curves: result.curves,
      cost: {
        secondsPerEpoch: result.secondsPerEpoch,
        peakMemoryBytes: peak,
        params: model.paramCounts(),
        headReduction: "sum" as const,
      },
    };
    const envOf = () => ({
      backend: env.backend,
      device: env.device,
      deno: env.deno,
      tfjs: env.tfjs,
      os: env.os,
      cpu: env.cpu,
      commit: env.commit,
      hostname: env.hostname,
      startedAt,
      finishedAt: new Date().toISOString(),
      ...(backend.threads ? { threads: backend.threads } : {}),
      ...(ctx.workers ? { workers: ctx.workers } : {}),
      ...(backend.memory ? { nativeMemory: backend.memory } : {}),
    });
    if (result.status !== "done") {
      const failed: CellRecord = {
        ...base,
        status: "failed",
        error: result.error ?? result.status,
        metrics: {},
        env: envOf(),
      };
      return failed;
    }

    // Evaluation of the final model.
    const final = knn();
    halt("eval");
    const metrics: CellRecord["metrics"] = { knnTop1: final.result.top1 };
    const vit = backboneFamily(config.backbone) === "vit";
    if (config.probeEpochs > 0) {
      const probe = linearProbe(final.bank, final.query, {
        epochs: config.probeEpochs,
        seed: config.seed,
        batchNorm: vit,
        numClasses: dataset.classes,
      });
      metrics.linearTop1 = probe.top1;
      metrics.linearTop5 = probe.top5;
    }
    if (config.labelsPerClass.length) {
      const le = labelEfficiency(final.bank, final.query, config.labelsPerClass, {
        epochs: config.probeEpochs > 0 ? config.probeEpochs : 100,
        seed: config.seed,
        batchNorm: vit,
        numClasses: dataset.classes,
      });
      metrics.labelEfficiency = le.top1ByPerClass;
    }
    const taus = result.lastTaus;
    const record: CellRecord = {
      ...base,
      status: "done",
      metrics,
      collapse: collapseInfo(
        headMatrices(model, testSet.x, norm),
        taus ? { values: concat([...taus.pos, ...taus.neg]), tauMin: config.tauMin } : undefined,
      ),
      env: envOf(),
    };
    const temperatures = histograms.entries();
    if (temperatures.length) record.temperatures = temperatures;
    if (simPairs !== 0) {
      const sm = model.similarityModel();
      const sim = similarityAnalysis(testSet.x, (x, r) => augmenter.view(x, r), sm, {
        pairs: simPairs as number | undefined,
        seed: config.seed,
      });
      record.similarity = {
        backbonePos: sim.backbonePos,
        backboneNeg: sim.backboneNeg,
        headPos: sim.headPos,
        headNeg: sim.headNeg,
        examples: sim.examples.map(({ a, b, positive, backbone, head }) => ({
          a,
          b,
          positive,
          backbone,
          head,
        })),
        pairs: sim.pairs,
        temperature: sm.temperatureNote,
        summary: sim.summary,
      };
    }
    record.env = envOf();
    return record;
  } finally {
    model.dispose();
  }
};

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

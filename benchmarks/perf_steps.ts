/**
 * Training steps at a perf row's shapes, through the training loop itself ({@link train}):
 * the cell a row stands for (the method's cpu-scale registry defaults), fixed inputs, and
 * {@link runSteps}, which builds the model once and trains it n steps at a time.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../core/random.ts";
import type { CellConfig } from "../core/cell_config.ts";
import { buildMethod, methodDefaults, trainPlanFor } from "../methods/registry.ts";
import { train, type TrainData, type TrainPlan } from "../methods/train.ts";

/** A cell for a step row: the method's cpu-scale registry defaults at the row's shapes. */
export function cellFor(
  row: {
    method: string;
    variant: "baseline" | "amcl";
    width: number;
    batch: number;
    extra?: Record<string, number>;
  },
): CellConfig {
  const d = methodDefaults(row.method, row.variant, "cpu");
  return {
    ...d,
    method: row.method,
    variant: row.variant,
    dataset: "embedded",
    width: d.backbone.startsWith("vit") ? d.width : row.width,
    epochs: 1,
    batchSize: row.batch,
    probeEpochs: 0,
    labelsPerClass: [],
    knnEpochs: [],
    scale: "cpu",
    seed: 0,
    extra: { ...d.extra, ...row.extra },
  };
}

/** Fixed inputs for the loop: the same two views every step (augmentation is not timed). */
function fixedData(batch: number, size: number, steps: number, rng: Rng): TrainData & { dispose(): void } {
  const n = batch * size * size * 3;
  const images = tf.tensor4d(rng.derive("images").uniforms(n), [batch, size, size, 3]);
  const v1 = tf.tensor4d(rng.derive("v1").normals(n), [batch, size, size, 3]);
  const v2 = tf.tensor4d(rng.derive("v2").normals(n), [batch, size, size, 3]);
  return {
    stepsPerEpoch: steps,
    batchSize: batch,
    *batches() {
      for (let i = 0; i < steps; i++) yield tf.clone(images);
    },
    views: () => [tf.clone(v1), tf.clone(v2)],
    dispose: () => tf.dispose([images, v1, v2]),
  };
}

/** Trains `model` for `steps` steps through the training loop, reporting each step. */
export async function runSteps(
  row: {
    method: string;
    variant: "baseline" | "amcl";
    width: number;
    batch: number;
    size: number;
    extra?: Record<string, number>;
  },
  onModel: (
    trainSteps: (n: number, onStep?: (ms: number) => void) => Promise<void>,
  ) => Promise<void>,
): Promise<void> {
  const cell = cellFor(row);
  const rng = new Rng(1);
  const model = buildMethod(cell, { size: row.size, channels: 3 }, rng.derive("model"));
  const plan: TrainPlan = trainPlanFor(cell);
  try {
    await onModel(async (n, onStep) => {
      const data = fixedData(row.batch, row.size, n, rng.derive(`data/${n}`));
      try {
        const res = await train(model, data, {
          plan,
          seed: 1,
          tauMin: cell.tauMin,
          maxStepsPerEpoch: n,
          stepTemperatures: () => false,
          onStep: (m) => onStep?.((row.batch / m.imagesPerSec) * 1000),
        });
        if (res.status !== "done") throw new Error(res.error ?? `training ${res.status}`);
      } finally {
        data.dispose();
      }
    });
  } finally {
    model.dispose();
  }
}

/** Trains the row's model `n` steps, reporting each step's ms. */
export type TrainSteps = (n: number, onStep?: (ms: number) => void) => Promise<void>;

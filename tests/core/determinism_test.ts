/**
 * Determinism (issue: foundation, item 8): one seeded random source drives weights, data
 * order and augmentations, so the same seed on the same backend gives identical first five
 * training losses, and another seed gives different ones. Runs the cell's own data path
 * (embedded dataset, batch order, augmentations) and the method registry's SimCLR-AMCL.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { Augmenter } from "../../datasets/augment.ts";
import { cellTrainData, openCellData } from "../../benchmarks/cell_data.ts";
import { buildMethod, trainPlanFor } from "../../methods/registry.ts";
import { train } from "../../methods/train.ts";
import { tinyCell } from "../methods/helpers.ts";

async function firstFiveLosses(seed: number): Promise<number[]> {
  const cell = tinyCell("simclr", "amcl", { dataset: "embedded", seed, batchSize: 16 }, {
    trainSize: 96,
    testSize: 32,
  });
  const { source, train: split } = await openCellData(cell);
  const data = cellTrainData(cell, split, new Augmenter(cell.augs, source));
  const model = buildMethod(
    cell,
    { size: source.shape[0], channels: source.shape[2] },
    new Rng(seed).derive("model"),
  );
  const losses: number[] = [];
  try {
    await train(model, data, {
      plan: trainPlanFor(cell),
      seed,
      tauMin: cell.tauMin,
      maxStepsPerEpoch: 5,
      onStep: (s) => losses.push(s.loss),
    });
  } finally {
    model.dispose();
  }
  return losses;
}

Deno.test("same seed, same backend: identical first five training losses; another seed differs", async () => {
  await initBackend("wasm");
  const a = await firstFiveLosses(11);
  // After the first run (one-time caches of the backend and kernels are made by then).
  const before = tf.memory().numTensors;
  const b = await firstFiveLosses(11);
  const c = await firstFiveLosses(12);
  assert.equal(a.length, 5);
  assert.ok(a.every(Number.isFinite), `finite losses: ${a}`);
  assert.deepEqual(b, a, "same seed must reproduce every loss bit for bit");
  assert.notDeepEqual(c, a, "a different seed must change the run");
  assert.equal(tf.memory().numTensors, before, "a whole run (model, data, training) leaves no tensor behind");
});

import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import type { FeatureMatrix, Labelled } from "../../eval/features.ts";
import { knnEvaluate, knnEvaluateParallel } from "../../eval/knn.ts";
import { knnPredict } from "../../eval/knn_classifier.ts";
import { autoKnnWorkers, knnPredictParallel } from "../../eval/knn_pool.ts";

await initBackend("wasm");

/** Noisy rows around one random centre per class, so the votes are neither trivial nor random. */
function blobs(seed: string, n: number, dim: number, classes: number): Labelled<FeatureMatrix> {
  const rng = new Rng(7).derive("centres");
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => rng.normal()));
  const r = new Rng(7).derive(seed);
  const data = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r.int(classes);
    for (let j = 0; j < dim; j++) data[i * dim + j] = centres[y[i]][j] + 2.5 * r.normal();
  }
  return { x: { data, n, dim }, y, numClasses: classes };
}

const bank = blobs("bank", 900, 40, 6);
const query = blobs("query", 301, 40, 6);

Deno.test("kNN workers: 2 and 3 workers give bit-identical votes to one thread (uneven last batch)", async () => {
  const opts = { k: 25, t: 0.1, batchSize: 32 };
  const one = knnPredict(bank, query.x, opts, 5);
  const two = await knnPredictParallel(bank, query.x, { ...opts, workers: 2 }, 5);
  const three = await knnPredictParallel(bank, query.x, { ...opts, workers: 3 }, 5);
  assert.deepEqual(two, one);
  assert.deepEqual(three, one);
  // Not a degenerate case: the classes are partly confused, and not all queries vote alike.
  const r1 = knnEvaluate(bank, query, opts);
  const r2 = await knnEvaluateParallel(bank, query, { ...opts, workers: 2 });
  assert.ok(r1.top1 > 0.3 && r1.top1 < 1, `top-1 ${r1.top1}`);
  assert.equal(new Set(one).size, 6);
  assert.equal(r2.top1, r1.top1);
  assert.equal(r2.top5, r1.top5);
  assert.equal(r2.workers, 2);
  assert.equal(r1.workers, 1);
});

Deno.test("kNN workers: one batch runs on the calling thread; bad counts and inputs are user errors", async () => {
  const r = await knnEvaluateParallel(bank, query, { k: 5, batchSize: 1000, workers: 4 });
  assert.equal(r.workers, 1);
  await assert.rejects(knnEvaluateParallel(bank, query, { k: 5, workers: 0 }), UserError);
  await assert.rejects(knnEvaluateParallel(bank, query, { k: 5, workers: 1.5 }), /positive integer/);
  await assert.rejects(knnEvaluateParallel(bank, query, { k: 901, workers: 2 }), /larger than the bank/);
});

Deno.test("kNN workers: the automatic count is 1 for small products, the CPU count for large ones", () => {
  assert.equal(autoKnnWorkers(900, 301, 40), 1);
  assert.equal(autoKnnWorkers(60000, 10000, 784), navigator.hardwareConcurrency);
});

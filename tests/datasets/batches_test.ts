import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { UserError } from "../../core/errors.ts";
import { BatchIterator } from "../../datasets/batches.ts";
import { generateEmbedded } from "../../datasets/embedded.ts";
import { subsetFraction, subsetPerClass } from "../../datasets/subset.ts";
import { classCounts } from "../../datasets/dataset.ts";

await initBackend("wasm");
const split = generateEmbedded(250, 0, "train");

Deno.test("iterator: every item once per epoch, float32 [B,H,W,C] in [0,1] matching the pixels", () => {
  const it = new BatchIterator(split, { batchSize: 64, rng: new Rng(1) });
  assert.equal(it.batchesPerEpoch, 4);
  const seen: number[] = [];
  for (const b of it.epoch(0)) {
    assert.equal(b.images.dtype, "float32");
    assert.deepEqual(b.images.shape.slice(1), [32, 32, 3]);
    assert.equal(b.labels.length, b.images.shape[0]);
    const v = b.images.dataSync();
    const i0 = b.indices[0];
    for (let k = 0; k < 3072; k += 97) assert.ok(Math.abs(v[k] - split.pixels[i0 * 3072 + k] / 255) < 1e-7);
    b.indices.forEach((i, j) => assert.equal(b.labels[j], split.labels[i]));
    seen.push(...b.indices);
    b.images.dispose();
  }
  assert.equal(seen.length, 250);
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 250 }, (_, i) => i));
  assert.notDeepEqual(seen, Array.from({ length: 250 }, (_, i) => i)); // shuffled
});

Deno.test("iterator: seeded, a new order each epoch, drop-last, no shuffle", () => {
  const a = new BatchIterator(split, { batchSize: 64, rng: new Rng(2) });
  const b = new BatchIterator(split, { batchSize: 64, rng: new Rng(2) });
  const c = new BatchIterator(split, { batchSize: 64, rng: new Rng(3) });
  assert.deepEqual(a.order(0), b.order(0));
  assert.deepEqual(a.order(5), b.order(5));
  assert.notDeepEqual(a.order(0), a.order(1));
  assert.notDeepEqual(a.order(0), c.order(0));
  const d = new BatchIterator(split, { batchSize: 64, rng: new Rng(2), dropLast: true });
  assert.equal(d.batchesPerEpoch, 3);
  assert.ok(d.batchIndices(0).every((x) => x.length === 64));
  const plain = new BatchIterator(split, { batchSize: 100, shuffle: false });
  assert.deepEqual(Array.from(plain.batchIndices(0)[2]), Array.from({ length: 50 }, (_, i) => 200 + i));
  assert.throws(() => new BatchIterator(split, { batchSize: 0, shuffle: false }), UserError);
  assert.throws(
    () => new BatchIterator(split, { batchSize: 300, dropLast: true, shuffle: false }),
    /fewer than one batch/,
  );
});

Deno.test("iterator: prefetched batches are disposed when the loop stops early", () => {
  const before = tf.memory().numTensors;
  const it = new BatchIterator(split, { batchSize: 32, rng: new Rng(4), prefetch: 3 });
  for (const b of it.epoch(0)) {
    b.images.dispose();
    break;
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("subsets: n per class and fixed fractions are deterministic views", () => {
  const s1 = subsetPerClass(split, 7, 10, new Rng(5));
  const s2 = subsetPerClass(split, 7, 10, new Rng(5));
  const s3 = subsetPerClass(split, 7, 10, new Rng(6));
  assert.equal(s1.size, 70);
  assert.deepEqual(classCounts(s1, 10), new Array(10).fill(7));
  assert.deepEqual(s1.records, s2.records);
  assert.notDeepEqual(s1.records, s3.records);
  assert.equal(s1.pixels, split.pixels); // shared storage, no copy
  s1.records.forEach((r, i) => assert.equal(s1.labels[i], split.labels[r]));
  assert.throws(() => subsetPerClass(split, 26, 10, new Rng(1)), /fewer than the 26 per class/);
  const f = subsetFraction(split, 0.2, 10, new Rng(7));
  assert.equal(f.size, 50);
  assert.deepEqual(classCounts(f, 10), new Array(10).fill(5));
  assert.deepEqual(subsetFraction(split, 0.2, 10, new Rng(7)).records, f.records);
  assert.throws(() => subsetFraction(split, 0, 10, new Rng(7)), UserError);
  // A batch of a subset reads the right images.
  const it = new BatchIterator(s1, { batchSize: 70, shuffle: false });
  for (const b of it.epoch(0)) {
    const v = b.images.dataSync();
    assert.ok(Math.abs(v[3072 * 5 + 11] - split.pixels[s1.records[5] * 3072 + 11] / 255) < 1e-7);
    b.images.dispose();
  }
});

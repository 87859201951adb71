import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { openDataset } from "../../datasets/registry.ts";
import { extractFeatures, type FeatureMatrix, type Labelled, pixelFeatures } from "../../eval/features.ts";
import { labelledSplit } from "../../eval/split_input.ts";
import { linearProbe } from "../../eval/linear.ts";
import { labelEfficiency, labelSubset } from "../../eval/label_efficiency.ts";

await initBackend("wasm");

const ds = await openDataset("cifar10-subset");
async function pixels(split: string): Promise<Labelled<FeatureMatrix>> {
  const s = labelledSplit(await ds.split(split), ds.name, ds.classes);
  return { x: extractFeatures(pixelFeatures, s.x), y: s.y, numClasses: ds.classes };
}
const train = await pixels("train");
const test = await pixels("test");

Deno.test("linear probe on raw CIFAR-subset pixels beats chance widely and is deterministic for a seed", () => {
  const a = linearProbe(train, test, { epochs: 5, seed: 3 });
  assert.equal(a.protocol, "linear");
  assert.equal(a.trainSize, 4000);
  assert.equal(a.dim, 3072);
  assert.ok(a.top1 >= 0.2, `top-1 ${a.top1} should be at least twice chance (0.1)`);
  assert.ok(a.top5 > a.top1 && a.top5 >= 0.6, `top-5 ${a.top5}`);
  const b = linearProbe(train, test, { epochs: 5, seed: 3 });
  assert.equal(b.top1, a.top1);
  assert.equal(b.top5, a.top5);
  assert.equal(b.finalLoss, a.finalLoss);
  const c = linearProbe(train, test, { epochs: 5, seed: 4 });
  assert.notEqual(c.finalLoss, a.finalLoss, "another seed should shuffle and initialise differently");
});

Deno.test("linear probe with non-affine BatchNorm (ViT protocol) trains, deterministically", () => {
  const r = linearProbe(train, test, { epochs: 3, seed: 1, batchNorm: true });
  assert.equal(r.batchNorm, true);
  assert.ok(r.top1 >= 0.2, `top-1 ${r.top1}`);
  assert.ok(Number.isFinite(r.finalLoss));
  const again = linearProbe(train, test, { epochs: 3, seed: 1, batchNorm: true });
  assert.equal(again.finalLoss, r.finalLoss);
});

Deno.test("label subsets: n per class, deterministic, nested across n", () => {
  const s10 = labelSubset(train.y, 10, 10, 7);
  const s20 = labelSubset(train.y, 10, 20, 7);
  assert.equal(s10.length, 100);
  const counts = new Array(10).fill(0);
  for (const i of s10) counts[train.y[i]]++;
  assert.deepEqual(counts, new Array(10).fill(10));
  assert.deepEqual(Array.from(labelSubset(train.y, 10, 10, 7)), Array.from(s10));
  const in20 = new Set(s20);
  assert.ok(Array.from(s10).every((i) => in20.has(i)), "the 10-per-class set is inside the 20-per-class set");
  assert.notDeepEqual(Array.from(labelSubset(train.y, 10, 10, 8)), Array.from(s10));
  assert.throws(
    () => labelSubset(train.y, 10, 500, 7),
    (e: Error) => e instanceof UserError && /fewer than 500/.test(e.message),
  );
});

Deno.test("label efficiency: more labels per class help; one record per n", () => {
  const r = labelEfficiency(train, test, [10, 200], { epochs: 20, seed: 2 });
  assert.equal(r.protocol, "labels");
  assert.deepEqual(r.points.map((p) => p.trainSize), [100, 2000]);
  assert.deepEqual(Object.keys(r.top1ByPerClass), ["10", "200"]);
  assert.ok(r.points[0].top1 > 0.12, `10/class top-1 ${r.points[0].top1}`);
  assert.ok(
    r.points[1].top1 > r.points[0].top1,
    `200/class ${r.points[1].top1} vs 10/class ${r.points[0].top1}`,
  );
});

Deno.test("linear probe: bad input gives clear UserErrors", () => {
  const small = { x: { data: new Float32Array(6), n: 3, dim: 2 }, y: Int32Array.from([0, 1]) };
  assert.throws(() => linearProbe(small, small), /3 rows but 2 labels/);
  const other = { x: { data: new Float32Array(3), n: 1, dim: 3 }, y: Int32Array.from([0]) };
  const ok = { x: { data: new Float32Array(4), n: 2, dim: 2 }, y: Int32Array.from([0, 1]) };
  assert.throws(() => linearProbe(ok, other), /2 dims but test features 3/);
  assert.throws(() => linearProbe(ok, ok, { epochs: 0 }), /epochs must be a positive integer/);
  assert.throws(() => linearProbe({ x: ok.x, y: new Int32Array(0) }, ok), /has no labels/);
});

import assert from "node:assert/strict";
import { EMBEDDED_CLASSES, generateEmbedded, openEmbedded } from "../../datasets/embedded.ts";
import { classCounts } from "../../datasets/dataset.ts";

Deno.test("embedded: deterministic by seed, different across seeds and splits", () => {
  const a = generateEmbedded(200, 3, "train");
  const b = generateEmbedded(200, 3, "train");
  const c = generateEmbedded(200, 4, "train");
  const d = generateEmbedded(200, 3, "test");
  assert.deepEqual(a.pixels, b.pixels);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.pixels, c.pixels);
  assert.notDeepEqual(a.pixels, d.pixels);
});

Deno.test("embedded: ≥ 10 balanced classes, coloured 32×32 images", async () => {
  const ds = openEmbedded({ sizes: { train: 1000, test: 200 } });
  assert.ok(ds.classes >= 10);
  assert.equal(ds.classNames.length, ds.classes);
  assert.deepEqual(ds.shape, [32, 32, 3]);
  const train = await ds.split("train");
  assert.deepEqual(classCounts(train, ds.classes), new Array(ds.classes).fill(100));
  const test = await ds.split("test");
  assert.deepEqual(classCounts(test, ds.classes), new Array(ds.classes).fill(20));
  // Coloured: channels differ in most images.
  let coloured = 0;
  for (let i = 0; i < 100; i++) {
    const o = i * 3072;
    let diff = 0;
    for (let p = 0; p < 3072; p += 3) diff += Math.abs(train.pixels[o + p] - train.pixels[o + p + 1]);
    if (diff / 1024 > 10) coloured++;
  }
  assert.ok(coloured > 80, `only ${coloured}/100 coloured images`);
  assert.equal(EMBEDDED_CLASSES.length, ds.classes);
});

Deno.test("embedded: class is not told by colour (mean-colour classifier near chance)", () => {
  const train = generateEmbedded(2000, 1, "train");
  const test = generateEmbedded(500, 1, "test");
  const k = EMBEDDED_CLASSES.length;
  const meanColour = (s: typeof train, i: number) => {
    const m = [0, 0, 0];
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) m[c] += s.pixels[i * 3072 + p * 3 + c] / 1024;
    return m;
  };
  const centroids = Array.from({ length: k }, () => [0, 0, 0]);
  const counts = new Array(k).fill(0);
  for (let i = 0; i < train.size; i++) {
    const m = meanColour(train, i);
    for (let c = 0; c < 3; c++) centroids[train.labels[i]][c] += m[c];
    counts[train.labels[i]]++;
  }
  centroids.forEach((cen, j) => cen.forEach((_, c) => (cen[c] /= counts[j])));
  let ok = 0;
  for (let i = 0; i < test.size; i++) {
    const m = meanColour(test, i);
    let best = 0, bestD = Infinity;
    centroids.forEach((cen, j) => {
      const d = cen.reduce((s, v, c) => s + (v - m[c]) ** 2, 0);
      if (d < bestD) [bestD, best] = [d, j];
    });
    if (best === test.labels[i]) ok++;
  }
  assert.ok(
    ok / test.size < 0.3,
    `mean colour predicts the class ${((ok / test.size) * 100).toFixed(1)}% of the time`,
  );
});

Deno.test("embedded: a few thousand images generate quickly", () => {
  const t = performance.now();
  generateEmbedded(3000, 9, "train");
  const ms = performance.now() - t;
  // Loose bound (shared CI machines): the target is well under a second.
  assert.ok(ms < 5000, `3000 images took ${ms.toFixed(0)} ms`);
});

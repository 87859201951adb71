import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { locateDataset, openDataset } from "../../datasets/registry.ts";
import { extractFeatures, pixelFeatures } from "../../eval/features.ts";
import { labelledSplit } from "../../eval/split_input.ts";
import { knnEvaluate } from "../../eval/knn.ts";

const where = await locateDataset("fashion-mnist");
if (!where.present) {
  console.warn(
    `skipping the Fashion-MNIST kNN reference test: dataset not found (looked in ${
      where.looked.join(", ")
    }); ` +
      "install Debian's dataset-fashion-mnist or run `deno task data:fetch fashion-mnist`",
  );
}

Deno.test({
  name: "kNN on raw Fashion-MNIST pixels (60k → 10k, k 200, t 0.1) gives the reference 78.85% ± 0.1",
  ignore: !where.present,
  fn: async () => {
    await initBackend("wasm");
    const ds = await openDataset("fashion-mnist");
    const feats = async (split: string) => {
      const s = labelledSplit(await ds.split(split), ds.name, ds.classes);
      return { x: extractFeatures(pixelFeatures, s.x, { batchSize: 2048 }), y: s.y, numClasses: ds.classes };
    };
    const train = await feats("train");
    const test = await feats("test");
    assert.equal(train.x.n, 60000);
    assert.equal(test.x.n, 10000);
    assert.equal(train.x.dim, 784);
    const r = knnEvaluate(train, test);
    console.log(`kNN 60k × 10k × 784 on wasm: top-1 ${r.top1}, ${r.seconds.toFixed(1)} s`);
    assert.ok(Math.abs(r.top1 - 0.7885) <= 0.001, `top-1 ${r.top1} is not 0.7885 ± 0.001`);
    assert.equal(r.k, 200);
    assert.equal(r.t, 0.1);
  },
});

import assert from "node:assert/strict";
import { openDataset } from "../../datasets/registry.ts";
import { CIFAR10_CLASSES } from "../../datasets/cifar.ts";
import { classCounts } from "../../datasets/dataset.ts";
import { locateFashionMnist } from "../../datasets/fashion_mnist.ts";

const SUBSET = new URL("../../../shared/data/cifar10-subset/", import.meta.url);

Deno.test("cifar10-subset: 4000/1000 images, class names, first labels", async () => {
  const ds = await openDataset("cifar10-subset");
  assert.deepEqual(ds.splits, { train: 4000, test: 1000 });
  assert.deepEqual(ds.shape, [32, 32, 3]);
  assert.equal(ds.classes, 10);
  assert.deepEqual([...ds.classNames], [...CIFAR10_CLASSES]);
  const train = await ds.split("train");
  const test = await ds.split("test");
  assert.equal(train.size, 4000);
  assert.equal(test.size, 1000);
  const names = (s: typeof train) => Array.from(s.labels.subarray(0, 5), (l) => ds.classNames[l]);
  assert.deepEqual(names(train), ["frog", "truck", "truck", "deer", "automobile"]);
  assert.deepEqual(names(test), ["cat", "ship", "ship", "airplane", "frog"]);
  // Per-class counts from the subset's README.
  assert.deepEqual(classCounts(train, 10), [396, 366, 420, 384, 422, 393, 414, 385, 407, 413]);
  // Same split object on a second call: the pixels are held once.
  assert.equal(await ds.split("train"), train);
});

Deno.test("cifar10-subset: planar CIFAR bytes become HWC pixels", async () => {
  const raw = await Deno.readFile(new URL("cifar10_test_1000.bin", SUBSET));
  const ds = await openDataset("cifar10-subset");
  const test = await ds.split("test");
  for (const [n, y, x] of [[0, 0, 0], [7, 5, 31], [999, 31, 17]]) {
    for (let c = 0; c < 3; c++) {
      const want = raw[n * 3073 + 1 + c * 1024 + y * 32 + x];
      assert.equal(
        test.pixels[((n * 32 + y) * 32 + x) * 3 + c],
        want,
        `record ${n} (${y},${x}) channel ${c}`,
      );
    }
  }
  // Mean/std are computed from the train split and look like CIFAR-10's.
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(ds.mean[c] - [0.4914, 0.4822, 0.4465][c]) < 0.02, `mean ${ds.mean}`);
    assert.ok(Math.abs(ds.std[c] - [0.247, 0.2435, 0.2616][c]) < 0.02, `std ${ds.std}`);
  }
});

Deno.test("a path to CIFAR-layout files works as a dataset name", async () => {
  const path = new URL("cifar10_test_1000.bin", SUBSET).pathname;
  const ds = await openDataset(path);
  assert.deepEqual(ds.splits, { train: 1000 });
  const s = await ds.split("train");
  assert.equal(ds.classNames[s.labels[0]], "cat");
});

const FASHION = await locateFashionMnist();
if (!FASHION.dir) {
  console.log(`fashion-mnist not installed (looked in ${FASHION.looked.join(", ")}): test skipped`);
}

Deno.test({
  name: "fashion-mnist: 60000/10000, one channel, balanced, first labels",
  ignore: !FASHION.dir,
  fn: async () => {
    const ds = await openDataset("fashion-mnist");
    assert.deepEqual(ds.shape, [28, 28, 1]);
    assert.equal(ds.channels, 1);
    const train = await ds.split("train");
    const test = await ds.split("test");
    assert.equal(train.size, 60000);
    assert.equal(test.size, 10000);
    assert.equal(train.pixels.length, 60000 * 784);
    assert.deepEqual(Array.from(train.labels.subarray(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    assert.deepEqual(Array.from(test.labels.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    assert.deepEqual(classCounts(train, 10), new Array(10).fill(6000));
    assert.deepEqual(classCounts(test, 10), new Array(10).fill(1000));
    assert.equal(ds.classNames[9], "Ankle boot");
    // Not all black: the images have content.
    let sum = 0;
    for (let i = 0; i < 784; i++) sum += train.pixels[i];
    assert.ok(sum > 784 * 20, "first image is nearly empty");
  },
});

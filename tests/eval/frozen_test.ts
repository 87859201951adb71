import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { openDataset } from "../../datasets/registry.ts";
import { Augmenter } from "../../datasets/augment.ts";
import { Linear } from "../../models/layers.ts";
import { applyUpdates, ctx, type Module } from "../../models/module.ts";
import { ResNet } from "../../models/resnet.ts";
import { TemperatureMlp } from "../../models/temperature.ts";
import {
  evalFeatureFn,
  extractFeatures,
  extractHeadFeatures,
  imageBatch,
  selectImages,
} from "../../eval/features.ts";
import { labelledSplit } from "../../eval/split_input.ts";
import { knnMonitor } from "../../eval/knn.ts";
import { linearProbe } from "../../eval/linear.ts";
import { phiTemperature, similarityAnalysis } from "../../eval/similarity.ts";
import { collapseInfo } from "../../eval/collapse.ts";

await initBackend("wasm");

function snapshot(m: Module): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [path, v] of m.state()) {
    const d = v.dataSync() as Float32Array;
    out.set(path, new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)));
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

Deno.test("evaluation never updates the backbone, heads or φ (bit-identical weights and BN statistics)", () => {
  return (async () => {
    const ds = await openDataset("cifar10-subset");
    const first = (s: Awaited<ReturnType<typeof ds.split>>, n: number) => {
      const l = labelledSplit(s, ds.name, ds.classes);
      const idx = Int32Array.from({ length: n }, (_, i) => i);
      return { x: selectImages(l.x, idx), y: l.y.slice(0, n), numClasses: ds.classes };
    };
    const train = first(await ds.split("train"), 96);
    const test = first(await ds.split("test"), 32);
    const rng = new Rng(5);
    const net = new ResNet(rng.derive("backbone"), { depth: 18, width: 1 / 16, imageSize: 32 });
    const head = new Linear(rng.derive("head"), net.featureDim, 16);
    const phi = new TemperatureMlp(rng.derive("phi"), 16, 8);
    // Make the BN running statistics non-trivial, as after training.
    for (const b of net.buffers()) b.variable.assign(tf.add(b.variable, tf.scalar(0.25)));
    const before = [snapshot(net), snapshot(head), snapshot(phi)];
    const tensorsBefore = tf.memory().numTensors;

    const encoder = evalFeatureFn((x, c) => net.forward(x, c));
    // Two "heads": the linear head and its negation, as [B, C, D].
    const heads = (x: tf.Tensor4D) => {
      const z = head.forward(encoder(x));
      return tf.stack([z, tf.neg(z)], 1) as tf.Tensor3D;
    };
    const knn = knnMonitor(encoder, train, test, { k: 10 });
    assert.ok(knn.top1 >= 0 && knn.top1 <= 1 && knn.dim === net.featureDim);
    const feats = { x: extractFeatures(encoder, train.x, { batchSize: 40 }), y: train.y, numClasses: 10 };
    const tfeats = { x: extractFeatures(encoder, test.x), y: test.y, numClasses: 10 };
    linearProbe(feats, tfeats, { epochs: 2, seed: 1 });
    assert.equal(
      tf.memory().numTensors,
      tensorsBefore,
      "kNN, feature extraction or the probe leaked tensors",
    );
    const aug = new Augmenter("default", ds);
    const sim = similarityAnalysis(test.x, (x, r) => aug.view(x, r), {
      features: encoder,
      headFeatures: heads,
      temperature: phiTemperature((z) => phi.forward(z), 1e-5, 2),
    }, { pairs: 20, examples: 2 });
    assert.equal(sim.positives.backbone.length, 20);
    const info = collapseInfo(extractHeadFeatures(heads, test.x, { batchSize: 12 }));
    assert.equal(info.effectiveRank.length, 2);
    assert.ok(info.effectiveRank[0] >= 1 && info.effectiveRank[0] <= 16, `${info.effectiveRank}`);

    const after = [snapshot(net), snapshot(head), snapshot(phi)];
    for (let m = 0; m < 3; m++) {
      assert.equal(after[m].size, before[m].size);
      for (const [path, bytes] of before[m]) assert.deepEqual(after[m].get(path), bytes, `${path} changed`);
    }
    // Control: a training-mode forward with its BN updates applied does change the snapshot,
    // so the comparison above can fail.
    const c = ctx(true);
    tf.tidy(() => net.forward(imageBatch(test.x, 0, 8), c));
    applyUpdates(c);
    const trained = snapshot(net);
    assert.ok([...before[0]].some(([path, bytes]) => !sameBytes(trained.get(path)!, bytes)));
    net.dispose();
    head.dispose();
    phi.dispose();
  })();
});

import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import { applyUpdates, ctx, type Module, ResNet, scaledChannels } from "../../models/mod.ts";

await initBackend("cpu");

function randImages(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).normals(shape.reduce((a, b) => a * b)), shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

Deno.test("ResNet parameter counts match the reference models (no fc)", () => {
  const cases: Array<[18 | 34 | 50, "cifar" | "imagenet", number]> = [
    [18, "cifar", 11_168_832], // spec: 11.17 M
    [18, "imagenet", 11_176_512], // torchvision resnet18 11,689,512 − fc 513,000
    [34, "imagenet", 21_284_672], // torchvision resnet34 21,797,672 − fc 513,000
    [50, "imagenet", 23_508_032], // torchvision resnet50 25,557,032 − fc 2,049,000; spec ≈ 23.5 M
  ];
  for (const [depth, stem, want] of cases) {
    const before = tf.memory().numTensors;
    const m = new ResNet(new Rng(1), { depth, stem });
    assert.equal(m.countParams(), want, `resnet${depth} ${stem}`);
    assert.equal(m.featureDim, depth === 50 ? 2048 : 512);
    m.dispose();
    assert.equal(tf.memory().numTensors, before, "dispose frees every variable");
  }
});

Deno.test("width multiplier scales channels as max(1, round(c·w)) with Python rounding", () => {
  assert.equal(scaledChannels(64, 1 / 16), 4);
  assert.equal(scaledChannels(512, 1 / 8), 64);
  assert.equal(scaledChannels(64, 4), 256);
  assert.equal(scaledChannels(64, 2), 128);
  assert.equal(scaledChannels(10, 0.25), 2); // 2.5 → 2 (ties to even, as Python)
  assert.equal(scaledChannels(14, 0.25), 4); // 3.5 → 4
  assert.equal(scaledChannels(4, 0.1), 1); // never below 1
  const m = new ResNet(new Rng(0), { depth: 50, width: 1 / 16, stem: "cifar" });
  assert.equal(m.featureDim, 2048 / 16);
  m.dispose();
});

Deno.test("output shapes for both stems, several widths and depths", () => {
  const cases: Array<
    { depth: 18 | 34 | 50; width: number; stem: "cifar" | "imagenet"; size: number; ch: number }
  > = [
    { depth: 18, width: 1 / 16, stem: "cifar", size: 8, ch: 3 },
    { depth: 18, width: 1 / 8, stem: "cifar", size: 16, ch: 3 },
    { depth: 18, width: 1 / 4, stem: "imagenet", size: 32, ch: 3 },
    { depth: 34, width: 1 / 16, stem: "cifar", size: 8, ch: 1 },
    { depth: 50, width: 1 / 16, stem: "imagenet", size: 64, ch: 3 },
    { depth: 18, width: 0.5, stem: "cifar", size: 8, ch: 3 },
  ];
  for (const c of cases) {
    const m = new ResNet(new Rng(3), { depth: c.depth, width: c.width, stem: c.stem, inChannels: c.ch });
    const x = randImages(1, [2, c.size, c.size, c.ch]);
    const want = (c.depth === 50 ? 2048 : 512) * c.width;
    for (const training of [true, false]) {
      const k = ctx(training);
      const y = m.forward(x, k);
      assert.deepEqual(y.shape, [2, want], JSON.stringify(c));
      assert.ok(y.dataSync().every(Number.isFinite));
      y.dispose();
      applyUpdates(k);
    }
    x.dispose();
    m.dispose();
  }
});

Deno.test("stem: auto picks cifar up to 64 px and imagenet above; explicit choice wins", () => {
  const pick = (cfg: ConstructorParameters<typeof ResNet>[1]) => {
    const m = new ResNet(new Rng(0), { ...cfg, width: 1 / 16 });
    const s = [m.stem, m.conv1.kernel, m.conv1.stride] as const;
    m.dispose();
    return s;
  };
  assert.deepEqual(pick({ depth: 18, imageSize: 32 }), ["cifar", 3, 1]);
  assert.deepEqual(pick({ depth: 18, imageSize: 64 }), ["cifar", 3, 1]);
  assert.deepEqual(pick({ depth: 18, imageSize: 96 }), ["imagenet", 7, 2]);
  assert.deepEqual(pick({ depth: 18, imageSize: 224, stem: "cifar" }), ["cifar", 3, 1]);
  assert.deepEqual(pick({ depth: 18, imageSize: 32, stem: "imagenet" }), ["imagenet", 7, 2]);
});

Deno.test("stems downsample as specified: CIFAR ×1 then /8 overall, ImageNet /4 then /32 overall", () => {
  const cases: Array<["cifar" | "imagenet", number, number, number]> = [
    ["cifar", 32, 32, 4],
    ["imagenet", 224, 56, 7],
    ["imagenet", 64, 16, 2],
  ];
  for (const [stem, size, stemSide, mapSide] of cases) {
    const m = new ResNet(new Rng(5), { depth: 18, width: 1 / 16, stem });
    const x = randImages(2, [1, size, size, 3]);
    const s = m.forwardStem(x, ctx(false));
    const map = m.forwardMap(x, ctx(false));
    const f = m.forward(x, ctx(false));
    assert.deepEqual(s.shape, [1, stemSide, stemSide, 4], `${stem} ${size}`);
    assert.deepEqual(map.shape, [1, mapSide, mapSide, 32], `${stem} ${size}`);
    assert.ok(maxAbsDiff(f, tf.mean(map, [1, 2])) < 1e-6, "features = global average pool of the map");
    tf.dispose([x, s, map, f]);
    m.dispose();
  }
});

Deno.test("ImageNet stem max-pool uses PyTorch's symmetric padding (window starts at −1)", () => {
  const m = new ResNet(new Rng(5), { depth: 18, width: 1 / 16, stem: "imagenet" });
  const x = randImages(3, [1, 16, 16, 3]);
  const k = ctx(false);
  const s = m.forwardStem(x, k);
  const pre = tf.relu(m.bn1.forward(m.conv1.forward(x), k)); // [1, 8, 8, 4]
  const pv = pre.arraySync() as number[][][][];
  const sv = s.arraySync() as number[][][][];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      for (let c = 0; c < 4; c++) {
        let want = -Infinity;
        for (let a = 2 * i - 1; a <= 2 * i + 1; a++) {
          for (let b = 2 * j - 1; b <= 2 * j + 1; b++) {
            if (a >= 0 && a < 8 && b >= 0 && b < 8) want = Math.max(want, pv[0][a][b][c]);
          }
        }
        assert.ok(Math.abs(sv[0][i][j][c] - want) < 1e-6, `pool (${i},${j},${c})`);
      }
    }
  }
  tf.dispose([x, s, pre]);
  m.dispose();
});

Deno.test("bad configurations are UserErrors naming the problem", () => {
  assert.throws(() => new ResNet(new Rng(0), { depth: 101 as 18, stem: "cifar" }), UserError);
  assert.throws(() => new ResNet(new Rng(0), { depth: 18, width: 8, stem: "cifar" }), /width multiplier 8/);
  assert.throws(() => new ResNet(new Rng(0), { depth: 18, width: 1 / 64, stem: "cifar" }), UserError);
  assert.throws(() => new ResNet(new Rng(0), { depth: 18 }), /needs imageSize/);
  assert.throws(() => new ResNet(new Rng(0), { depth: 18, stem: "cifar", inChannels: 4 }), UserError);
  const m = new ResNet(new Rng(0), { depth: 18, width: 1 / 16, stem: "cifar" });
  const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
  assert.throws(() => m.forward(x, ctx(false)), /3-channel/);
  x.dispose();
  m.dispose();
});

Deno.test("BatchNorm: train uses batch stats and records running-stat updates; eval uses running stats", () => {
  const m = new ResNet(new Rng(11), { depth: 18, width: 1 / 16, stem: "cifar" });
  const x = tf.add(tf.mul(randImages(4, [4, 8, 8, 3]), 2), 1) as tf.Tensor4D;
  const bnCount = m.buffers().filter((b) => b.path.endsWith("running_mean")).length;
  assert.equal(bnCount, 1 + 8 * 2 + 3); // stem + 2 per block + 3 downsample shortcuts

  // Eval: no updates, batch-independent outputs.
  const ke = ctx(false);
  const evalAll = m.forward(x, ke);
  assert.equal(ke.updates.length, 0);
  const x2 = tf.slice(x, [0, 0, 0, 0], [2, -1, -1, -1]);
  const evalTwo = m.forward(x2, ctx(false));
  assert.ok(maxAbsDiff(tf.slice(evalAll, [0, 0], [2, -1]), evalTwo) < 1e-5, "eval is per-sample");

  // Train: updates recorded (mean and var per BN), nothing assigned yet, batch-dependent output.
  const kt = ctx(true);
  const trainAll = m.forward(x, kt);
  assert.equal(kt.updates.length, 2 * bnCount);
  const trainTwo = m.forward(x2, ctx(true));
  assert.ok(maxAbsDiff(tf.slice(trainAll, [0, 0], [2, -1]), trainTwo) > 1e-4, "train uses batch statistics");
  assert.ok(maxAbsDiff(trainAll, evalAll) > 1e-4);
  assert.deepEqual(Array.from(m.bn1.runningMean.dataSync()), [0, 0, 0, 0], "not applied before applyUpdates");

  // The stem BN's running stats after applyUpdates: momentum 0.1, unbiased variance.
  const conv = m.conv1.forward(x);
  const { mean, variance } = tf.moments(conv, [0, 1, 2]);
  const n = 4 * 8 * 8;
  const wantMean = Array.from(mean.dataSync()).map((v) => 0.1 * v);
  const wantVar = Array.from(variance.dataSync()).map((v) => 0.9 + 0.1 * v * n / (n - 1));
  applyUpdates(kt);
  assert.equal(kt.updates.length, 0);
  const gotMean = Array.from(m.bn1.runningMean.dataSync());
  const gotVar = Array.from(m.bn1.runningVar.dataSync());
  gotMean.forEach((v, i) => assert.ok(Math.abs(v - wantMean[i]) < 1e-5, `mean ${v} vs ${wantMean[i]}`));
  gotVar.forEach((v, i) => assert.ok(Math.abs(v - wantVar[i]) < 1e-4, `var ${v} vs ${wantVar[i]}`));

  // Eval output changes once the running stats changed.
  const evalAfter = m.forward(x, ctx(false));
  assert.ok(maxAbsDiff(evalAfter, evalAll) > 1e-4);
  tf.dispose([x, x2, evalAll, evalTwo, trainAll, trainTwo, conv, mean, variance, evalAfter]);
  m.dispose();
});

function stateValues(m: Module): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [p, v] of m.state()) out.set(p, v.dataSync() as Float32Array);
  return out;
}

Deno.test("same seed → bit-identical weights; different seed → different weights", () => {
  const a = new ResNet(new Rng(7), { depth: 18, width: 1 / 8, stem: "cifar" });
  const b = new ResNet(new Rng(7), { depth: 18, width: 1 / 8, stem: "cifar" });
  const c = new ResNet(new Rng(8), { depth: 18, width: 1 / 8, stem: "cifar" });
  const va = stateValues(a), vb = stateValues(b), vc = stateValues(c);
  assert.equal(va.size, vb.size);
  for (const [p, x] of va) {
    const y = vb.get(p)!;
    assert.ok(x.length === y.length && x.every((v, i) => Object.is(v, y[i])), `${p} identical`);
  }
  const convs = [...va.keys()].filter((p) => p.endsWith("conv1.weight") || p.endsWith("conv2.weight"));
  assert.ok(convs.length >= 17);
  for (const p of convs) {
    const x = va.get(p)!, z = vc.get(p)!;
    assert.ok(x.some((v, i) => v !== z[i]), `${p} differs across seeds`);
  }
  // Distinct layers are not copies of each other.
  assert.notDeepEqual(va.get("layer1.0.conv1.weight"), va.get("layer1.0.conv2.weight"));
  a.dispose();
  b.dispose();
  c.dispose();
});

function gradCheckAllParams(m: ResNet, x: tf.Tensor4D) {
  const target = tf.tensor2d(new Rng(99).normals(x.shape[0] * m.featureDim), [x.shape[0], m.featureDim]);
  const k = ctx(true);
  const vars = m.parameters().map((p) => p.variable);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.square(tf.sub(m.forward(x, k), target))) as tf.Scalar,
    vars,
  );
  for (const p of m.parameters()) {
    const g = grads[p.variable.name];
    assert.ok(g, `${p.path} has a gradient`);
    const maxAbs = tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]);
    assert.ok(Number.isFinite(maxAbs) && maxAbs > 0, `${p.path} gradient is nonzero (max |g| = ${maxAbs})`);
  }
  tf.dispose([value, target, ...Object.values(grads)]);
  applyUpdates(k);
}

Deno.test("gradients reach every parameter of a ResNet-18 ×1/16 and a ResNet-50 ×1/16 (cpu)", () => {
  const r18 = new ResNet(new Rng(21), { depth: 18, width: 1 / 16, stem: "cifar" });
  const x = randImages(6, [4, 8, 8, 3]);
  gradCheckAllParams(r18, x);
  r18.dispose();
  const r50 = new ResNet(new Rng(22), { depth: 50, width: 1 / 16, stem: "imagenet" });
  const x2 = randImages(7, [4, 32, 32, 3]);
  gradCheckAllParams(r50, x2);
  r50.dispose();
  tf.dispose([x, x2]);
});

Deno.test("live tensor count does not grow across forward+backward training steps", () => {
  const m = new ResNet(new Rng(31), { depth: 18, width: 1 / 16, stem: "cifar" });
  const x = randImages(8, [4, 8, 8, 3]);
  const vars = m.parameters().map((p) => p.variable);
  const counts: number[] = [];
  for (let step = 0; step < 4; step++) {
    const k = ctx(true);
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(m.forward(x, k))) as tf.Scalar, vars);
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)));
      return value;
    }).dispose();
    applyUpdates(k);
    counts.push(tf.memory().numTensors);
  }
  assert.equal(counts[3], counts[1], `tensor counts ${counts}`);
  assert.equal(counts[2], counts[1], `tensor counts ${counts}`);
  x.dispose();
  m.dispose();
});

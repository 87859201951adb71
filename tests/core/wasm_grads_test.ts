/**
 * The wasm backend's gradients equal the cpu backend's (relative to max |grad|) for every
 * conv shape the suite uses, through BatchNorm in training mode and the other ops the
 * backbones and losses differentiate; a small residual conv net trains on wasm.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { maxRelError } from "../../core/doctor.ts";
import { Rng } from "../../core/random.ts";

const TOL = 1e-4;

interface Arr {
  shape: number[];
  values: Float32Array;
}

function arr(rng: Rng, shape: number[], std = 1): Arr {
  return { shape, values: rng.normals(shape.reduce((a, b) => a * b, 1), std) };
}

/** Gradients of `loss` w.r.t. every input, computed on `backend` from plain arrays. */
async function gradsOn(backend: "cpu" | "wasm", inputs: Arr[], loss: (...t: tf.Tensor[]) => tf.Scalar) {
  await initBackend(backend);
  return tf.tidy(() => {
    const ts = inputs.map((a) => tf.tensor(a.values, a.shape));
    return tf.grads(loss)(ts).map((g) => g.dataSync() as Float32Array);
  });
}

async function assertSameGrads(name: string, inputs: Arr[], loss: (...t: tf.Tensor[]) => tf.Scalar) {
  const ref = await gradsOn("cpu", inputs, loss);
  const got = await gradsOn("wasm", inputs, loss);
  const err = maxRelError(got, ref);
  assert.ok(ref.every((g) => g.some((v) => v !== 0)), `${name}: a cpu gradient is all zero (weak test)`);
  assert.ok(err <= TOL, `${name}: max relative error ${err} > ${TOL}`);
}

/** A loss that weights every output differently (so every gradient entry matters). */
function weighted(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape)))) as tf.Scalar;
}

Deno.test("conv2d gradients on wasm match cpu (1×1, 3×3, 7×7; stride 1, 2; same, valid; ±bias)", async () => {
  const rng = new Rng(11);
  for (const k of [1, 3, 7]) {
    for (const stride of [1, 2]) {
      for (const pad of ["same", "valid"] as const) {
        for (const bias of [false, true]) {
          const h = k === 7 ? 11 : 8 + (stride === 2 && bias ? 1 : 0); // odd and even sizes
          const inputs = [arr(rng, [2, h, h + 1, 3]), arr(rng, [k, k, 3, 5], 0.3)];
          if (bias) inputs.push(arr(rng, [5]));
          await assertSameGrads(`k${k} s${stride} ${pad}${bias ? " bias" : ""}`, inputs, (x, w, b) => {
            const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);
            return weighted(b ? tf.add(y, b) : y);
          });
        }
      }
    }
  }
});

Deno.test("conv gradients on wasm match cpu at ResNet-like channel counts", async () => {
  const rng = new Rng(12);
  await assertSameGrads(
    "3×3 s1 32→32",
    [arr(rng, [4, 8, 8, 32]), arr(rng, [3, 3, 32, 32], 0.1)],
    (x, w) => weighted(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same")),
  );
  await assertSameGrads(
    "3×3 s2 16→32",
    [arr(rng, [4, 8, 8, 16]), arr(rng, [3, 3, 16, 32], 0.1)],
    (x, w) => weighted(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same")),
  );
});

Deno.test("gradients through BatchNorm in training mode on wasm match cpu", async () => {
  const rng = new Rng(13);
  const inputs = [arr(rng, [4, 6, 6, 3]), arr(rng, [3, 3, 3, 4], 0.3), arr(rng, [4]), arr(rng, [4])];
  await assertSameGrads("conv-bn", inputs, (x, w, g, b) => {
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same");
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    return weighted(tf.relu(tf.batchNorm(y, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5)));
  });
});

Deno.test("pooling, layer norm, GELU, softmax, gather, slice/concat gradients on wasm match cpu", async () => {
  const rng = new Rng(14);
  await assertSameGrads("maxpool 3×3 s2 same + avgpool", [arr(rng, [2, 9, 9, 3])], (x) =>
    tf.add(
      weighted(tf.maxPool(x as tf.Tensor4D, 3, 2, "same")),
      weighted(tf.avgPool(x as tf.Tensor4D, 2, 2, "valid")),
    ) as tf.Scalar);
  await assertSameGrads(
    "layernorm + gelu(erf) + linear",
    [arr(rng, [3, 5, 8]), arr(rng, [8, 6], 0.3)],
    (x, w) => {
      const { mean, variance } = tf.moments(x, -1, true);
      const n = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-6)));
      const gelu = tf.mul(tf.mul(n, 0.5), tf.add(1, tf.erf(tf.div(n, Math.SQRT2))));
      return weighted(tf.matMul(tf.reshape(gelu, [15, 8]), w as tf.Tensor2D));
    },
  );
  await assertSameGrads("softmax, logSumExp, sigmoid, log, exp", [arr(rng, [4, 7])], (x) =>
    tf.addN([
      weighted(tf.softmax(x)),
      weighted(tf.logSumExp(x, 1)),
      weighted(tf.log(tf.add(tf.sigmoid(x), 0.1))),
      weighted(tf.exp(tf.mul(x, 0.3))),
    ]) as tf.Scalar);
  await assertSameGrads("gather + slice + concat (token masking)", [arr(rng, [2, 9, 4])], (x) => {
    const keep = tf.tensor1d([0, 4, 2, 8, 4], "int32"); // a repeated index: gradients must add
    const kept = tf.gather(x, keep, 1);
    const cls = tf.slice(x, [0, 0, 0], [2, 1, 4]);
    return weighted(tf.concat([cls, kept], 1));
  });
});

/** conv-BN-relu-conv-BN + residual, relu, global average pool, linear, softmax CE. */
function netLoss(x: tf.Tensor4D, labels: tf.Tensor, p: tf.Tensor[]): tf.Scalar {
  const bn = (t: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(t, [0, 1, 2]);
    return tf.batchNorm4d(
      t,
      mean as tf.Tensor1D,
      variance as tf.Tensor1D,
      b as tf.Tensor1D,
      g as tf.Tensor1D,
      1e-5,
    );
  };
  const h1 = tf.relu(bn(tf.conv2d(x, p[0] as tf.Tensor4D, 1, "same"), p[1], p[2]));
  const h2 = bn(tf.conv2d(h1, p[3] as tf.Tensor4D, 1, "same"), p[4], p[5]);
  const pooled = tf.mean(tf.relu(tf.add(h2, h1)), [1, 2]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(pooled, p[6] as tf.Tensor2D), p[7]);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

function netData() {
  const rng = new Rng(15);
  const params = [
    arr(rng, [3, 3, 3, 8], 0.3),
    { shape: [8], values: rng.uniforms(8, 0.8, 1.2) },
    arr(rng, [8], 0.1),
    arr(rng, [3, 3, 8, 8], 0.2),
    { shape: [8], values: rng.uniforms(8, 0.8, 1.2) },
    arr(rng, [8], 0.1),
    arr(rng, [8, 4], 0.3),
    arr(rng, [4], 0.1),
  ];
  const x = arr(rng, [8, 8, 8, 3]);
  const labels = Int32Array.from({ length: 8 }, (_, i) => i % 4);
  // Make the task learnable: shift each image by its label.
  for (let n = 0; n < 8; n++) {
    for (let j = 0; j < 8 * 8 * 3; j++) x.values[n * 192 + j] += 0.5 * labels[n] * (j % 3 === 0 ? 1 : -1);
  }
  return { params, x, labels };
}

async function trainNet(backend: "cpu" | "wasm", steps: number) {
  await initBackend(backend);
  const d = netData();
  const vars = d.params.map((p) => tf.variable(tf.tensor(p.values, p.shape)));
  const x = tf.tensor4d(d.x.values, d.x.shape as [number, number, number, number]);
  const labels = tf.oneHot(tf.tensor1d(d.labels, "int32"), 4);
  const losses: number[] = [];
  let firstGrads: Float32Array[] = [];
  const counts: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { value, grads } = tf.variableGrads(() => netLoss(x, labels, vars), vars);
    if (s === 0) firstGrads = vars.map((v) => grads[v.name].dataSync() as Float32Array);
    losses.push(value.dataSync()[0]);
    tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.1)))));
    tf.dispose([value, ...Object.values(grads)]);
    counts.push(tf.memory().numTensors);
  }
  tf.dispose([...vars, x, labels]);
  return { losses, firstGrads, counts };
}

Deno.test("a small residual conv net trains on wasm with gradients matching cpu, no tensor growth", async () => {
  const cpu = await trainNet("cpu", 1);
  const wasm = await trainNet("wasm", 8);
  const err = maxRelError(wasm.firstGrads, cpu.firstGrads);
  assert.ok(err <= TOL, `first-step gradients differ from cpu: ${err}`);
  assert.ok(Math.abs(wasm.losses[0] - cpu.losses[0]) < 1e-4, "first losses differ between backends");
  assert.ok(wasm.losses[7] < wasm.losses[0] * 0.9, `loss did not decrease: ${wasm.losses.join(", ")}`);
  assert.ok(wasm.counts.slice(1).every((c) => c === wasm.counts[1]), `tensor count grows: ${wasm.counts}`);
});

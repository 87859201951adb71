/**
 * ResNet-18 ×1/8 (the suite's reference cpu-scale backbone) trains on the wasm backend with
 * gradients equal to the cpu backend's (issue: foundation, "Done when"): every parameter's
 * gradient through the whole network, BatchNorm in training mode included, within 1e-4 of
 * the largest magnitude of that gradient; and a few SGD steps on wasm lower the loss.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { applyUpdates, type Ctx, ctx, discardUpdates } from "../../models/module.ts";
import { ResNet } from "../../models/resnet.ts";

const N = 4;

function batch(): tf.Tensor4D {
  return tf.tensor4d(new Rng(5).normals(N * 32 * 32 * 3), [N, 32, 32, 3]);
}

/** A loss that depends on every feature: squared distance to a fixed random target. */
function lossOf(net: ResNet, x: tf.Tensor4D, c: Ctx): tf.Scalar {
  const f = net.forward(x, c);
  const target = tf.tensor2d(new Rng(9).normals(N * net.featureDim), [N, net.featureDim]);
  return tf.mean(tf.square(tf.sub(f, target)));
}

async function gradients(backend: "cpu" | "wasm"): Promise<Map<string, Float32Array>> {
  await initBackend(backend);
  const net = new ResNet(new Rng(3), { depth: 18, width: 0.125, imageSize: 32 });
  const params = net.parameters();
  const x = batch();
  const c = ctx(true);
  const { grads, value } = tf.variableGrads(() => lossOf(net, x, c), params.map((p) => p.variable));
  discardUpdates(c);
  const out = new Map<string, Float32Array>();
  for (const p of params) out.set(p.path, (await grads[p.variable.name].data()) as Float32Array);
  tf.dispose([x, value, ...Object.values(grads)]);
  net.dispose();
  return out;
}

Deno.test("ResNet-18 ×1/8: every parameter's gradient on wasm equals cpu within 1e-4", async () => {
  const cpu = await gradients("cpu");
  const wasm = await gradients("wasm");
  assert.equal(wasm.size, cpu.size);
  assert.equal(cpu.size, 60, "ResNet-18: stem conv+BN, 8 blocks × (2 conv + 2 BN), 3 shortcut conv+BN");
  let worst = 0;
  let where = "";
  for (const [path, g] of cpu) {
    const w = wasm.get(path)!;
    let scale = 1e-8;
    let diff = 0;
    for (let i = 0; i < g.length; i++) {
      scale = Math.max(scale, Math.abs(g[i]));
      diff = Math.max(diff, Math.abs(g[i] - w[i]));
    }
    if (diff / scale > worst) [worst, where] = [diff / scale, path];
  }
  assert.ok(worst <= 1e-4, `worst relative gradient error ${worst.toExponential(2)} at ${where}`);
});

Deno.test("ResNet-18 ×1/8 trains on wasm: SGD steps lower the loss, no tensor growth", async () => {
  await initBackend("wasm");
  const net = new ResNet(new Rng(3), { depth: 18, width: 0.125, imageSize: 32 });
  const vars = net.parameters().map((p) => p.variable);
  const x = batch();
  const losses: number[] = [];
  const counts: number[] = [];
  for (let step = 0; step < 6; step++) {
    tf.tidy(() => {
      const c = ctx(true);
      const { value, grads } = tf.variableGrads(() => lossOf(net, x, c), vars);
      applyUpdates(c);
      losses.push(value.dataSync()[0]);
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.05)));
    });
    counts.push(tf.memory().numTensors);
  }
  x.dispose();
  net.dispose();
  assert.ok(losses[5] < losses[0] * 0.9, `loss should fall: ${losses.map((l) => l.toFixed(4)).join(" → ")}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensor count grew: ${counts.join(", ")}`);
});

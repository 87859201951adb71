/**
 * CAN's masks have the configured ratio and its three losses are all non-zero; LGP's
 * parameter groups (frozen patch embedding, lower 2/3 of the blocks at 0.1×) get the
 * configured learning rates in a real optimiser step, and its momentum encoder starts from
 * the MAE encoder.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { ctx } from "../../models/module.ts";
import type { VitForwardOptions } from "../../models/vit.ts";
import { buildMethod } from "../../methods/registry.ts";
import { Optimizer } from "../../methods/optim.ts";
import type { MethodModel, StepInfo } from "../../methods/method_model.ts";
import { cifarImages, tinyCell } from "./helpers.ts";

await initBackend("wasm");
const x = cifarImages(8, 16);
const views: [tf.Tensor4D, tf.Tensor4D] = [x, tf.reverse(x, 2) as tf.Tensor4D];
const info = (stage: string): StepInfo => ({ stage, epoch: 0, stageProgress: 0, step: 0, totalSteps: 1 });

for (const ratio of [0.5, 0.75]) {
  Deno.test(`CAN: each view's mask hides ${ratio} of the patches; InfoNCE, reconstruction and denoising are non-zero`, () => {
    const cell = tinyCell("can", "baseline", {}, { maskRatio: ratio, sigmaMax: 0.1 });
    const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed)) as MethodModel & {
      vit: { forwardTokens: (...a: unknown[]) => tf.Tensor3D; numPatches: number };
    };
    const seen: Array<{ rows: number; kept: number; distinct: boolean }> = [];
    const original = model.vit.forwardTokens.bind(model.vit);
    model.vit.forwardTokens = (img: unknown, c: unknown, opts?: unknown) => {
      const keep = (opts as VitForwardOptions | undefined)?.keep;
      if (keep) {
        const rows = keep.arraySync() as number[][];
        seen.push({
          rows: rows.length,
          kept: rows[0].length,
          distinct: rows.every((r) => new Set(r).size === r.length),
        });
      }
      return original(img, c, opts);
    };
    const c = ctx(true);
    const parts = tf.tidy(() => {
      const out = model.forward(views, c, new Rng(5), info("main"));
      return Object.fromEntries(Object.entries(out.parts).map(([k, v]) => [k, v.dataSync()[0]]));
    });
    const L = model.vit.numPatches;
    assert.equal(seen.length, 2, "the encoder runs once per view, on visible patches");
    for (const s of seen) {
      assert.equal(s.rows, 8);
      assert.equal(s.kept, Math.floor(L * (1 - ratio)));
      assert.ok(s.distinct);
    }
    assert.deepEqual(Object.keys(parts).sort(), ["denoise", "infonce", "rec"]);
    for (const [k, v] of Object.entries(parts)) assert.ok(Number.isFinite(v) && v > 0, `${k} = ${v}`);
    model.dispose();
  });
}

Deno.test("CAN refuses a ResNet backbone", () => {
  const cell = tinyCell("can", "baseline", { backbone: "resnet18" });
  assert.throws(
    () => buildMethod(cell, { size: 16, channels: 3 }, new Rng(1)),
    /CAN cannot use backbone resnet18; use one of vit-/,
  );
});

Deno.test("LGP: frozen patch embedding, lower 2/3 of the blocks at 0.1× the learning rate", () => {
  const cell = tinyCell("lgp", "baseline", {}, { vitDepth: 3, lowerLrMult: 0.1 });
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
  const groups = model.paramGroups("moco");
  const lower = groups.find((g) => g.name === "blocks.lower")!;
  const upper = groups.find((g) => g.name === "upper")!;
  assert.equal(lower.lrMult, 0.1);
  const paths = (g: typeof lower) => g.params.map((p) => p.path);
  assert.ok(
    paths(lower).every((p) => /^backbone\.(blocks\.[01]\.|cls_token$)/.test(p)),
    paths(lower).join(","),
  );
  assert.ok(paths(lower).some((p) => p.startsWith("backbone.blocks.1.")));
  assert.ok(paths(upper).some((p) => p.startsWith("backbone.blocks.2.")));
  assert.ok(
    paths(upper).some((p) => p.startsWith("predictor.")) &&
      paths(upper).some((p) => p.startsWith("projector.")),
  );
  const all = [...paths(lower), ...paths(upper)];
  assert.ok(!all.some((p) => p.includes("patch_embed")), "patch embedding is frozen");
  assert.ok(!all.some((p) => p.startsWith("decoder.") || p.startsWith("key_")));
  assert.ok(model.paramGroups("mae")[0].params.some((p) => p.path.startsWith("backbone.patch_embed")));

  // One AdamW step (no decay): the first update is lr·mult·sign(g) wherever |g| ≫ ε.
  model.beginStage!("moco");
  const before = new Map(model.root.parameters().map((p) => [p.path, p.variable.dataSync().slice()]));
  const opt = new Optimizer({ kind: "adamw", weightDecay: 0, eps: 1e-12 }, groups);
  const c = ctx(true);
  const lr = 1e-3;
  const { value, grads } = tf.variableGrads(
    () => model.forward(views, c, new Rng(0), info("moco")).loss,
    opt.variables(),
  );
  opt.apply(grads, lr);
  const steps = (paths: string[]) => {
    const out: number[] = [];
    for (const p of model.root.parameters().filter((q) => paths.includes(q.path))) {
      const b = before.get(p.path)!;
      const a = p.variable.dataSync();
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(Math.abs(a[i] - b[i]));
    }
    return out.sort((u, v) => u - v);
  };
  const median = (a: number[]) => a[Math.floor(a.length / 2)];
  const lo = steps(paths(lower)), hi = steps(paths(upper).filter((p) => p.startsWith("backbone.blocks.2.")));
  assert.ok(lo.length > 0 && hi.length > 0);
  assert.ok(Math.abs(median(lo) - 0.1 * lr) < 0.1 * lr * 0.05, `lower blocks step ${median(lo)}`);
  assert.ok(Math.abs(median(hi) - lr) < lr * 0.05, `upper blocks step ${median(hi)}`);
  assert.deepEqual(
    steps(model.root.parameters().filter((p) => p.path.includes("patch_embed")).map((p) => p.path)),
    [],
  );
  tf.dispose([value, ...Object.values(grads).filter((g): g is tf.Tensor => g != null)]);
  for (const u of c.updates) u.value.dispose();
  opt.dispose();
  model.dispose();
});

Deno.test("LGP: the MoCo stage's momentum encoder starts from the MAE encoder", () => {
  const cell = tinyCell("lgp", "baseline");
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
  const online = model.root.parameters().filter((p) => p.path.startsWith("backbone."));
  for (const p of online) p.variable.assign(tf.tidy(() => tf.add(p.variable, 0.5)));
  model.beginStage!("moco");
  const key = new Map(
    model.root.parameters().filter((p) => p.path.startsWith("key_backbone.")).map((p) => [p.path, p]),
  );
  for (const p of online) {
    const k = key.get(`key_${p.path}`)!;
    assert.deepEqual(k.variable.dataSync(), p.variable.dataSync(), p.path);
  }
  model.dispose();
});

/**
 * Every method × variant trains 20 steps at (tiny) cpu scale on real CIFAR-10 images
 * without a non-finite value, its loss goes down (fixed-batch overfitting: mean of steps
 * 2–6 vs mean of the last five; step 1 is left out because MoCo's queue starts with random
 * keys), the tensor count stays flat across steps, and AMCL runs report τ statistics.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { buildMethod, listMethods, trainPlanFor } from "../../methods/registry.ts";
import { train } from "../../methods/train.ts";
import { cifarImages, fixedBatchData, tinyCell } from "./helpers.ts";

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

/** Registers the 20-step training test of every method × variant whose method `include` accepts. */
export async function defineMethodTrainTests(include: (method: string) => boolean): Promise<void> {
  await initBackend("wasm");
  const images = cifarImages(16, 16);
  for (const entry of listMethods().filter((e) => include(e.method))) {
    defineOne(entry.method, entry.variant, images);
  }
}

function defineOne(method: string, variant: "baseline" | "amcl", images: tf.Tensor4D): void {
  Deno.test(`${method} ${variant}: 20 steps, finite, loss goes down, no tensor growth`, async () => {
    // LGP: 10 MAE steps then 10 MoCo v3 steps; the criterion applies to each stage.
    const lgp = method === "lgp";
    // AMCL at tauMin 0.05 (a value of the spec's T9 sweep): at the default 1e-5 these tiny runs can
    // reach the temperature collapse of spec §8 within 20 steps (collapse_test.ts shows it is flagged).
    const over = variant === "amcl" ? { epochs: 1, tauMin: 0.05 } : { epochs: 1 };
    // ViT methods: AdamW at 1e-3 without warm-up, so that 10–20 steps show learning.
    const vit = method === "can" || lgp;
    const fast = vit ? { lr: 1e-3 } : {};
    const cell = tinyCell(method, variant, { ...over, ...fast }, {
      queueSize: 16,
      maeEpochs: lgp ? 1 : 0,
      ...(vit ? { warmupEpochs: 0, maeWarmupEpochs: 0, maeLr: 1e-3 } : {}),
    });
    const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
    const steps = lgp ? 10 : 20;
    const losses: Record<string, number[]> = {};
    const counts: Record<string, number[]> = {};
    const res = await train(model, fixedBatchData(images, steps), {
      plan: trainPlanFor(cell),
      seed: 3,
      tauMin: cell.tauMin,
      onStep: (s) => {
        (losses[s.stage] ??= []).push(s.loss);
        (counts[s.stage] ??= []).push(tf.memory().numTensors);
        assert.ok(Number.isFinite(s.lr) && s.lr > 0);
        // AMCL steps report τ⁺ per head (LGP's MAE stage has no temperatures).
        if (variant === "amcl") {
          assert.equal(s.tauPos?.length, s.stage === "mae" ? undefined : cell.heads, "τ⁺ per head");
        }
      },
    });
    assert.equal(res.status, "done", res.error ?? "");
    for (const [stage, l] of Object.entries(losses)) {
      assert.equal(l.length, steps);
      assert.ok(l.every(Number.isFinite), `${stage}: non-finite loss`);
      const early = mean(l.slice(1, 6)), late = mean(l.slice(-5));
      assert.ok(
        late < early,
        `${stage}: loss did not go down: steps 2–6 ${early}, last 5 ${late} (${l.join(", ")})`,
      );
    }
    for (const c of Object.values(counts)) {
      assert.equal(c[c.length - 1], c[2], `tensor count grew: ${c.join(" ")}`);
    }
    const last = res.curves[res.curves.length - 1];
    assert.ok(Number.isFinite(last.loss) && last.imagesPerSec > 0);
    if (variant === "amcl") {
      assert.equal(last.tauPos?.length, cell.heads);
      assert.equal(typeof last.collapsed, "boolean");
      for (const s of last.tauPos!) assert.ok(s.min >= cell.tauMin && s.max <= cell.tauMax);
    } else {
      assert.equal(last.tauPos, undefined);
    }
    model.dispose();
  });
}

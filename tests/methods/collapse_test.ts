/**
 * The temperature collapse of spec amcl.md §8 happens in real AMCL runs at small scale, and
 * the suite shows it: a SimCLR AMCL run with tauMin 1e-5 ends with every τ at tauMin and the
 * epoch's collapse flag set; the same run with a constant τ is not flagged.
 */
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { buildMethod, trainPlanFor } from "../../methods/registry.ts";
import { train } from "../../methods/train.ts";
import type { TauMode } from "../../core/cell_config.ts";
import { cifarImages, fixedBatchData, tinyCell } from "./helpers.ts";

await initBackend("wasm");
const images = cifarImages(16, 16);

async function run(tauMode: TauMode) {
  const cell = tinyCell("simclr", "amcl", { epochs: 2, seed: 3, lr: 0.3, tauMode, tauMin: 1e-5 });
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
  try {
    return await train(model, fixedBatchData(images, 15), {
      plan: trainPlanFor(cell),
      seed: 3,
      tauMin: cell.tauMin,
    });
  } finally {
    model.dispose();
  }
}

Deno.test("SimCLR AMCL collapses to tauMin at small scale and the record says so", async () => {
  const res = await run("adaptive");
  assert.equal(res.status, "done", "a collapse is a result, not a failure");
  const last = res.curves[res.curves.length - 1];
  assert.equal(last.collapsed, true);
  for (const s of [...last.tauPos!, ...last.tauNeg!]) assert.ok(s.atMin >= 0.9, `share at tauMin ${s.atMin}`);
  assert.ok(res.lastTaus!.pos.every((a) => a.every((t) => t < 1.1e-5)));
});

Deno.test("the same run with a constant temperature is not flagged", async () => {
  const res = await run("constant");
  assert.equal(res.status, "done");
  assert.ok(res.curves.every((c) => c.collapsed === false));
  assert.equal(res.curves[1].tauPos![0].mean, 0.5);
});

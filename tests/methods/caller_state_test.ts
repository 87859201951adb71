/**
 * The training loop's caller state (e.g. the cell's temperature histograms) is saved with each
 * checkpoint and handed back on resume, and steps carry their raw AMCL temperatures.
 */
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { buildMethod, trainPlanFor } from "../../methods/registry.ts";
import { train } from "../../methods/train.ts";
import { configHash } from "../../methods/checkpoint.ts";
import { cifarImages, fixedBatchData, tinyCell } from "./helpers.ts";

await initBackend("cpu");

Deno.test("train: caller state survives a stop and resume; steps carry their temperatures", async () => {
  const cell = tinyCell("simclr", "amcl", { epochs: 3, batchSize: 8 }, {});
  const images = cifarImages(8, 16);
  const dir = await Deno.makeTempDir({ prefix: "amcl-caller-state-" });
  try {
    const hash = await configHash(cell);
    const run = async (stopAfterEpochs?: number) => {
      const seen: number[] = [];
      let tauValues = 0;
      const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
      try {
        const res = await train(model, fixedBatchData(images, 2), {
          plan: trainPlanFor(cell),
          seed: cell.seed,
          checkpoint: { dir, configHash: hash },
          stopAfterEpochs,
          callerState: { save: () => [...seen], load: (s) => seen.push(...(s as number[])) },
          onStep: (m) => {
            seen.push(m.epoch);
            assert.equal(m.taus?.pos.length, 2, "τ⁺ of both heads");
            tauValues += m.taus!.pos[0].length + m.taus!.neg[0].length;
          },
        });
        return { res, seen, tauValues };
      } finally {
        model.dispose();
      }
    };
    const first = await run(1);
    assert.equal(first.res.status, "stopped");
    assert.deepEqual(first.seen, [0, 0]);
    assert.ok(first.tauValues > 0);
    const rest = await run();
    assert.equal(rest.res.status, "done");
    assert.deepEqual(rest.seen, [0, 0, 1, 1, 2, 2], "epoch 0's steps came back from the checkpoint");
  } finally {
    images.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

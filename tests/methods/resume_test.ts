/**
 * A run stopped after epoch k and resumed from its checkpoint ends with bit-identical
 * weights, buffers (BN statistics, MoCo queue and momentum encoder), curves and last-step
 * temperatures to an uninterrupted run, also when k is the last epoch (nothing left to
 * train); a checkpoint of another configuration is refused.
 */
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { UserError } from "../../core/errors.ts";
import type { CellConfig } from "../../core/cell_config.ts";
import { buildMethod, trainPlanFor } from "../../methods/registry.ts";
import { train, type TrainOptions, type TrainResult } from "../../methods/train.ts";
import { configHash } from "../../methods/checkpoint.ts";
import { cifarImages, fixedBatchData, tinyCell } from "./helpers.ts";

await initBackend("wasm");
const images = cifarImages(16, 16);

async function run(
  cell: CellConfig,
  opts: Partial<TrainOptions>,
): Promise<{ res: TrainResult; state: Map<string, Float32Array | Int32Array> }> {
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
  try {
    const res = await train(model, fixedBatchData(images, 3), {
      plan: trainPlanFor(cell),
      seed: cell.seed,
      ...opts,
    });
    const state = new Map<string, Float32Array | Int32Array>();
    for (const [k, v] of model.root.state()) state.set(k, (await v.data()) as Float32Array | Int32Array);
    return { res, state };
  } finally {
    model.dispose();
  }
}

async function killAndResume(cell: CellConfig, stopAfter: number): Promise<void> {
  const hash = await configHash(cell);
  const whole = await run(cell, {});
  assert.equal(whole.res.status, "done");
  const dir = await Deno.makeTempDir({ prefix: "amcl-resume-" });
  try {
    const first = await run(cell, { checkpoint: { dir, configHash: hash }, stopAfterEpochs: stopAfter });
    const total = trainPlanFor(cell).stages.reduce((s, st) => s + st.epochs, 0);
    // Stopped after the last epoch = killed after its checkpoint, before anything else.
    assert.equal(first.res.status, stopAfter < total ? "stopped" : "done");
    assert.equal(first.res.curves.length, stopAfter);
    const rest = await run(cell, { checkpoint: { dir, configHash: hash } });
    assert.equal(rest.res.status, "done");
    assert.equal(rest.res.resumedFrom, stopAfter);
    assert.deepEqual(rest.res.curves.map((c) => c.loss), whole.res.curves.map((c) => c.loss));
    // The record's collapse analysis reads the last step's temperatures: they come back too.
    assert.deepEqual(rest.res.lastTaus, whole.res.lastTaus, "last-step temperatures differ after resume");
    if (cell.variant === "amcl") assert.ok(whole.res.lastTaus?.pos.length, "an AMCL run has temperatures");
    assert.equal(rest.state.size, whole.state.size);
    let compared = 0;
    for (const [k, v] of whole.state) {
      const w = rest.state.get(k);
      assert.ok(w, `resumed state lacks ${k}`);
      assert.deepEqual(Array.from(w), Array.from(v), `${k} differs after resume`);
      compared++;
    }
    assert.ok(compared > 10);
    // Someone else's configuration must not pick this checkpoint up.
    const other = { ...cell, lr: cell.lr * 2 };
    const otherHash = await configHash(other);
    assert.notEqual(otherHash, hash);
    await assert.rejects(
      () => run(other, { checkpoint: { dir, configHash: otherHash } }),
      (e: unknown) => e instanceof UserError && /another configuration/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("MoCo (queue, momentum encoder, BN, SGD momentum) resumes bit-exactly after a kill", async () => {
  await killAndResume(tinyCell("moco", "baseline", { epochs: 3 }, { queueSize: 16 }), 1);
});

Deno.test("LGP resumes bit-exactly across its MAE → MoCo stage boundary", async () => {
  await killAndResume(tinyCell("lgp", "baseline", { epochs: 1 }, { maeEpochs: 1 }), 1);
});

Deno.test("SimCLR-AMCL resumes bit-exactly mid-run and after its last epoch, temperatures included", async () => {
  const cell = tinyCell("simclr", "amcl", { epochs: 2 });
  await killAndResume(cell, 1);
  await killAndResume(cell, 2);
});

Deno.test("configHash is stable under key order and differs between configurations", async () => {
  const a = tinyCell("simclr", "baseline");
  const reordered = Object.fromEntries(Object.entries(a).reverse());
  assert.equal(await configHash(a), await configHash(reordered));
  assert.notEqual(await configHash(a), await configHash({ ...a, seed: a.seed + 1 }));
});

/**
 * The real cell executor end to end on tiny cells: records carry the similarity analysis and
 * per-epoch temperature histograms; training drops the last partial batch (Barlow Twins AMCL
 * trains on a split that is not a multiple of the batch); a split smaller than one batch is
 * refused; a kept checkpoint folder is rebuilt and evaluated (API and `deno task eval`
 * subprocess) to the record's own numbers, and a checkpoint of another configuration,
 * backbone or image shape is refused.
 */
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { executeCell } from "../../benchmarks/run_cell.ts";
import { cellId } from "../../benchmarks/cell_id.ts";
import { openCellData } from "../../benchmarks/cell_data.ts";
import { checkpointEvalModel, loadCheckpointModel } from "../../benchmarks/checkpoint_model.ts";
import type { CellConfig } from "../../core/cell_config.ts";
import type { CellRecord } from "../../benchmarks/record.ts";
import type { CellContext } from "../../benchmarks/executor.ts";
import type { KnnResult, SimilarityResult } from "../../eval/mod.ts";
import { runEvaluation } from "../../eval/run_eval.ts";
import { tinyCell } from "../methods/helpers.ts";

const BACKEND = "wasm";
await initBackend(BACKEND);

function context(config: CellConfig, cellDir: string): CellContext {
  return {
    outDir: cellDir,
    cellDir,
    id: cellId(config),
    preset: "test",
    backend: BACKEND,
    signal: new AbortController().signal,
    progress: () => {},
  };
}

/** SimCLR AMCL, 2 epochs of 2 steps (40 images, batch 16: the last 8 are dropped). */
const amcl = tinyCell("simclr", "amcl", {
  dataset: "embedded",
  epochs: 2,
  knnEpochs: [2],
  probeEpochs: 2,
}, { trainSize: 40, testSize: 32, simPairs: 24 });

async function runEvalCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../eval/eval_main.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("cell: similarity, temperature histograms, and a kept checkpoint that eval rebuilds", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-cell-eval-" });
  try {
    const record: CellRecord = await executeCell(amcl, context(amcl, dir));
    assert.equal(record.status, "done", record.error ?? "");
    assert.equal(record.curves.length, 2);

    await t.step("the record has the similarity analysis", () => {
      const sim = record.similarity!;
      assert.ok(sim, "similarity recorded");
      assert.equal(sim.pairs, 24);
      const sum = (c: number[]) => c.reduce((a, b) => a + b, 0);
      assert.equal(sum(sim.backbonePos.counts), 24);
      assert.equal(sum(sim.backboneNeg.counts), 24);
      assert.equal(sim.headPos.length, 2, "one histogram per head");
      assert.equal(sum(sim.headNeg[1].counts), 24);
      assert.match(sim.temperature!, /learned/);
      for (const tau of [...sim.summary!.tauPosMean, ...sim.summary!.tauNegMean]) {
        assert.ok(tau > amcl.tauMin && tau < amcl.tauMax, `τ ${tau} within the bounds`);
      }
      assert.ok(sim.examples.length > 0 && sim.examples.some((e) => !e.positive));
    });

    await t.step("temperature histograms at the first and last epoch, log bins over [tauMin, tauMax]", () => {
      const temps = record.temperatures!;
      assert.deepEqual([...new Set(temps.map((e) => e.epoch))], [1, 2]);
      assert.equal(temps.length, 2 * 2 * 2, "2 epochs × 2 heads × (τ⁺, τ⁻)");
      const pos = temps.filter((e) => e.kind === "pos").map((e) => e.hist.counts.reduce((a, b) => a + b, 0));
      // Every epoch has 2 full steps of 16 images: the same number of τ⁺ per epoch and head.
      assert.ok(pos.every((n) => n === pos[0] && n > 0), `τ⁺ counts ${pos}`);
      assert.equal(pos[0] % 2, 0);
      const edges = temps[0].hist.edges;
      assert.ok(Math.abs(edges[0] - amcl.tauMin) < 1e-12 * amcl.tauMax + amcl.tauMin * 1e-9);
      assert.ok(Math.abs(edges[edges.length - 1] - amcl.tauMax) < 1e-9);
      const r1 = edges[1] / edges[0], r2 = edges[edges.length - 1] / edges[edges.length - 2];
      assert.ok(Math.abs(r1 / r2 - 1) < 1e-6, "log-spaced bins");
    });

    const meta = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`));
    await t.step("the checkpoint stores the full configuration and the image shape", () => {
      assert.deepEqual(meta.config, amcl);
      assert.equal(meta.configHash, cellId(amcl));
      assert.deepEqual(meta.image, { size: 32, channels: 3 });
    });

    await t.step("the rebuilt model reproduces the record's kNN and similarity (API)", async () => {
      const loaded = await loadCheckpointModel(dir);
      try {
        assert.equal(loaded.epochs, 2);
        const dataset = (await openCellData(loaded.config)).view;
        const features = checkpointEvalModel(loaded, dataset);
        const base = { dataset, features, featuresName: dir, backend: BACKEND, seed: amcl.seed };
        const knn = await runEvaluation({ ...base, protocol: "knn", k: 32 });
        assert.equal((knn.result as KnnResult).top1, record.metrics.knnTop1);
        const sim = await runEvaluation({ ...base, protocol: "similarity", pairs: 24, augs: amcl.augs });
        const s = (sim.result as SimilarityResult).summary;
        assert.ok(Math.abs(s.backbonePosMean - record.similarity!.summary!.backbonePosMean) < 1e-5);
        assert.ok(Math.abs(s.headNegMean[1] - record.similarity!.summary!.headNegMean[1]) < 1e-3);
      } finally {
        loaded.model.dispose();
      }
    });

    await t.step("deno task eval knn --checkpoint prints the record (subprocess)", async () => {
      const r = await runEvalCli(["knn", "--checkpoint", dir, "--json", "--backend", BACKEND]);
      assert.equal(r.code, 0, r.stderr);
      const rec = JSON.parse(r.stdout);
      assert.equal(rec.protocol, "knn");
      assert.equal(rec.features, dir);
      assert.equal(rec.dataset, "embedded");
      assert.equal(rec.result.bankSize, 40);
      assert.equal(rec.result.top1, record.metrics.knnTop1);
    });

    await t.step("a checkpoint of another backbone or configuration is refused", async () => {
      const other = await Deno.makeTempDir({ prefix: "amcl-cell-eval-other-" });
      try {
        for await (const e of Deno.readDir(dir)) {
          await Deno.copyFile(`${dir}/${e.name}`, `${other}/${e.name}`);
        }
        // Another backbone's configuration with its own id: the weights do not fit.
        const resnet34 = { ...amcl, backbone: "resnet34" };
        await Deno.writeTextFile(
          `${other}/checkpoint.json`,
          JSON.stringify({ ...meta, config: resnet34, configHash: cellId(resnet34) }),
        );
        await assert.rejects(() => loadCheckpointModel(other), (e) => {
          assert.ok(e instanceof UserError);
          assert.match(e.message, /another configuration/);
          return true;
        });
        // A configuration edited without its id.
        await Deno.writeTextFile(`${other}/checkpoint.json`, JSON.stringify({ ...meta, config: resnet34 }));
        await assert.rejects(() => loadCheckpointModel(other), UserError);
        // No checkpoint at all.
        await Deno.remove(`${other}/checkpoint.json`);
        await assert.rejects(() => loadCheckpointModel(other), /--keep-checkpoints/);
      } finally {
        await Deno.remove(other, { recursive: true });
      }
      // Another backbone than the one asked for, and images of another shape.
      const r = await runEvalCli([
        "knn",
        "--checkpoint",
        dir,
        "--backbone",
        "vit-tiny",
        "--backend",
        BACKEND,
      ]);
      assert.equal(r.code, 2, "a user error exits with 2");
      assert.match(r.stderr, /not a vit-tiny/);
      assert.equal(r.stderr.trim().split("\n").length, 1, "one line, no stack");
      const loaded = await loadCheckpointModel(dir);
      try {
        const info = (await openCellData(amcl)).view;
        assert.throws(
          () => checkpointEvalModel(loaded, { ...info, name: "grey", shape: [28, 28, 1], channels: 1 }),
          /28×28×1/,
        );
      } finally {
        loaded.model.dispose();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cell: Barlow Twins AMCL trains with the last partial batch dropped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-cell-barlow-" });
  try {
    const cell = tinyCell("barlow", "amcl", { dataset: "embedded", epochs: 1 }, {
      trainSize: 40,
      testSize: 16,
      simPairs: 8,
    });
    const record = await executeCell(cell, context(cell, dir));
    assert.equal(record.status, "done", record.error ?? "");
    assert.ok(Number.isFinite(record.curves[0].loss));
    assert.match(record.similarity!.temperature!, /unscaled/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cell: a training split smaller than one batch is a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-cell-small-" });
  try {
    const cell = tinyCell("simclr", "baseline", { dataset: "embedded" }, { trainSize: 8, testSize: 8 });
    await assert.rejects(() => executeCell(cell, context(cell, dir)), (e) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /8 training images.*fewer than one batch of 16/);
      return true;
    });
    const partial = tinyCell("simclr", "baseline", { dataset: "embedded" }, {
      trainSize: 40,
      testSize: 8,
      dropLast: false,
    });
    await assert.rejects(() => executeCell(partial, context(partial, dir)), /dropLast/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

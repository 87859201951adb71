/** The method registry: its listing, and clear errors for bad input. */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { UserError } from "../../core/errors.ts";
import { ctx } from "../../models/module.ts";
import {
  buildMethod,
  checkVariant,
  getMethod,
  listMethods,
  methodDefaults,
  trainPlanFor,
  validateCell,
} from "../../methods/registry.ts";
import { cifarImages, tinyCell } from "./helpers.ts";

await initBackend("wasm");

const isUserError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

Deno.test("listMethods: 6 methods × 2 variants with losses, backbones and defaults", () => {
  const rows = listMethods();
  assert.equal(rows.length, 12);
  assert.deepEqual(
    [...new Set(rows.map((r) => r.method))],
    ["simclr", "moco", "simsiam", "barlow", "can", "lgp"],
  );
  for (const r of rows) {
    assert.equal(r.loss.kind, r.variant, `${r.method} ${r.variant} loss kind`);
    assert.ok(r.loss.latex.length > 10 && r.loss.text.length > 10 && r.loss.equation.length > 0);
    assert.ok(
      r.backbones.includes(r.defaults.paper.backbone) && r.backbones.includes(r.defaults.cpu.backbone),
    );
    assert.equal(r.defaults.paper.heads, r.variant === "amcl" ? 3 : 1);
    assert.equal(r.defaults.cpu.tauMode, r.variant === "amcl" ? "adaptive" : "constant");
  }
  for (const m of ["can", "lgp"]) {
    assert.ok(rows.filter((r) => r.method === m).every((r) => r.backbones.every((b) => b.startsWith("vit"))));
  }
  assert.equal(methodDefaults("simclr", "baseline", "paper").lr, 0.06);
  assert.equal(methodDefaults("moco", "amcl", "paper").extra.queueSize, 4096);
  assert.equal(methodDefaults("barlow", "amcl", "paper").beta, 1e-6);
  assert.equal(methodDefaults("can", "baseline", "cpu").extra.maskRatio, 0.5);
});

Deno.test("unknown method or variant: the error lists the known ones", () => {
  assert.throws(
    () => getMethod("byol"),
    isUserError(/unknown method "byol"; known methods: simclr, moco, simsiam, barlow, can, lgp/),
  );
  assert.throws(
    () => checkVariant("supervised"),
    isUserError(/unknown variant "supervised"; known variants: baseline, amcl/),
  );
  assert.throws(
    () => validateCell({ ...tinyCell("simclr", "baseline"), variant: "x" as "amcl" }),
    isUserError(/variant/),
  );
  assert.throws(
    () => validateCell(tinyCell("simclr", "baseline", { backbone: "vgg16" })),
    isUserError(/unknown backbone "vgg16"/),
  );
  assert.throws(
    () => validateCell(tinyCell("simclr", "baseline", { tauMode: "adaptive" })),
    isUserError(/baseline uses a constant temperature/),
  );
  assert.throws(
    () => validateCell(tinyCell("lgp", "baseline", { backbone: "resnet50" })),
    isUserError(/LGP cannot use backbone resnet50/),
  );
});

Deno.test("Barlow Twins AMCL refuses a batch size other than the one φ was built for", () => {
  const cell = tinyCell("barlow", "amcl", { batchSize: 16 });
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(1));
  const x = cifarImages(8, 16);
  const c = ctx(true);
  assert.throws(
    () =>
      tf.tidy(() => {
        model.forward([x, x], c, new Rng(0), {
          stage: "main",
          epoch: 0,
          stageProgress: 0,
          step: 0,
          totalSteps: 1,
        });
      }),
    isUserError(/built for batch size 16 .* got a batch of 8/),
  );
  for (const u of c.updates) u.value.dispose();
  x.dispose();
  model.dispose();
});

Deno.test("training plans: SGD for the ResNet methods, AdamW stages for CAN and LGP", () => {
  const simclr = trainPlanFor(tinyCell("simclr", "amcl"));
  assert.equal(simclr.stages.length, 1);
  assert.equal(simclr.stages[0].optimizer.kind, "sgd");
  assert.equal(simclr.clipNorm, 1);
  const barlow = trainPlanFor(tinyCell("barlow", "baseline", {}, { optimizer: "lars" }));
  assert.equal(barlow.stages[0].optimizer.kind, "lars");
  assert.throws(
    () => trainPlanFor(tinyCell("barlow", "baseline", {}, { optimizer: "adam" })),
    isUserError(/sgd or lars/),
  );
  const can = trainPlanFor(tinyCell("can", "amcl"));
  assert.equal(can.stages[0].optimizer.kind, "adamw");
  assert.deepEqual(can.stages[0].optimizer.betas, [0.9, 0.95]);
  const lgp = trainPlanFor(tinyCell("lgp", "baseline", { epochs: 2 }, { maeEpochs: 3 }));
  assert.deepEqual(lgp.stages.map((s) => [s.name, s.epochs, s.optimizer.kind]), [["mae", 3, "adamw"], [
    "moco",
    2,
    "adamw",
  ]]);
  assert.equal(lgp.stages[1].optimizer.weightDecay, 0.1);
});

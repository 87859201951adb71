import assert from "node:assert/strict";
import { registryCatalog } from "../../benchmarks/registry_catalog.ts";
import { BUILTIN_PRESETS } from "../../benchmarks/presets/mod.ts";
import { validatePreset } from "../../benchmarks/preset.ts";
import { expandGrid } from "../../benchmarks/grid.ts";

const cat = registryCatalog();

Deno.test("built-in presets: every table/figure preset, quick and smoke validate and expand at both scales", () => {
  const names = BUILTIN_PRESETS.map((p) => p.name);
  for (const id of ["quick", "smoke", "ref-cifar-subset", "t3", "t4", "t5", "t6", "t7", "t8", "t9"]) {
    assert.ok(names.includes(id), id);
  }
  for (const id of ["f1", "f3", "f4", "f5", "f6", "f7", "f8", "f9"]) assert.ok(names.includes(id), id);
  // Suites (paper-cpu) have no grid of their own: tests/benchmarks/suite_test.ts expands them.
  for (const p of BUILTIN_PRESETS.filter((p) => !p.members)) {
    const v = validatePreset(p, `${p.name} (built-in)`, cat);
    for (const scale of ["cpu", "paper"] as const) {
      const cells = expandGrid(v, scale, { layer: {} }, cat);
      assert.ok(cells.length > 0, `${p.name} ${scale}`);
      assert.ok(cells.every((c) => c.config.scale === scale));
      // ResNets take widths 1/16 … 4 (models/resnet.ts): a preset asking for less fails every such cell.
      for (const { config: c } of cells.filter((c) => c.config.backbone.startsWith("resnet"))) {
        assert.ok(c.width >= 1 / 16 && c.width <= 4, `${p.name} ${scale}: ${c.backbone} ×${c.width}`);
      }
    }
  }
  const quick = expandGrid(validatePreset(BUILTIN_PRESETS[0], "quick", cat), "cpu", { layer: {} }, cat);
  assert.deepEqual([...new Set(quick.map((c) => `${c.config.method}/${c.config.variant}`))], [
    "simclr/baseline",
    "simclr/amcl",
  ]);
  assert.ok(new Set(quick.map((c) => c.config.seed)).size >= 3, "quick runs several seeds");
  assert.ok(quick.every((c) => c.config.dataset === "embedded"));
});

Deno.test("built-in presets: ref-cifar-subset is exactly the reference configuration", () => {
  const ref = BUILTIN_PRESETS.find((p) => p.name === "ref-cifar-subset")!;
  const cells = expandGrid(validatePreset(ref, "ref", cat), "cpu", { layer: {} }, cat);
  assert.equal(cells.length, 9, "baseline + AMCL 3 heads + AMCL 1 head, seeds 0–2");
  assert.deepEqual(
    cells.map((c) => `${c.config.variant}:${c.config.heads}:${c.config.seed}`).sort(),
    [
      "amcl:1:0",
      "amcl:1:1",
      "amcl:1:2",
      "amcl:3:0",
      "amcl:3:1",
      "amcl:3:2",
      "baseline:1:0",
      "baseline:1:1",
      "baseline:1:2",
    ],
  );
  for (const { config: c } of cells) {
    assert.equal(c.method, "simclr");
    assert.equal(c.dataset, "cifar10-subset");
    assert.equal(c.backbone, "resnet18");
    assert.equal(c.width, 0.125);
    assert.equal(c.augs, "default");
    assert.equal(c.batchSize, 256);
    assert.equal(c.epochs, 30);
    assert.equal(c.lr, 0.03);
    assert.deepEqual(c.knnEpochs, [10, 20, 30]);
    assert.equal(c.extra.dropLast, true);
    assert.equal(c.extra.weightDecay, 5e-4);
    assert.equal(c.extra.clipNorm, 1);
    assert.equal(c.extra.lrGranularity, "epoch");
    assert.equal(c.extra.knnK, 200);
    assert.equal(c.extra.knnT, 0.1);
    assert.equal(c.extra.projDim, 128);
    if (c.variant === "baseline") {
      assert.equal(c.tau, 0.5);
      assert.equal(c.tauMode, "constant");
    } else {
      assert.equal(c.tauMode, "adaptive");
      assert.equal(c.beta, 1e-4);
      assert.equal(c.topk, 100);
      assert.equal(c.tauMin, 1e-5);
      assert.equal(c.tauMax, 2);
      assert.equal(c.extra.phiHidden, 128);
    }
  }
});

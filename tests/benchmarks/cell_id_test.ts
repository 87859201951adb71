import assert from "node:assert/strict";
import { canonicalJson, cellId } from "../../benchmarks/cell_id.ts";
import type { CellConfig } from "../../core/cell_config.ts";

const base: CellConfig = {
  method: "simclr",
  variant: "amcl",
  dataset: "embedded",
  backbone: "resnet18",
  width: 0.125,
  epochs: 5,
  batchSize: 128,
  heads: 3,
  topk: 100,
  augs: "default",
  tauMode: "adaptive",
  tau: 0.5,
  tauMin: 1e-5,
  tauMax: 2,
  negReg: "code",
  beta: 1e-4,
  lr: 0.06,
  probeEpochs: 10,
  labelsPerClass: [10, 20],
  knnEpochs: [5],
  scale: "cpu",
  seed: 0,
  extra: { a: 1, b: "x" },
};

Deno.test("cell id: key order does not matter, at any depth", () => {
  const reversed = Object.fromEntries(Object.entries(base).reverse()) as unknown as CellConfig;
  reversed.extra = { b: "x", a: 1 };
  assert.equal(cellId(reversed), cellId(base));
  assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
  assert.match(cellId(base), /^[0-9a-f]{16}$/);
});

Deno.test("cell id: any change of any field changes the id", () => {
  const id = cellId(base);
  const changes: Array<Partial<CellConfig>> = [
    { method: "moco" },
    { variant: "baseline" },
    { dataset: "cifar10" },
    { backbone: "resnet50" },
    { width: 0.25 },
    { epochs: 6 },
    { batchSize: 64 },
    { heads: 2 },
    { topk: 0 },
    { augs: "a" },
    { tauMode: "head1" },
    { tau: 0.2 },
    { tauMin: 1e-3 },
    { tauMax: 1 },
    { negReg: "paper" },
    { beta: 0 },
    { lr: 0.03 },
    { probeEpochs: 0 },
    { labelsPerClass: [20, 10] },
    { knnEpochs: [] },
    { scale: "paper" },
    { seed: 1 },
    { extra: { a: 2, b: "x" } },
    { extra: { a: 1 } },
  ];
  const ids = new Set([id]);
  for (const c of changes) {
    const other = cellId({ ...base, ...c });
    assert.notEqual(other, id, `changing ${Object.keys(c)[0]} must change the id`);
    ids.add(other);
  }
  assert.equal(ids.size, changes.length + 1, "every change gives a distinct id");
});

import assert from "node:assert/strict";
import {
  AMCL_KNOBS,
  CONFIG_FIELDS,
  CORE_FIELDS,
  COST_ROW_FIELDS,
  REQUIRED_FIELDS,
  SUMMARY_FIELDS,
} from "../../reports/config_fields.ts";
import { fixtureConfig } from "./fixtures.ts";

Deno.test("config fields: one table names every CellConfig field once, in display order", () => {
  assert.deepEqual([...CONFIG_FIELDS].sort(), Object.keys(fixtureConfig()).sort());
  assert.equal(new Set(CONFIG_FIELDS).size, CONFIG_FIELDS.length);
  assert.deepEqual(CONFIG_FIELDS.slice(0, 4), ["method", "variant", "dataset", "backbone"]);
  assert.deepEqual(CONFIG_FIELDS.slice(-2), ["seed", "extra"]);
});

Deno.test("config fields: each role's list, in display order", () => {
  const inOrder = (xs: readonly string[]) =>
    assert.deepEqual(xs, CONFIG_FIELDS.filter((f) => xs.includes(f)), `${xs} keeps the display order`);
  assert.deepEqual(AMCL_KNOBS, ["heads", "topk", "tauMode", "tau", "tauMin", "tauMax", "negReg", "beta"]);
  assert.deepEqual(CORE_FIELDS, [
    "method",
    "dataset",
    "backbone",
    "width",
    "epochs",
    "batchSize",
    "augs",
    "probeEpochs",
    "scale",
  ]);
  assert.deepEqual(COST_ROW_FIELDS, [
    "method",
    "variant",
    "backbone",
    "width",
    "batchSize",
    "heads",
    "scale",
  ]);
  assert.deepEqual(REQUIRED_FIELDS, ["method", "variant", "dataset", "backbone", "seed"]);
  assert.deepEqual(SUMMARY_FIELDS, [
    "method",
    "variant",
    "dataset",
    "backbone",
    "width",
    "epochs",
    "heads",
    "augs",
    "tauMode",
    "tauMin",
    "negReg",
    "seed",
  ]);
  for (const xs of [AMCL_KNOBS, CORE_FIELDS, COST_ROW_FIELDS, REQUIRED_FIELDS, SUMMARY_FIELDS]) inOrder(xs);
  // A baseline's partner search never drops an identifying field as an AMCL knob.
  assert.deepEqual(AMCL_KNOBS.filter((f) => CORE_FIELDS.includes(f)), []);
});

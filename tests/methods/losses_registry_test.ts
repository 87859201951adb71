/**
 * The loss registry: every vector loss name is registered with its inputs and formula
 * metadata (for tables T1/T2); the perf case runs (tiny sizes).
 */
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { LOSSES, lossInfos } from "../../methods/losses/mod.ts";

await initBackend("cpu");

Deno.test("every loss of the vector README (and MoCo v3, LGP's) is registered with its metadata", () => {
  const names = [
    "ntxent",
    "infonce",
    "moco",
    "mocov3",
    "simsiam",
    "barlow",
    "amcl_ntxent",
    "amcl_infonce",
    "amcl_ntxent_softmax",
    "amcl_moco",
    "amcl_mocov3",
    "amcl_simsiam",
    "amcl_barlow",
    "amcl_ntxent_paperreg",
  ];
  assert.deepEqual(Object.keys(LOSSES).sort(), [...names].sort());
  for (const [name, e] of Object.entries(LOSSES)) {
    assert.equal(e.info.name, name);
    assert.equal(e.usesPhi, name.startsWith("amcl_"));
    assert.equal(e.info.kind, name.startsWith("amcl_") ? "amcl" : "baseline");
    assert.match(e.info.equation, /amcl\.md §\d|methods\.md LGP/);
    assert.ok(e.info.latex.length > 20 && e.info.text.length > 20 && e.info.title.length > 0);
    assert.ok(e.info.methods.length > 0);
  }
  assert.equal(lossInfos("amcl").length, 8);
  assert.equal(lossInfos("baseline").length, 6);
  assert.deepEqual(LOSSES.moco.constantInputs, ["k", "queue"]);
  // One baseline and one AMCL loss per method (the tables pick the first match).
  for (const m of ["simclr", "moco", "simsiam", "barlow", "can", "lgp"]) {
    for (const kind of ["baseline", "amcl"] as const) {
      const names = lossInfos(kind).filter((i) => i.methods.includes(m)).map((i) => i.name);
      assert.ok(names.length >= 1, `${m} has a ${kind} loss`);
    }
  }
  assert.deepEqual(lossInfos().filter((i) => i.methods.includes("lgp")).map((i) => i.name), [
    "mocov3",
    "amcl_mocov3",
  ]);
});

/**
 * Smoke test of the perf harness (not a timed test): at tiny shapes, one or two steps per
 * row, the report has every field, every selected row ran through the training loop without
 * error, the ratios between rows are filled, the tensor count does not grow, and the table
 * prints. The PyTorch peer is off (it is slow to start and optional).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { NEEDS_DNNL, NO_DNNL } from "../core/native_testutil.ts";
import { runPerf } from "../../benchmarks/perf.ts";
import { formatPerf } from "../../benchmarks/perf_table.ts";
import { perfRows, REFERENCE_ROW, selectRows } from "../../benchmarks/perf_rows.ts";

Deno.test("perf harness: tiny run has the report fields, ratios, and no tensor growth", async () => {
  const rows = [REFERENCE_ROW, "simclr-amcl-r18w8", "moco-r18w8", "loss-", "augment-", "leak-"];
  const rep = await runPerf({
    backends: ["wasm"],
    steps: 2,
    rows,
    threads: 1,
    peer: false,
    leakSteps: 4,
    topKernels: 3,
    tiny: true,
  });
  assert.equal(rep.schema, 1);
  assert.ok(rep.machine.cpu.length > 0 && rep.machine.deno.length > 0);
  assert.deepEqual(rep.backends.map((b) => b.name), ["wasm"]);
  assert.equal(rep.peer.available, false);
  assert.equal(rep.rows.length, rows.length);
  for (const r of rep.rows) {
    assert.equal(r.error, undefined, `${r.id} failed: ${r.error}`);
    assert.ok(r.ms !== null && r.ms > 0, `${r.id}: ms ${r.ms}`);
    assert.ok(r.msSteps.length >= 2, `${r.id}: ${r.msSteps.length} timed steps`);
    assert.ok(r.peakRssMiB !== null && r.peakRssMiB > 0, `${r.id}: no RSS`);
    assert.ok(r.tensors, `${r.id}: no tensor counts`);
    assert.equal(r.tensors.growth, 0, `${r.id}: tensors grew by ${r.tensors.growth} over its steps`);
    for (const k of ["torchMs", "ratioToTorch", "ratioToReference", "ratioToBaseline", "tfjsPeakMiB"]) {
      assert.ok(k in r, `${r.id}: field ${k} missing`);
    }
  }
  const by = (id: string) => rep.rows.find((r) => r.id.startsWith(id))!;
  // Step rows ran the training loop: models were built and freed, leaving nothing behind.
  for (const id of [REFERENCE_ROW, "simclr-amcl-r18w8", "moco-r18w8", "leak-"]) {
    assert.equal(by(id).tensors!.leaked, 0, `${id} left ${by(id).tensors!.leaked} tensors`);
    assert.ok(by(id).imagesPerSec! > 0);
  }
  assert.equal(by("leak-").msSteps.length, 4);
  assert.ok(by(REFERENCE_ROW).kernels!.length > 0 && by(REFERENCE_ROW).kernels!.length <= 3);
  assert.ok(by(REFERENCE_ROW).tfjsPeakMiB! > 0);
  // The AMCL row alternates its steps with its baseline's and reports their paired ratio.
  assert.ok(by("simclr-amcl-r18w8").ratioToBaseline! > 0);
  assert.ok(
    by("simclr-amcl-r18w8").pairedBaselineRatio! > 0 && by("simclr-amcl-r18w8").pairedBaselineMs! > 0,
  );
  // Dense MACs of both profiled steps: AMCL's three heads, φ and loss products cost more.
  const amcl = by("simclr-amcl-r18w8");
  assert.ok(amcl.gmacs! > 0 && amcl.pairedBaselineGmacs! > 0);
  assert.ok(amcl.macRatio! > 1, `AMCL/baseline MAC ratio ${amcl.macRatio}`);
  assert.ok(by(REFERENCE_ROW).gmacs! > 0 && by(REFERENCE_ROW).macRatio === undefined);
  assert.ok(by("loss-").ratioToReference! > 0 && by("augment-").ratioToReference! > 0);
  const names = rep.targets.map((t) => t.name).join("\n");
  for (
    const t of [
      "suite/PyTorch",
      "step / baseline step",
      "AMCL NT-Xent",
      "augment 256",
      "tensor growth",
      "peak RSS",
    ]
  ) {
    assert.ok(names.includes(t), `target "${t}" missing`);
  }
  assert.equal(rep.targets.find((t) => t.name.includes("tensor growth"))!.pass, true);
  const table = formatPerf(rep);
  assert.ok(table.includes("| row | backend | ms/step |") && table.includes("Targets:"));
});

Deno.test("perf rows: ids are unique, filters select by substring, the reference row runs first", () => {
  const rows = perfRows(100);
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  assert.equal(rows[0].id, REFERENCE_ROW);
  assert.deepEqual(selectRows(rows, ["barlow"]).map((r) => r.id), [
    "barlow-r18w8-b128",
    "barlow-amcl-r18w8-b128",
    "barlow-r18w1-b32",
    "barlow-amcl-r18w1-b32",
    "barlow-r18w1-b128",
    "barlow-amcl-r18w1-b128",
  ]);
  assert.deepEqual(selectRows(rows, ["amcl-r18w1-b32"]).map((r) => r.id), [
    "simclr-amcl-r18w1-b32",
    "moco-amcl-r18w1-b32",
    "simsiam-amcl-r18w1-b32",
    "barlow-amcl-r18w1-b32",
  ]);
  // Batch 128 at ×1 outgrows the wasm heap: those rows, and only those, are host-memory rows.
  assert.deepEqual(
    rows.filter((r) => r.kind === "step" && r.hostMemory).map((r) => r.id),
    rows.map((r) => r.id).filter((id) => id.endsWith("-r18w1-b128")),
  );
  assert.equal(selectRows(rows, []).length, rows.length);
  const peered = rows.filter((r) => r.kind === "step" && r.peer);
  assert.ok(peered.some((r) => r.id === REFERENCE_ROW));
});

Deno.test("perf --memory takes auto, heap or host; anything else is one line naming them, exit 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../benchmarks/perf_main.ts", import.meta.url).pathname,
      "--memory",
      "disk",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 2, err);
  assert.equal(err, "error: --memory disk: use auto, heap (wasm heap, ≤ 4 GiB) or host (process memory)");
});

Deno.test(
  `perf: a row too big for the wasm heap runs on native in host memory (paired: --steps pairs), and is not run elsewhere${NEEDS_DNNL}`,
  {
    ignore: NO_DNNL,
  },
  async () => {
    const rep = await runPerf({
      backends: ["wasm", "native"],
      steps: 2,
      heavySteps: 1,
      rows: ["simclr-amcl-r18w1-b128"],
      threads: 1,
      peer: false,
      leakSteps: 2,
      topKernels: 0,
      tiny: true,
    });
    const [wasm, native] = rep.rows;
    assert.match(wasm.error ?? "", /^not run: needs more than the wasm heap's 4 GiB/);
    assert.equal(native.error, undefined);
    assert.ok(native.ms! > 0 && native.pairedBaselineRatio! > 0, "timed, with its paired baseline");
    assert.equal(native.msSteps.length, 2, "a paired row keeps --steps pairs although heavy");
    assert.equal(tf.getBackend(), "native-host");
  },
);

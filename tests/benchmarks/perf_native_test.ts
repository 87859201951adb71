/**
 * `deno task perf --vs-torch` (benchmarks/perf_native.ts) on tiny shapes without the peer:
 * one cell per width × threads, one suite value per round with its median and spread, every
 * kernel call counted (none fell back), the load recorded, and the Markdown row; a cell in host
 * memory with its peak RSS; and the targets read off a report.
 */
import assert from "node:assert/strict";
import {
  formatVsTorch,
  runVsTorch,
  type VsTorchReport,
  vsTorchTargets,
} from "../../benchmarks/perf_native.ts";
import { NEEDS_DNNL, NO_DNNL } from "../core/native_testutil.ts";

Deno.test(`perf --vs-torch: alternated rounds give median and spread per width × threads${NEEDS_DNNL}`, {
  ignore: NO_DNNL,
}, async () => {
  const r = await runVsTorch({
    widths: [1 / 16],
    batch: 4,
    threads: [1, 2],
    rounds: 2,
    steps: 1,
    peer: false,
    sweeps: [],
  });
  assert.equal(r.cells.length, 2);
  for (const [i, c] of r.cells.entries()) {
    assert.equal(c.threads, i + 1);
    assert.equal(c.error, undefined);
    assert.equal(c.suite!.rounds.length, 2);
    assert.ok(c.suite!.min <= c.suite!.median && c.suite!.median <= c.suite!.max);
    assert.equal(c.torch, null);
    const calls = Object.values(c.kernels);
    assert.ok(
      calls.length > 0 && calls.every((k) => k.fallback === 0 && k.native > 0),
      JSON.stringify(c.kernels),
    );
  }
  assert.equal(r.peer.available, false);
  const text = formatVsTorch(r);
  assert.match(
    text,
    /\| ResNet-18 ×1\/16, b4, 32² \| 2 \| heap \| [\d.]+ \([\d.]+–[\d.]+\) \| – \| – \| – \| 0 of \d+ \| \d+ \|/,
  );
});

Deno.test(
  `perf --vs-torch --memory host: the cell runs in host memory and reports its peak RSS${NEEDS_DNNL}`,
  {
    ignore: NO_DNNL,
  },
  async () => {
    const r = await runVsTorch({
      widths: [1 / 16],
      batch: 4,
      threads: [2],
      rounds: 1,
      steps: 1,
      peer: false,
      sweeps: [],
      memory: "host",
    });
    const [c] = r.cells;
    assert.equal(c.error, undefined);
    assert.equal(c.memory, "host");
    assert.match(r.device, /host memory/);
    assert.ok(c.peakRssMiB! > 0);
    assert.ok(Object.values(c.kernels).every((k) => k.fallback === 0), JSON.stringify(c.kernels));
  },
);

Deno.test("perf --vs-torch targets: ratio ≤ 1.2 per cell, ref-cifar-subset native ≥ 2× wasm", () => {
  const cell = (ratio: number | null, threads: number) => ({
    width: 0.125,
    batch: 128,
    threads,
    suite: null,
    torch: null,
    ratio,
    kernels: {},
  });
  const sweep = (preset: string, backend: string, cellsPerHour: number) => ({
    preset,
    backend,
    cells: 9,
    seconds: 1,
    cellsPerHour,
  });
  const r = {
    cells: [cell(1.19, 1), cell(1.35, 2), cell(null, 4)],
    sweeps: [
      sweep("ref-cifar-subset", "native", 30),
      sweep("ref-cifar-subset", "wasm", 14),
      sweep("quick", "native", 100),
      sweep("quick", "wasm", 80),
    ],
  } as unknown as VsTorchReport;
  const t = vsTorchTargets(r);
  assert.equal(t.length, 4, t.join("\n"));
  assert.match(t[0], /×1\/8, b128, 1 thread\(s\): 1.19 \(≤ 1.2, goal 1.0\): met$/);
  assert.match(t[1], /1.35 .*: not met$/);
  assert.match(t[2], /^ref-cifar-subset sweep native \/ wasm cells per hour: 2.14× \(≥ 2×\): met$/);
  assert.match(t[3], /^quick sweep native \/ wasm cells per hour: 1.25×$/);
});

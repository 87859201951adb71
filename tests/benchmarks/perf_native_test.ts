/**
 * `deno task perf --vs-torch` (benchmarks/perf_native.ts) on tiny shapes without the peer:
 * one cell per width × threads, one suite value per round with its median and spread, every
 * kernel call counted (none fell back), the load recorded, and the Markdown row.
 */
import assert from "node:assert/strict";
import { formatVsTorch, runVsTorch } from "../../benchmarks/perf_native.ts";
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
    /\| ResNet-18 ×1\/16, b4, 32² \| 2 \| [\d.]+ \([\d.]+–[\d.]+\) \| – \| – \| 0 of \d+ \|/,
  );
});

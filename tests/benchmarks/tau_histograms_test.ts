/** Per-epoch temperature histograms (F9): chosen epochs, fixed log bins, accumulation, state. */
import assert from "node:assert/strict";
import { temperatureEpochs, TemperatureHistograms } from "../../benchmarks/tau_histograms.ts";

Deno.test("temperatureEpochs: first, middle, last and the kNN epochs, within the run", () => {
  assert.deepEqual(temperatureEpochs(30, [10, 20, 30]), [1, 10, 15, 20, 30]);
  assert.deepEqual(temperatureEpochs(1, []), [1]);
  assert.deepEqual(temperatureEpochs(5, [7, 0]), [1, 3, 5]);
});

Deno.test("TemperatureHistograms: collapsed τ land in the first log bin; steps add up; other epochs cost nothing", () => {
  const h = new TemperatureHistograms([1, 3], { tauMin: 1e-5, tauMax: 2 }, 10);
  const collapsed = new Float32Array(6).fill(1e-5);
  const mid = Float32Array.from([0.1, 0.5, 1.9]);
  h.add(1, { pos: [collapsed, mid], neg: [mid, collapsed] });
  h.add(1, { pos: [collapsed, mid], neg: [mid, collapsed] });
  h.add(2, { pos: [mid, mid], neg: [mid, mid] });
  h.add(3, { pos: [mid, mid], neg: [] }); // no τ⁻ (SimSiam)
  const e = h.entries();
  assert.deepEqual(e.map((x) => `${x.epoch}/${x.head}/${x.kind}`), [
    "1/0/pos",
    "1/0/neg",
    "1/1/pos",
    "1/1/neg",
    "3/0/pos",
    "3/1/pos",
  ]);
  const first = e[0].hist;
  assert.equal(first.counts[0], 12, "6 collapsed τ⁺ per step × 2 steps, all in the first bin");
  assert.equal(first.counts.reduce((a, b) => a + b, 0), 12);
  assert.ok(Math.abs(first.edges[0] - 1e-5) < 1e-12 && Math.abs(first.edges[10] - 2) < 1e-9);
  assert.equal(e[2].hist.counts.reduce((a, b) => a + b, 0), 6);
  assert.equal(e[2].hist.counts[9], 2, "1.9 falls in the last bin, twice");

  const restored = new TemperatureHistograms([1, 3], { tauMin: 1e-5, tauMax: 2 }, 10);
  restored.load(JSON.parse(JSON.stringify(h.save())));
  assert.deepEqual(restored.entries(), e);
  restored.add(3, { pos: [mid, mid], neg: [] });
  assert.equal(restored.entries()[4].hist.counts.reduce((a, b) => a + b, 0), 6, "resumed counts keep adding");
});

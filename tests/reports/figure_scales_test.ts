import assert from "node:assert/strict";
import type { CellRecord } from "../../benchmarks/record.ts";
import { buildArtefacts } from "../../reports/artefacts.ts";
import { logTicks } from "../../reports/log_axis.ts";
import { type Figure, renderSvg } from "../../reports/render.ts";
import { fixtureGrid } from "./fixtures.ts";

// FIXTURE records (synthetic): a baseline and an AMCL cell whose τ sit at tauMin = 1e-5, with
// per-epoch histograms on 40 log-spaced bins over [tauMin, tauMax] (all mass in the first bin) and
// losses of very different size (baseline ~4, AMCL ~−1e5), as in a real collapsed run.
function collapsedRun(): CellRecord[] {
  const recs = fixtureGrid([{ variant: "baseline" }, { variant: "amcl" }], [0], {
    preset: "quick",
    collapsed: (c) => c.variant === "amcl",
  });
  const edges = Array.from({ length: 41 }, (_, i) => 1e-5 * (2 / 1e-5) ** (i / 40));
  for (const r of recs) {
    if (r.config.variant !== "amcl") continue;
    r.temperatures = r.temperatures!.map((t) => ({
      ...t,
      hist: { edges, counts: edges.slice(1).map((_, i) => (i === 0 ? 128 : 0)) },
    }));
    for (const p of r.curves) p.loss = -1e5 * p.epoch;
  }
  return recs;
}

const built = buildArtefacts(collapsedRun(), []);
const fig = (id: string) => built.presets[0].artefacts.find((a) => a.id === `${id} · quick`) as Figure;

Deno.test("log ticks: powers of ten (every other decade when wide) and the ends", () => {
  assert.deepEqual(logTicks(1e-5, 2), [1e-5, 1e-3, 0.1, 2]);
  assert.deepEqual(logTicks(1e-3, 2), [1e-3, 0.01, 0.1, 2]);
  assert.deepEqual(logTicks(0.1, 1), [0.1, 1]);
});

Deno.test("F9: τ histograms on a log axis spanning [tauMin, tauMax]; the collapsed bin is drawn", async () => {
  const f9 = fig("F9");
  const top = (f9.spec.vconcat as Array<Record<string, unknown>>)[0];
  const enc = (top.spec as { encoding: Record<string, { scale?: unknown; axis?: { values?: number[] } }> })
    .encoding;
  assert.deepEqual(enc.x.scale, { type: "log", domain: [1e-5, 2], nice: false, clamp: true });
  assert.deepEqual(enc.x.axis!.values, [1e-5, 1e-3, 0.1, 2]);
  const bins = (top.data as { values: Array<{ lo: number; hi: number; mean: number }> }).values;
  assert.ok(bins.some((b) => b.lo === 1e-5 && b.mean === 1), "the first bin holds every pair");
  assert.ok(bins.every((b) => b.mean > 0), "empty bins are left blank");
  const svg = await renderSvg(f9.spec);
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const label of ["1e-5", "1e-3", "0.1", "2", "tauMin"]) assert.ok(texts.includes(label), label);
  assert.ok(!texts.some((t) => /^0\.0000/.test(t)), `long decimal log labels: ${texts.join(" ")}`);
});

Deno.test("F8: baseline and AMCL losses in separate panels with independent y scales, one legend", async () => {
  const f8 = fig("F8");
  const rows = (f8.spec.data as { values: Array<{ panel: string; mean: number; variant: string }> }).values;
  const panel = (v: string) =>
    new Set(rows.filter((r) => r.variant === v && r.panel.startsWith("loss")).map((r) => r.panel));
  assert.deepEqual([...panel("baseline")], ["loss · baseline"]);
  assert.deepEqual([...panel("AMCL")], ["loss · AMCL"]);
  assert.deepEqual(f8.spec.resolve, { scale: { y: "independent" } });
  const svg = await renderSvg(f8.spec);
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.ok(!texts.includes("variant"), "no second (variant) legend");
  assert.ok(svg.includes("loss · AMCL") && svg.includes("loss · baseline"));
});

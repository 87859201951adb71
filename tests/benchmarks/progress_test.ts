import assert from "node:assert/strict";
import { duration, PlainProgress, Tally } from "../../benchmarks/progress.ts";
import type { CellRecord } from "../../benchmarks/record.ts";
import { fixtureConfig, fixtureRecord } from "../reports/fixtures.ts";
import type { CellConfig } from "../../core/cell_config.ts";

/** A clock the test moves by hand (milliseconds). */
function clock() {
  let t = 1_000;
  return { now: () => t, advance: (s: number) => (t += s * 1000) };
}

const small = (seed: number): CellConfig => fixtureConfig({ width: 0.0625, epochs: 5, seed });
const big = (seed: number): CellConfig => fixtureConfig({ backbone: "resnet50", epochs: 5, seed });

function done(config: CellConfig): CellRecord {
  return { ...fixtureRecord(config), config };
}

Deno.test("duration reads as seconds, minutes or hours", () => {
  assert.equal(duration(45), "45s");
  assert.equal(duration(185), "3m05s");
  assert.equal(duration(2 * 3600 + 7 * 60 + 20), "2h07m");
  assert.equal(duration(NaN), "?");
});

Deno.test("plain progress: one line per finished cell with done/total, elapsed and an ETA priced per kind", () => {
  const c = clock();
  const lines: string[] = [];
  const p = new PlainProgress((l) => lines.push(l), c.now);
  // Two small cells, then two big ones (another backbone: another kind), one worker.
  const cells = [small(0), small(1), big(0), big(1)].map((config, i) => ({ id: `c${i}`, config }));
  p.sweepStart(4, 3, 1, cells);
  assert.equal(lines[0], "sweep: 4 cells to run (3 already done), 1 worker(s)");

  p.cellStart("c0", cells[0].config);
  c.advance(10);
  p.cellEnd("c0", done(cells[0].config), 10);
  // Only one kind measured: every pending cell is priced at its 2 s per epoch × 5 epochs.
  assert.equal(lines.at(-1), `[1/4] c0 done kNN ${knn(cells[0])}% (10s; elapsed 10s, ETA 30s)`);

  p.cellStart("c2", cells[2].config);
  c.advance(50);
  p.cellEnd("c2", done(cells[2].config), 50);
  // Now big cells cost 10 s per epoch, small ones 2: left are one small (10 s) and one big (50 s).
  assert.match(lines.at(-1)!, /^\[2\/4\] c2 done .*\(50s; elapsed 1m00s, ETA 1m00s\)$/);

  p.cellStart("c1", cells[1].config);
  c.advance(10);
  p.cellEnd("c1", { ...done(cells[1].config), status: "failed", error: "NaN loss" }, 10);
  assert.match(lines.at(-1)!, /^\[3\/4\] c1 FAILED: NaN loss \(10s; elapsed 1m10s, ETA 50s\)$/);

  p.cellStart("c3", cells[3].config);
  c.advance(50);
  p.cellEnd("c3", done(cells[3].config), 50);
  assert.match(lines.at(-1)!, /^\[4\/4\] c3 done .*\(50s; elapsed 2m00s, ETA 0s\)$/);
  p.sweepEnd();
  assert.equal(lines.at(-1), "sweep: 3 done, 1 failed in 2m00s");
  // Nothing but plain text: no terminal escapes, no carriage returns.
  assert.ok(lines.every((l) => !l.includes("\u001b") && !l.includes("\r")), lines.join("\n"));
});

Deno.test("ETA is shared over the workers and falls back to the mean cell time without the pending list", () => {
  const c = clock();
  const t = new Tally(c.now);
  t.start(5, 2);
  assert.ok(Number.isNaN(t.eta()), "no estimate before a cell finished");
  t.end("a", small(0), 30, false);
  assert.equal(t.eta(), 30 * 4 / 2);
  const withList = new Tally(c.now);
  withList.start(3, 2, [small(0), big(0), big(1)].map((config, i) => ({ id: String(i), config })));
  withList.end("0", small(0), 20, false);
  // An unseen kind is priced at the mean per epoch over every kind seen (4 s here).
  assert.equal(withList.eta(), (20 + 20) / 2);
});

function knn(cell: { config: CellConfig }): string {
  return ((done(cell.config).metrics.knnTop1 ?? 0) * 100).toFixed(1);
}

/**
 * A real cell killed at each point of its run and resumed gives the record of an
 * uninterrupted run in every field but the run's measurements (dates, host, seconds,
 * images/s, peak memory). The cell: the smoke preset's SimCLR-AMCL, 2 epochs of 2 steps,
 * kNN after each epoch. The kill points are events, not sleeps: the bench process halts
 * there (`AMCL_HALT_AT`, benchmarks/halt.ts) and is killed when it says so.
 */
import assert from "node:assert/strict";
import type { CellRecord } from "../../benchmarks/record.ts";
import { killAtHalt } from "./fixtures/halt.ts";
import { apartFromMeasurements, readAllRecords, tempDir } from "./fixtures/helpers.ts";

const BENCH_MAIN = new URL("../../benchmarks/bench_main.ts", import.meta.url).pathname;
const SWEEP = [
  "--preset",
  "smoke",
  "--set",
  "variant=amcl",
  "--set",
  "epochs=2",
  "--set",
  "knnEpochs=1,2",
  "--backend",
  "wasm",
  "--workers",
  "1",
  "--quiet",
  "--no-report",
];

function bench(out: string): string[] {
  return ["run", "-A", BENCH_MAIN, ...SWEEP, "--out", out];
}

async function sweep(out: string): Promise<CellRecord> {
  const o = await new Deno.Command(Deno.execPath(), { args: bench(out), stdin: "null" }).output();
  const dec = new TextDecoder();
  assert.equal(o.code, 0, `bench exited ${o.code}: ${dec.decode(o.stderr)}`);
  const records = [...(await readAllRecords(out)).values()];
  assert.equal(records.length, 1, "one cell");
  assert.equal(records[0].status, "done", records[0].error ?? "");
  return records[0];
}

/** The epoch (0-based) of the checkpoint in `out`'s only cell folder; asserts no record yet. */
async function checkpointEpoch(out: string): Promise<number> {
  const entries = await Array.fromAsync(Deno.readDir(`${out}/cells`));
  assert.deepEqual(entries.filter((e) => e.isFile).map((e) => e.name), [], "no record before the kill");
  const dirs = entries.filter((e) => e.isDirectory);
  assert.equal(dirs.length, 1);
  const meta = JSON.parse(await Deno.readTextFile(`${out}/cells/${dirs[0].name}/checkpoint.json`));
  return meta.epoch;
}

Deno.test("resume: a real cell killed mid-epoch, after its last epoch or during evaluation ends with the uninterrupted record", async () => {
  const dir = await tempDir("cell-resume");
  try {
    const whole = await sweep(`${dir}/whole`);
    assert.equal(
      typeof whole.collapse?.shareAtTauMin,
      "number",
      "the collapse analysis read the temperatures",
    );
    assert.ok(whole.temperatures?.length, "the AMCL record has temperature histograms");
    const points: Array<[string, number]> = [
      ["step:2:1", 0], // mid-epoch: epoch 2 half trained, the checkpoint of epoch 1
      ["trained", 1], // the last epoch's checkpoint written, evaluation not started
      ["eval", 1], // the final kNN done, the probe and the similarity analysis not
    ];
    for (const [point, epoch] of points) {
      const out = `${dir}/${point.replaceAll(":", "-")}`;
      await killAtHalt(bench(out), point);
      assert.equal(
        await checkpointEpoch(out),
        epoch,
        `the kill at ${point} left epoch ${epoch + 1}'s checkpoint`,
      );
      const resumed = await sweep(out);
      assert.deepEqual(apartFromMeasurements(resumed), apartFromMeasurements(whole), `killed at ${point}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import Papa from "papaparse";
import type { CellRecord } from "../../benchmarks/record.ts";
import { comparable, readAllRecords, runSweepProcess, tempDir, writePreset } from "./fixtures/helpers.ts";
import { killAtHalt } from "./fixtures/halt.ts";

const RUN_SWEEP = new URL("./fixtures/run_sweep.ts", import.meta.url).pathname;

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

/** Every results file of `out` parses; returns the number of done records. */
async function assertIntact(out: string): Promise<number> {
  JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
  let done = 0;
  for await (const e of Deno.readDir(`${out}/cells`)) {
    if (e.isFile && e.name.endsWith(".json")) {
      const r = JSON.parse(await Deno.readTextFile(`${out}/cells/${e.name}`)) as CellRecord;
      assert.equal(`${r.id}.json`, e.name);
      if (r.status === "done") done++;
    }
    if (e.isDirectory && await exists(`${out}/cells/${e.name}/checkpoint.json`)) {
      JSON.parse(await Deno.readTextFile(`${out}/cells/${e.name}/checkpoint.json`));
    }
  }
  if (await exists(`${out}/results.csv`)) {
    const csv = Papa.parse(await Deno.readTextFile(`${out}/results.csv`), {
      header: true,
      skipEmptyLines: true,
    });
    assert.deepEqual(csv.errors, []);
    assert.equal(csv.data.length, done, "results.csv lists exactly the finished records");
  }
  return done;
}

/** A sweep of 4 cells of 4 epochs (4 steps each) whose 2 AMCL cells halt where asked. */
function haltingPreset() {
  return {
    name: "mini",
    fixed: { method: "simclr", epochs: 4, knnEpochs: [4] },
    cases: [{ variant: "baseline" }, { variant: "amcl", "extra.testHalt": true }],
    seeds: [0, 1],
  };
}

/** The pids that trained each epoch of cell `id`, from its `epochs.log`: epoch → pid. */
async function epochPids(out: string, id: string): Promise<Array<[number, string]>> {
  const log = (await Deno.readTextFile(`${out}/cells/${id}/epochs.log`)).trim().split("\n");
  return log.map((l) => [Number(l.split(" ")[0]), l.split(" ")[1]]);
}

Deno.test("resume: a sweep killed with SIGKILL mid-epoch or after a cell's last epoch loses only the unfinished epoch and completes on rerun", async () => {
  const dir = await tempDir("resume");
  try {
    const preset = await writePreset(dir, haltingPreset());
    const clean = `${dir}/clean`;
    const whole = await runSweepProcess([preset, clean, "--workers", "2"]);
    assert.equal(whole.code, 0, whole.stderr);
    const cleanRecords = await readAllRecords(clean);
    assert.equal(cleanRecords.size, 4);

    // [halt point, completed epochs of the halted cells' checkpoint]
    const points: Array<[string, number]> = [["step:3:2", 2], ["trained", 4]];
    for (const [point, ckEpochs] of points) {
      const out = `${dir}/${point.replaceAll(":", "-")}`;
      // Two workers: the baseline cells finish, the AMCL cells halt at the point; then the kill.
      const halted = await killAtHalt(
        ["run", "-A", RUN_SWEEP, preset, out, "--workers", "2"],
        point,
        undefined,
        2,
      );
      const frozen = await readAllRecords(out);
      assert.deepEqual([...frozen.values()].map((r) => r.config.variant), ["baseline", "baseline"]);
      assert.deepEqual(halted.filter((id) => frozen.has(id)), [], "no record of a halted cell");
      assert.equal(await assertIntact(out), 2);
      for (const id of halted) {
        const ck = JSON.parse(await Deno.readTextFile(`${out}/cells/${id}/checkpoint.json`));
        assert.equal(ck.epoch, ckEpochs, `${point}: ${id} checkpointed ${ckEpochs} epochs`);
      }

      const rerun = await runSweepProcess([preset, out, "--workers", "2"]);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.match(rerun.stdout, /2 cells to run \(2 already done\)/);
      assert.equal(await assertIntact(out), 4);

      // No completed epoch ran twice; a halted cell continued after its checkpoint in the
      // second process, and one killed after its last epoch was not retrained.
      const records = await readAllRecords(out);
      for (const id of records.keys()) {
        const log = await epochPids(out, id);
        assert.deepEqual(log.map(([e]) => e), [1, 2, 3, 4], `${point}: cell ${id} trained each epoch once`);
        const pids = new Set(log.map(([, pid]) => pid));
        const expected = halted.includes(id) && ckEpochs < 4 ? 2 : 1;
        assert.equal(pids.size, expected, `${point}: cell ${id} trained by ${expected} process(es)`);
      }

      // The results equal those of the uninterrupted sweep.
      assert.deepEqual([...records.keys()].sort(), [...cleanRecords.keys()].sort());
      for (const [id, r] of records) assert.deepEqual(comparable(r), comparable(cleanRecords.get(id)!));

      // A third run skips everything.
      const third = await runSweepProcess([preset, out]);
      assert.equal(third.code, 0);
      assert.match(third.stdout, /0 cells to run \(4 already done\)/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

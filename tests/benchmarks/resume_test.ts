import assert from "node:assert/strict";
import Papa from "papaparse";
import type { CellRecord } from "../../benchmarks/record.ts";
import {
  comparable,
  miniPreset,
  readAllRecords,
  runSweepProcess,
  tempDir,
  writePreset,
} from "./fixtures/helpers.ts";

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

Deno.test("resume: a sweep killed with SIGKILL mid-run loses at most the unfinished epoch and completes on rerun", async () => {
  const dir = await tempDir("resume");
  try {
    const preset = await writePreset(dir, miniPreset({ epochs: 4, delayMs: 400, seeds: [0, 1] }));
    const out = `${dir}/out`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./fixtures/run_sweep.ts", import.meta.url).pathname,
        preset,
        out,
        "--workers",
        "2",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Kill once one cell is finished and another is part-way (a checkpoint, no record).
    const deadline = Date.now() + 30_000;
    let midRun = "";
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 40));
      const records = await readAllRecords(out).catch(() => new Map());
      if (records.size === 0) continue;
      for await (const e of Deno.readDir(`${out}/cells`)) {
        const ck = `${out}/cells/${e.name}/checkpoint.json`;
        // Early in the cell (≤ 2 of 4 epochs of 400 ms), so it is still in progress at the kill.
        if (e.isDirectory && !records.has(e.name) && await exists(ck)) {
          const epoch = await Deno.readTextFile(ck).then((t) => JSON.parse(t).epoch as number).catch(() => 9);
          if (epoch <= 2) midRun = e.name;
        }
      }
      if (midRun) break;
    }
    assert.ok(midRun, "the sweep reached a state with a finished cell and a cell in progress");
    child.kill("SIGKILL");
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");
    // The cell seen in progress may have finished in the moment before the kill: take the
    // interrupted cell from the state the kill froze.
    // Of the cells in progress, take the one with the fewest epochs done (a cell whose last
    // epoch was done but whose record was not yet written only needs its record on rerun).
    const frozen = await readAllRecords(out);
    midRun = "";
    let fewest = Infinity;
    for await (const e of Deno.readDir(`${out}/cells`)) {
      const ck = `${out}/cells/${e.name}/checkpoint.json`;
      if (e.isDirectory && !frozen.has(e.name) && await exists(ck)) {
        const epoch = JSON.parse(await Deno.readTextFile(ck)).epoch as number;
        if (epoch < fewest) [midRun, fewest] = [e.name, epoch];
      }
    }
    assert.ok(midRun, "a cell was in progress (checkpoint, no record) when the sweep was killed");

    const doneBefore = await assertIntact(out);
    assert.ok(doneBefore >= 1 && doneBefore < 4, `killed mid-run (${doneBefore} of 4 cells done)`);
    const ckBefore = JSON.parse(await Deno.readTextFile(`${out}/cells/${midRun}/checkpoint.json`))
      .epoch as number;
    assert.ok(ckBefore >= 1);

    const rerun = await runSweepProcess([preset, out, "--workers", "2"]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, new RegExp(`${4 - doneBefore} cells to run \\(${doneBefore} already done\\)`));
    assert.equal(await assertIntact(out), 4);

    // No completed epoch ran twice; the interrupted cell continued after its checkpoint.
    for (const id of (await readAllRecords(out)).keys()) {
      const log = (await Deno.readTextFile(`${out}/cells/${id}/epochs.log`)).trim().split("\n");
      const epochs = log.map((l) => Number(l.split(" ")[0]));
      assert.deepEqual(epochs, [1, 2, 3, 4], `cell ${id} trained each epoch exactly once`);
    }
    const pids = new Set(
      (await Deno.readTextFile(`${out}/cells/${midRun}/epochs.log`)).trim().split("\n").map((l) =>
        l.split(" ")[1]
      ),
    );
    if (ckBefore < 4) assert.equal(pids.size, 2, "the interrupted cell was finished by the second process");
    else assert.equal(pids.size, 1, "a cell killed after its last epoch is not retrained");

    // The results equal those of an uninterrupted sweep.
    const clean = `${dir}/clean`;
    const again = await runSweepProcess([preset, clean, "--workers", "2"]);
    assert.equal(again.code, 0, again.stderr);
    const a = await readAllRecords(out);
    const b = await readAllRecords(clean);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [id, r] of a) assert.deepEqual(comparable(r), comparable(b.get(id)!));

    // A third run skips everything.
    const third = await runSweepProcess([preset, out]);
    assert.equal(third.code, 0);
    assert.match(third.stdout, /0 cells to run \(4 already done\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

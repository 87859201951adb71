/**
 * The shared results folder of a cluster sweep (issue 10 item 3), with real shard
 * processes: two shards writing ONE folder at once produce whole per-cell files (a reader
 * that reads each file as it appears never sees a partial one) without any lock
 * serialising them; a merge over a partial sweep reports the missing cells; the failed
 * shard, rerun alone, completes the sweep without touching the other shard's results, and
 * its cell, killed after its last epoch's checkpoint, gets the uninterrupted record. Every
 * wait is for an event (a file appearing, a process halting or ending), never a sleep.
 */
import assert from "node:assert/strict";
import { shardCells } from "../../benchmarks/shard.ts";
import { killAtHalt } from "../benchmarks/fixtures/halt.ts";
import { apartFromMeasurements } from "../benchmarks/fixtures/helpers.ts";
import { mustRun, REPO, run } from "./slurm_cluster.ts";
import { readCells } from "./sweep_records.ts";

const DENO = Deno.execPath();
const SWEEP = ["--preset", "smoke", "--backend", "wasm", "--workers", "1", "--quiet", "--no-report"];

/** `deno task bench`'s own command line (permissions and entry file), run directly so a kill reaches it. */
const BENCH: string[] = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`)).tasks.bench.split(/\s+/)
  .slice(1);

function shardArgs(rel: string, i: number): string[] {
  return [...BENCH, ...SWEEP, "--shard", `${i}/2`, "--out", rel];
}

function shard(rel: string, i: number): Deno.ChildProcess {
  return new Deno.Command(DENO, {
    args: shardArgs(rel, i),
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(p: Deno.ChildProcess, what: string): Promise<void> {
  const o = await p.output();
  assert.equal(o.code, 0, `${what} exited ${o.code}: ${new TextDecoder().decode(o.stderr)}`);
}

/** Every file under `dir`, relative to it. */
async function files(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) out.push(...await files(`${dir}/${e.name}`, `${prefix}${e.name}/`));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

Deno.test("shared folder: concurrent shards, atomic cells, no lock; partial merge; a failed shard rerun alone", async () => {
  const rel = `tests/artifacts/cluster-shared-${Date.now().toString(36)}`;
  const shared = `${REPO}/${rel}/shared`;
  const partial = `${REPO}/${rel}/partial`;
  try {
    // 1. Both shards at once into one empty folder, while a reader reads every cell file
    // the moment it appears (file-system events).
    await Deno.mkdir(`${shared}/cells`, { recursive: true });
    const watcher = Deno.watchFs(`${shared}/cells`, { recursive: false });
    const procs = [shard(`${rel}/shared`, 0), shard(`${rel}/shared`, 1)];
    const done = Promise.all(procs.map((p, i) => finish(p, `shard ${i}/2`))).finally(() => watcher.close());
    let looks = 0;
    const torn: string[] = [];
    for await (const ev of watcher) {
      for (const path of ev.paths) {
        if (!path.endsWith(".json") || path.slice(0, path.lastIndexOf("/")) !== `${shared}/cells`) continue;
        const text = await Deno.readTextFile(path).catch(() => null);
        if (text === null) continue; // an event for a name already renamed away
        try {
          JSON.parse(text);
          looks++;
        } catch {
          torn.push(path);
        }
      }
    }
    await done;
    assert.deepEqual(torn, [], "a reader of each new cell file saw a partial one");
    assert.ok(looks > 0, "the reader saw the cell files as the shards wrote them");

    const manifest = JSON.parse(await Deno.readTextFile(`${shared}/manifest.json`));
    const ids: string[] = manifest.cells;
    const half = [0, 1].map((i) => shardCells(ids, { index: i, count: 2 }));
    assert.deepEqual(
      await files(shared),
      [
        ...ids.map((id) => `cells/${id}.json`),
        "manifest.json",
        "results.csv",
        "shards/0-of-2.json",
        "shards/1-of-2.json",
      ]
        .sort(),
      "only whole cell records, the manifest, the table and the shard markers: no lock, no temporary file",
    );
    const cells = await readCells(shared);
    for (const r of cells.values()) assert.equal(r.status, "done", `${r.id}: ${r.error ?? ""}`);
    // No global lock: the two shards' cells trained at the same time.
    const span = (i: number) => {
      const r = cells.get(half[i][0])!;
      return [Date.parse(r.env.startedAt), Date.parse(r.env.finishedAt)];
    };
    const [[s0, e0], [s1, e1]] = [span(0), span(1)];
    assert.ok(s0 < e1 && s1 < e0, `shard cells did not overlap: ${[s0, e0, s1, e1].join(", ")}`);
    const merged = await mustRun(DENO, ["task", "merge", `${rel}/shared`]);
    assert.match(merged, new RegExp(`${ids.length}/${ids.length} done, 0 failed, 0 missing`));

    // 2. A sweep whose shard 1 was killed after its cell's last epoch was checkpointed,
    // before the evaluation: shard 0's results are there, shard 1's are not.
    await Deno.mkdir(`${partial}/cells`, { recursive: true });
    await Deno.mkdir(`${partial}/shards`, { recursive: true });
    await Deno.copyFile(`${shared}/manifest.json`, `${partial}/manifest.json`);
    await Deno.copyFile(`${shared}/shards/0-of-2.json`, `${partial}/shards/0-of-2.json`);
    for (const id of half[0]) {
      await Deno.copyFile(`${shared}/cells/${id}.json`, `${partial}/cells/${id}.json`);
    }
    await killAtHalt(shardArgs(`${rel}/partial`, 1), "trained", REPO);
    // One worker: the shard's first cell halted with its last epoch checkpointed, no record.
    const halted = half[1][0];
    const meta = JSON.parse(await Deno.readTextFile(`${partial}/cells/${halted}/checkpoint.json`));
    assert.equal(
      meta.epoch,
      cells.get(halted)!.config.epochs - 1,
      "killed after the last epoch's checkpoint",
    );
    for (const id of half[1]) {
      await assert.rejects(Deno.stat(`${partial}/cells/${id}.json`), Deno.errors.NotFound);
    }
    const before = await Promise.all(half[0].map((id) => Deno.stat(`${partial}/cells/${id}.json`)));

    const incomplete = await run(DENO, ["task", "merge", `${rel}/partial`]);
    assert.equal(incomplete.code, 1, "a merge over a partial sweep exits 1");
    assert.match(
      incomplete.stdout,
      new RegExp(`${half[0].length}/${ids.length} done, 0 failed, ${half[1].length} missing`),
    );
    for (const id of half[1]) assert.match(incomplete.stderr, new RegExp(`missing cells: .*${id}`));
    const csv = await Deno.readTextFile(`${partial}/results.csv`);
    for (const id of half[0]) assert.ok(csv.includes(id), "the partial table holds the finished cells");

    // 3. Rerun the failed shard alone, merge again: complete, shard 0 untouched, same results.
    await finish(shard(`${rel}/partial`, 1), "rerun of shard 1/2");
    const complete = await mustRun(DENO, ["task", "merge", `${rel}/partial`]);
    assert.match(complete, new RegExp(`${ids.length}/${ids.length} done, 0 failed, 0 missing`));
    const after = await Promise.all(half[0].map((id) => Deno.stat(`${partial}/cells/${id}.json`)));
    assert.deepEqual(
      after.map((s) => s.mtime),
      before.map((s) => s.mtime),
      "shard 0's records were not rewritten",
    );
    const rerun = await readCells(partial);
    assert.deepEqual([...rerun.keys()].sort(), [...ids].sort());
    for (const id of ids) {
      assert.deepEqual(apartFromMeasurements(rerun.get(id)!), apartFromMeasurements(cells.get(id)!), id);
    }
  } finally {
    await Deno.remove(`${REPO}/${rel}`, { recursive: true }).catch(() => {});
  }
});

Deno.test("shared folder: merge refuses folders of another sweep or other code, in one line", async () => {
  const rel = `tests/artifacts/cluster-mix-${Date.now().toString(36)}`;
  try {
    // --emit writes each folder's manifest without running anything.
    for (const [name, preset] of [["a", "smoke"], ["b", "smoke"], ["c", "quick"]]) {
      await mustRun(DENO, [
        "task",
        "bench",
        "--preset",
        preset,
        "--emit",
        "slurm",
        "--shards",
        "1",
        "--out",
        `${rel}/${name}`,
      ]);
    }
    const manifestB = `${REPO}/${rel}/b/manifest.json`;
    const b = JSON.parse(await Deno.readTextFile(manifestB));
    await Deno.writeTextFile(manifestB, JSON.stringify({ ...b, codeVersion: "0.0.1+000000000000" }));
    const cases: Array<[string, RegExp]> = [
      ["c", /preset quick.*smoke.*one sweep/],
      ["b", /code 0\.0\.1\+000000000000/],
    ];
    for (const [other, message] of cases) {
      const r = await run(DENO, ["task", "merge", `${rel}/a`, `${rel}/${other}`]);
      assert.notEqual(r.code, 0, `merging a with ${other} should fail`);
      const lines = r.stderr.split("\n").filter((l) => l.trim() && !/^\S*Task\S* /.test(l));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], message);
    }
  } finally {
    await Deno.remove(`${REPO}/${rel}`, { recursive: true }).catch(() => {});
  }
});

import assert from "node:assert/strict";
import { UserError } from "../../core/errors.ts";
import { type BenchOptions, runBench } from "../../benchmarks/bench.ts";
import { mergeSweeps } from "../../benchmarks/merge.ts";
import { parseShard, shardCells } from "../../benchmarks/shard.ts";
import { readManifest } from "../../benchmarks/store.ts";
import { executeCell as testExecutor } from "./fixtures/test_executor.ts";
import {
  benchOptions,
  comparable,
  miniPreset,
  readAllRecords,
  tempDir,
  writePreset,
} from "./fixtures/helpers.ts";

function opts(preset: string, out: string, more: Partial<BenchOptions> = {}): BenchOptions {
  return benchOptions(preset, out, testExecutor, more);
}

function isUserError(pattern: RegExp) {
  return (e: unknown) => e instanceof UserError && pattern.test(e.message);
}

Deno.test("shard: i/n partitions are disjoint, cover the cells, and are deterministic", () => {
  const cells = Array.from({ length: 7 }, (_, i) => `c${i}`);
  const parts = [0, 1, 2].map((i) => shardCells(cells, parseShard(`${i}/3`)));
  assert.deepEqual(parts.flat().sort(), [...cells].sort());
  assert.equal(new Set(parts.flat()).size, 7);
  assert.deepEqual(parts[1], ["c1", "c4"]);
  assert.deepEqual(shardCells(cells, parseShard("1/3")), parts[1]);
  assert.throws(() => parseShard("3/3"), isUserError(/0\.\.2/));
  assert.throws(() => parseShard("1-3"), isUserError(/expected i\/n/));
  assert.throws(() => shardCells(cells, parseShard("0/8")), isUserError(/8 shards but only 7 cells/));
});

Deno.test("shard + merge: two shards (own folders or one shared folder) merge to the unsharded results", async () => {
  const dir = await tempDir("shard");
  try {
    const preset = await writePreset(dir, miniPreset({ epochs: 2, seeds: [0, 1, 2] }));
    assert.equal(await runBench(opts(preset, `${dir}/all`)), 0);
    assert.equal(await runBench(opts(preset, `${dir}/s0`, { shard: "0/2" })), 0);
    assert.equal(await runBench(opts(preset, `${dir}/s1`, { shard: "1/2" })), 0);
    const s0 = await readAllRecords(`${dir}/s0`);
    const s1 = await readAllRecords(`${dir}/s1`);
    assert.equal(s0.size + s1.size, 6);
    assert.ok([...s0.keys()].every((id) => !s1.has(id)), "shards are disjoint");

    const m = await mergeSweeps([`${dir}/s0`, `${dir}/s1`], `${dir}/merged`);
    assert.equal(m.done, 6);
    assert.deepEqual(m.missing, []);
    assert.deepEqual(m.shards, ["0/2", "1/2"]);
    const all = await readAllRecords(`${dir}/all`);
    const merged = await readAllRecords(`${dir}/merged`);
    assert.deepEqual([...merged.keys()].sort(), [...all.keys()].sort());
    for (const [id, r] of all) assert.deepEqual(comparable(merged.get(id)!), comparable(r));
    assert.equal(
      await Deno.readTextFile(`${dir}/merged/results.csv`),
      await Deno.readTextFile(`${dir}/all/results.csv`),
    );

    // Shards writing into one shared folder.
    const shared = `${dir}/shared`;
    assert.equal(await runBench(opts(preset, shared, { shard: "1/2" })), 0);
    const partial = await mergeSweeps([shared]);
    assert.equal(partial.done, 3);
    assert.equal(partial.missing.length, 3, "a missing shard's cells are reported");
    assert.deepEqual(partial.missing.sort(), [...s0.keys()].sort());
    assert.equal(await runBench(opts(preset, shared, { shard: "0/2" })), 0);
    const full = await mergeSweeps([shared]);
    assert.equal(full.done, 6);
    assert.equal(
      await Deno.readTextFile(`${shared}/results.csv`),
      await Deno.readTextFile(`${dir}/all/results.csv`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("merge: folders of different presets, configurations or code versions are refused", async () => {
  const dir = await tempDir("merge");
  try {
    const a = await writePreset(dir, miniPreset({ epochs: 1, seeds: [0] }), "a.json");
    const b = await writePreset(dir, miniPreset({ epochs: 1, seeds: [0], name: "other" }), "b.json");
    assert.equal(await runBench(opts(a, `${dir}/a`)), 0);
    assert.equal(await runBench(opts(b, `${dir}/b`)), 0);
    assert.equal(await runBench(opts(a, `${dir}/a2`, { sets: ["heads=2"] })), 0);
    await assert.rejects(
      () => mergeSweeps([`${dir}/a`, `${dir}/b`]),
      isUserError(/preset other.*mini|merge only shards/),
    );
    await assert.rejects(
      () => mergeSweeps([`${dir}/a`, `${dir}/a2`]),
      isUserError(/different configurations/),
    );
    const m = (await readManifest(`${dir}/a2`))!;
    await Deno.writeTextFile(
      `${dir}/a2/manifest.json`,
      JSON.stringify({ ...(await readManifest(`${dir}/a`))!, codeVersion: "9.9.9+x" }),
    );
    await assert.rejects(
      () => mergeSweeps([`${dir}/a`, `${dir}/a2`]),
      isUserError(/produced by code 9\.9\.9\+x/),
    );
    assert.ok(m);
    await assert.rejects(() => mergeSweeps([`${dir}/nothing`]), isUserError(/no manifest\.json/));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("emit: slurm job array + merge with a dependency; k8s Indexed Job + merge Job; bad targets and counts", async () => {
  const dir = await tempDir("emit");
  try {
    const preset = await writePreset(dir, miniPreset({ epochs: 1, seeds: [0, 1] }));
    const out = `${dir}/out`;
    assert.equal(
      await runBench(opts(preset, out, { emit: "slurm", shards: 3, emitOpts: ["partition=gpu"] })),
      0,
    );
    const shards = await Deno.readTextFile(`${out}/slurm/shards.sbatch`);
    assert.match(shards, /#SBATCH --array=0-2\n/);
    assert.match(shards, /#SBATCH --partition=gpu/);
    assert.match(shards, /SHARD="\$\{SLURM_ARRAY_TASK_ID\}"/);
    assert.match(shards, /benchmarks\/bench_main\.ts .*--preset .*preset\.json .*--shard "\$SHARD\/3"/);
    const submit = await Deno.readTextFile(`${out}/slurm/submit.sh`);
    assert.match(submit, /sbatch --parsable --dependency=afterany:\$\{array\}/);
    assert.match(await Deno.readTextFile(`${out}/slurm/merge.sbatch`), /benchmarks\/merge_main\.ts/);
    assert.equal((await readManifest(out))!.cells.length, 4, "the manifest lists every cell for the merge");

    assert.equal(
      await runBench(
        opts(preset, `${dir}/k`, { emit: "k8s", shards: 2, emitOpts: ["image=reg/amcl:1", "gpus=1"] }),
      ),
      0,
    );
    const yaml = await Deno.readTextFile(`${dir}/k/k8s/sweep.yaml`);
    assert.match(yaml, /completionMode: "?Indexed"?$/m, "YAML may quote a plain string or not");
    assert.match(yaml, /completions: 2/);
    assert.match(yaml, /JOB_COMPLETION_INDEX/);
    assert.match(yaml, /image: "?reg\/amcl:1"?$/m);
    assert.match(yaml, /nvidia\.com\/gpu: "1"/);
    assert.match(yaml, /persistentVolumeClaim/);
    assert.equal(yaml.split("\n---\n").length, 2, "shard Job and merge Job");

    await assert.rejects(
      () => runBench(opts(preset, `${dir}/x`, { emit: "nomad" })),
      isUserError(/unknown target; use one of slurm, k8s/),
    );
    await assert.rejects(
      () => runBench(opts(preset, `${dir}/x`, { emit: "slurm", shards: 5 })),
      isUserError(/5 shards but only 4 cells/),
    );
    await assert.rejects(
      () => runBench(opts(preset, `${dir}/x`, { emit: "k8s", emitOpts: ["colour=blue"] })),
      isUserError(/unknown k8s setting/),
    );
    await assert.rejects(
      () => runBench(opts(preset, `${dir}/x`, { shard: "4/5" })),
      isUserError(/5 shards but only 4 cells/),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

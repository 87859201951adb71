import assert from "node:assert/strict";
import Papa from "papaparse";
import { UserError } from "../../core/errors.ts";
import { type BenchOptions, runBench } from "../../benchmarks/bench.ts";
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

const TEST_EXECUTOR = new URL("./fixtures/test_executor.ts", import.meta.url).href;

function opts(preset: string, out: string, more: Partial<BenchOptions> = {}): BenchOptions {
  return benchOptions(preset, out, TEST_EXECUTOR, more);
}

Deno.test("runner: 2 workers give the same records as 1 worker and as in-process runs, and run in parallel", async () => {
  const dir = await tempDir("parallel");
  try {
    const preset = await writePreset(dir, miniPreset({ epochs: 2, seeds: [0, 1] }));
    assert.equal(await runBench(opts(preset, `${dir}/w1`, { workers: 1 })), 0);
    // Every cell of the 2-worker run waits until 2 cells have started: it completes only if
    // the 2 workers run cells at the same time (one worker alone would wait for ever).
    Deno.env.set("AMCL_TEST_MEET", "2");
    try {
      assert.equal(await runBench(opts(preset, `${dir}/w2`, { workers: 2 })), 0);
    } finally {
      Deno.env.delete("AMCL_TEST_MEET");
    }
    assert.equal(await runBench(opts(preset, `${dir}/inproc`, { executor: testExecutor })), 0);
    const a = await readAllRecords(`${dir}/w1`);
    const b = await readAllRecords(`${dir}/w2`);
    const c = await readAllRecords(`${dir}/inproc`);
    assert.equal(a.size, 4);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [id, r] of a) {
      assert.deepEqual(comparable(r), comparable(b.get(id)!));
      assert.deepEqual(comparable(r), comparable(c.get(id)!));
    }
    assert.equal(
      await Deno.readTextFile(`${dir}/w1/results.csv`),
      await Deno.readTextFile(`${dir}/w2/results.csv`),
      "results.csv is identical",
    );
    assert.equal((await Array.fromAsync(Deno.readDir(`${dir}/w2/meet`))).length, 4, "every cell met");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runner: a failing cell is recorded with its reason, the sweep goes on, the exit code is non-zero", async () => {
  const dir = await tempDir("fail");
  try {
    const preset = await writePreset(dir, {
      name: "fails",
      fixed: { method: "simclr", epochs: 1, knnEpochs: [1] },
      cases: [{ variant: "baseline", "extra.testFail": true }, { variant: "amcl" }],
      seeds: [0, 1],
    });
    const lines: string[] = [];
    const code = await runBench(opts(preset, `${dir}/out`, { workers: 2, log: (l) => lines.push(l) }));
    assert.equal(code, 1);
    const records = [...(await readAllRecords(`${dir}/out`)).values()];
    assert.equal(records.length, 4);
    const failed = records.filter((r) => r.status === "failed");
    assert.equal(failed.length, 2);
    assert.ok(failed.every((r) => r.config.variant === "baseline" && /fails on purpose/.test(r.error ?? "")));
    assert.ok(records.filter((r) => r.status === "done").every((r) => r.config.variant === "amcl"));
    assert.ok(lines.some((l) => /2 of 4 cells failed/.test(l)), lines.join("\n"));
    const csv = Papa.parse<Record<string, string>>(await Deno.readTextFile(`${dir}/out/results.csv`), {
      header: true,
      skipEmptyLines: true,
    });
    assert.equal(
      csv.data.filter((r: Record<string, string>) =>
        r.status === "failed" && /fails on purpose/.test(r.error)
      ).length,
      2,
    );
    // A rerun retries only the failed cells.
    const again = await runBench(opts(preset, `${dir}/out`, { workers: 2 }));
    assert.equal(again, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runner: an OUT of another configuration or code version is refused unless --force", async () => {
  const dir = await tempDir("force");
  try {
    const preset = await writePreset(dir, miniPreset({ epochs: 1, seeds: [0] }));
    const out = `${dir}/out`;
    assert.equal(await runBench(opts(preset, out, { executor: testExecutor })), 0);
    await assert.rejects(
      () => runBench(opts(preset, out, { executor: testExecutor, sets: ["heads=2"] })),
      (e: unknown) =>
        e instanceof UserError && /another configuration/.test(e.message) && /--force/.test(e.message),
    );
    const m = (await readManifest(out))!;
    await Deno.writeTextFile(`${out}/manifest.json`, JSON.stringify({ ...m, codeVersion: "0.0.1+old" }));
    await assert.rejects(
      () => runBench(opts(preset, out, { executor: testExecutor })),
      (e: unknown) => e instanceof UserError && /produced by code 0\.0\.1\+old/.test(e.message),
    );
    assert.equal(
      await runBench(opts(preset, out, { executor: testExecutor, sets: ["heads=2"], force: true })),
      0,
    );
    const after = (await readManifest(out))!;
    assert.notEqual(after.configHash, m.configHash);
    assert.equal(after.cells.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

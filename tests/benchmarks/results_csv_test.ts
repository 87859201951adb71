/**
 * results.csv has one line ending throughout (issue 14 item 8): LF after every row, the
 * header and the last row too, and LF inside quoted multi-line values (an error's stack),
 * whichever endings the values brought.
 */
import assert from "node:assert/strict";
import Papa from "papaparse";
import { runBench } from "../../benchmarks/bench.ts";
import { mergeSweeps } from "../../benchmarks/merge.ts";
import { resultsCsv } from "../../benchmarks/store.ts";
import { failedRecord } from "../../benchmarks/failed_record.ts";
import { executeCell as testExecutor } from "./fixtures/test_executor.ts";
import { benchOptions, readAllRecords, tempDir, writePreset } from "./fixtures/helpers.ts";

/** Asserts `text` uses LF only and ends with one. */
function lfOnly(text: string, what: string): void {
  assert.ok(text.length > 0, `${what} is empty`);
  assert.ok(!text.includes("\r"), `${what} holds a CR: ${JSON.stringify(text.slice(0, 200))}`);
  assert.ok(text.endsWith("\n"), `${what} does not end with a line break`);
  assert.ok(!text.endsWith("\n\n"), `${what} ends with an empty line`);
}

Deno.test("results.csv: LF only, from the runner and from merge, one row per record", async () => {
  const dir = await tempDir("csv-eol");
  try {
    const preset = await writePreset(dir, {
      name: "eol",
      fixed: { method: "simclr", epochs: 1, knnEpochs: [1] },
      cases: [{ variant: "baseline", "extra.testFail": true }, { variant: "amcl" }],
      seeds: [0, 1],
    });
    const out = `${dir}/out`;
    assert.equal(await runBench(benchOptions(preset, out, testExecutor)), 1, "one case fails on purpose");
    const text = await Deno.readTextFile(`${out}/results.csv`);
    lfOnly(text, "results.csv");
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.data.length, 4);
    assert.deepEqual(parsed.data.map((r: Record<string, string>) => r.status).sort(), [
      "done",
      "done",
      "failed",
      "failed",
    ]);
    assert.equal(
      text.split("\n").length,
      4 + 2,
      "header + 4 rows + the final LF, no line break inside values",
    );

    // merge rewrites it the same way.
    await Deno.remove(`${out}/results.csv`);
    await mergeSweeps([out]);
    assert.equal(await Deno.readTextFile(`${out}/results.csv`), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("results.csv: CRLF and CR inside a value become LF inside its quotes", async () => {
  const dir = await tempDir("csv-crlf");
  try {
    const preset = await writePreset(dir, {
      name: "crlf",
      fixed: { method: "simclr", variant: "amcl", epochs: 1, knnEpochs: [1] },
      seeds: [0],
    });
    assert.equal(await runBench(benchOptions(preset, `${dir}/out`, testExecutor)), 0);
    const [done] = [...(await readAllRecords(`${dir}/out`)).values()];
    const failed = failedRecord(
      "x1",
      "crlf",
      done.config,
      "worker died\r\n  at a (w.ts:1)\r  at b (w.ts:2)\n  at c (w.ts:3)",
      "cpu",
      "abc",
      new Date(0),
    );
    const text = resultsCsv([done, failed]);
    lfOnly(text, "resultsCsv");
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    assert.equal(rows.length, 2);
    assert.equal(rows[1].error, "worker died\n  at a (w.ts:1)\n  at b (w.ts:2)\n  at c (w.ts:3)");
    assert.equal(rows[0].status, "done");
    lfOnly(resultsCsv([]), "an empty results table");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

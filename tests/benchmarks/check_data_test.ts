/**
 * A sweep over data that cannot be read fails fast (issue 14 item 4): the dataset is
 * opened and checked once before the first cell, and a bad one is one line on stderr,
 * exit code 2, and nothing written — not a failed record per cell.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../../core/errors.ts";
import { checkCellDatasets } from "../../benchmarks/check_data.ts";
import { cifar10SubsetDir } from "../../datasets/cifar_file.ts";
import type { CellConfig } from "../../core/cell_config.ts";
import { tempDir } from "./fixtures/helpers.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const SUBSET = cifar10SubsetDir();
const RECORD = 3073;

/** `deno task bench ARGS…` from the repository root, as a user types it. */
async function bench(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "bench", ...args],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** The first `bytes` bytes of a file of the CIFAR-10 subset, written to `to`. */
async function cut(file: string, bytes: number, to: string): Promise<void> {
  const all = await Deno.readFile(join(SUBSET, file));
  await Deno.writeFile(to, all.subarray(0, bytes));
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test("bench on a truncated CIFAR folder: one stderr line, exit 2, nothing written, no cell run", async () => {
  const dir = await tempDir("truncated");
  try {
    const data = join(dir, "cifar");
    await Deno.mkdir(data);
    await cut("cifar10_train_4000.bin", RECORD * 40 + 1000, join(data, "data_batch_1.bin"));
    await cut("cifar10_test_1000.bin", RECORD * 20, join(data, "test_batch.bin"));
    const out = join(dir, "out");
    const r = await bench("--preset", "smoke", "--backend", "wasm", "--dataset", data, "--out", out);
    const what = `stdout: ${r.out}\nstderr: ${r.err}`;
    assert.equal(r.code, 2, what);
    assert.equal(r.out, "", what);
    const lines = r.err.trimEnd().split("\n");
    assert.equal(lines.length, 1, what);
    assert.match(
      lines[0],
      /^error: dataset .*cifar cannot be read, no cell was run: .*data_batch_1\.bin: size 123920 bytes is not a multiple of the 3073-byte CIFAR-10 record \(40 records \+ 1000 stray bytes\)/,
    );
    assert.equal(await exists(out), false, "nothing is written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bench on one whole CIFAR file (no test split): one line naming the missing split, nothing written", async () => {
  const dir = await tempDir("trainonly");
  try {
    const file = join(dir, "train.bin");
    await cut("cifar10_train_4000.bin", RECORD * 50, file);
    const out = join(dir, "out");
    const r = await bench("--preset", "smoke", "--backend", "wasm", "--dataset", file, "--out", out);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
    assert.match(r.err, /^error: dataset .*train\.bin has no test images \(its splits: train 50\)/);
    assert.equal(await exists(out), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkCellDatasets: embedded needs no files; readable data passes; a missing dataset is one UserError", async () => {
  const dir = await tempDir("check-data");
  try {
    const config = (dataset: string) => ({ dataset } as unknown as CellConfig);
    // Readable data (named twice) and the generated set: no error.
    await checkCellDatasets([config("cifar10-subset"), config("cifar10-subset"), config("embedded")]);
    await checkCellDatasets([config(SUBSET)]);
    // A dataset that is not there, with the data folder given: the loader's "not found".
    await assert.rejects(
      () => checkCellDatasets([config("embedded"), config("cifar10")], dir),
      (e: unknown) =>
        e instanceof UserError && e.exitCode === 2 &&
        /^dataset cifar10 cannot be read, no cell was run: dataset cifar10 not found/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

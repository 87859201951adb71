import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { UserError } from "../../core/errors.ts";
import { openDataset, parseDatasetName } from "../../datasets/registry.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "amcl-data-" });
}

function isUserError(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `not a UserError: ${e}`);
    assert.match(e.message, pattern);
    return true;
  };
}

Deno.test("missing dataset: the message lists where it looked and the fetch command", async () => {
  const dir = await tempDir();
  try {
    await assert.rejects(() => openDataset("cifar10", { dataDir: dir }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /dataset cifar10 not found/);
      assert.ok(e.message.includes(join(dir, "cifar10", "cifar-10-batches-bin")), e.message);
      assert.ok(e.message.includes(`deno task data:fetch cifar10 --data-dir ${dir}`), e.message);
      return true;
    });
    await assert.rejects(() => openDataset("stl10", { dataDir: dir }), isUserError(/data:fetch stl10/));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unknown dataset name lists the valid ones", () => {
  assert.throws(
    () => parseDatasetName("cifar11"),
    isUserError(/unknown dataset "cifar11".*embedded.*imagefolder:PATH/),
  );
});

Deno.test("CIFAR file: size not a whole number of records names the file", async () => {
  const dir = await tempDir();
  try {
    const p = join(dir, "odd_train.bin");
    await Deno.writeFile(p, new Uint8Array(3073 * 2 + 5));
    await assert.rejects(() => openDataset(p), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.ok(e.message.startsWith(p), e.message);
      assert.match(
        e.message,
        /not a multiple of the 3073-byte CIFAR-10 record \(2 records \+ 5 stray bytes\)/,
      );
      return true;
    });
    await Deno.writeFile(p, new Uint8Array(0));
    await assert.rejects(() => openDataset(p), isUserError(/file is empty/));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("official CIFAR-10 file with too few records is a size error naming the file", async () => {
  const dir = await tempDir();
  try {
    const folder = join(dir, "cifar10", "cifar-10-batches-bin");
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeFile(join(folder, "data_batch_1.bin"), new Uint8Array(3073 * 10));
    await assert.rejects(
      () => openDataset("cifar10", { dataDir: dir }),
      isUserError(/data_batch_1\.bin: holds 10 CIFAR-10 records but the official file has 10000/),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CIFAR file: a label out of range is reported with the file and record", async () => {
  const dir = await tempDir();
  try {
    const p = join(dir, "x_train.bin");
    const bytes = new Uint8Array(3073 * 3);
    bytes[3073 * 2] = 12;
    await Deno.writeFile(p, bytes);
    await assert.rejects(() => openDataset(p), isUserError(/record 2 has label 12/));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function idx(dims: number[], dataBytes: number): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + dataBytes);
  out[2] = 0x08;
  out[3] = dims.length;
  const v = new DataView(out.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return out;
}

Deno.test("IDX: truncated and corrupt gzip files are errors naming the file", async () => {
  const dir = await tempDir();
  try {
    const f = join(dir, "fashion-mnist");
    await Deno.mkdir(f);
    await Deno.writeFile(join(f, "train-images-idx3-ubyte.gz"), gzipSync(idx([60000, 28, 28], 100)));
    await Deno.writeFile(join(f, "train-labels-idx1-ubyte"), idx([60000], 60000));
    await Deno.writeFile(join(f, "t10k-images-idx3-ubyte.gz"), new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4]));
    await Deno.writeFile(join(f, "t10k-labels-idx1-ubyte"), idx([10000], 10000));
    // Opening reads every header, so the first bad file stops it, before any split is loaded.
    await assert.rejects(
      () => openDataset("fashion-mnist", { dataDir: dir }),
      isUserError(
        /train-images-idx3-ubyte\.gz: IDX header promises 60000×28×28 = 47040000 bytes .* truncated/,
      ),
    );
    await Deno.writeFile(join(f, "train-images-idx3-ubyte.gz"), gzipSync(idx([60000, 28, 28], 60000 * 784)));
    await assert.rejects(
      () => openDataset("fashion-mnist", { dataDir: dir }),
      isUserError(/t10k-images-idx3-ubyte\.gz: gzip data is corrupt/),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("image folder: an empty folder is an error", async () => {
  const dir = await tempDir();
  try {
    await assert.rejects(() => openDataset(`imagefolder:${dir}`), isUserError(/no images found/));
    await Deno.mkdir(join(dir, "cat"));
    await Deno.writeTextFile(join(dir, "cat", "notes.txt"), "not an image");
    await assert.rejects(() => openDataset(`imagefolder:${dir}`), isUserError(/no images found/));
    await assert.rejects(
      () => openDataset(`imagefolder:${join(dir, "nope")}`),
      isUserError(/no such folder/),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data CLI: fetch without network names the URL and the folder, in one line", async () => {
  const dir = await tempDir();
  try {
    const main = new URL("../../datasets/data_main.ts", import.meta.url).pathname;
    const cfg = new URL("../../deno.json", import.meta.url).pathname;
    const run = async (...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--config", cfg, "--allow-read", `--allow-write=${dir}`, "--allow-env", main, ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, err: new TextDecoder().decode(out.stderr).trim() };
    };
    const r = await run("fetch", "cifar10", "--data-dir", dir);
    assert.equal(r.code, 2);
    assert.equal(r.err.split("\n").length, 1, r.err);
    assert.match(r.err, /cannot download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz/);
    assert.ok(r.err.includes(`put it in ${join(dir, "cifar10")}/`), r.err);
    // An archive already there with the wrong checksum is refused, naming the file.
    await Deno.writeFile(join(dir, "cifar10", "cifar-10-binary.tar.gz"), new Uint8Array(1000));
    const bad = await run("fetch", "cifar10", "--data-dir", dir);
    assert.equal(bad.code, 2);
    assert.match(
      bad.err,
      /cifar-10-binary\.tar\.gz: MD5 [0-9a-f]{32} does not match the published c32a1d4ab5d03f1284b67883e8d87530/,
    );
    const unk = await run("info", "nosuch");
    assert.match(unk.err, /^error: unknown dataset "nosuch"/);
    const augs = await run("preview", "embedded", "--augs", "abz", "--out", join(dir, "x.png"));
    assert.match(augs.err, /unknown augmentation flag "z"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

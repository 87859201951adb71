/**
 * `data info` tells the truth (issue 14 item 5): split sizes come from the files' headers
 * and sizes, read when a dataset is opened, so a truncated file is an error naming it,
 * not the catalogue's full split sizes; `data verify` still lists its checks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { UserError } from "../../core/errors.ts";
import { readIdxDims } from "../../datasets/idx.ts";
import { openDataset } from "../../datasets/registry.ts";
import { DEBIAN_FASHION_DIR } from "../../datasets/fashion_mnist.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const FILES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
];
const haveFashion = await Deno.stat(join(DEBIAN_FASHION_DIR, `${FILES[0]}.gz`)).then(() => true, () => false);

/** `deno task data ARGS…` from the repository root, as a user types it. */
async function data(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "data", ...args],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** A data folder holding a copy of Debian's Fashion-MNIST files (as .gz) in DIR/fashion-mnist. */
async function fashionCopy(): Promise<{ dir: string; fm: string }> {
  const dir = await Deno.makeTempDir({ prefix: "amcl-info-" });
  const fm = join(dir, "fashion-mnist");
  await Deno.mkdir(fm);
  for (const f of FILES) await Deno.copyFile(join(DEBIAN_FASHION_DIR, `${f}.gz`), join(fm, `${f}.gz`));
  return { dir, fm };
}

/** An IDX header for unsigned bytes of `dims`. */
function idxHeader(dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  h.set([0, 0, 8, dims.length]);
  const v = new DataView(h.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return h;
}

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

Deno.test({
  name: "data info: the split sizes of intact files, read from their headers",
  ignore: !haveFashion,
  async fn() {
    const r = await data("info", "fashion-mnist", "--json");
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out);
    assert.deepEqual(info.splits, { train: 60000, test: 10000 });
    assert.equal(info.countsFrom, "files");
    const text = await data("info", "fashion-mnist");
    assert.match(text.out, /splits: {2}train 60000, test 10000 \(read from the files' headers and sizes;/);
  },
});

Deno.test({
  name: "data info on a truncated Fashion-MNIST file (plain or gzipped): one line naming it, exit 2",
  ignore: !haveFashion,
  async fn() {
    const { dir, fm } = await fashionCopy();
    try {
      // A plain file cut short: the header promises 60000 images.
      const raw = gunzipSync(await Deno.readFile(join(fm, `${FILES[0]}.gz`)));
      await Deno.remove(join(fm, `${FILES[0]}.gz`));
      await Deno.writeFile(join(fm, FILES[0]), raw.subarray(0, 16 + 1000 * 784 + 5));
      const plain = await data("info", "fashion-mnist", "--data-dir", dir);
      assert.equal(plain.code, 2, plain.out + plain.err);
      assert.equal(plain.out, "");
      assert.equal(plain.err.trimEnd().split("\n").length, 1, plain.err);
      assert.match(
        plain.err,
        /^error: .*train-images-idx3-ubyte: IDX header promises 60000×28×28 = 47040000 bytes of data but the file holds 784005: the file is truncated/,
      );
      assert.doesNotMatch(plain.err + plain.out, /60000, test/);

      // A gzipped download cut short.
      await Deno.remove(join(fm, FILES[0]));
      const gz = await Deno.readFile(join(DEBIAN_FASHION_DIR, `${FILES[2]}.gz`));
      await Deno.writeFile(join(fm, `${FILES[2]}.gz`), gz.subarray(0, gz.length >> 1));
      await Deno.writeFile(join(fm, FILES[0]), raw); // train intact again
      const cut = await data("info", "fashion-mnist", "--data-dir", dir);
      assert.equal(cut.code, 2, cut.out + cut.err);
      assert.equal(cut.err.trimEnd().split("\n").length, 1, cut.err);
      assert.match(cut.err, /^error: .*t10k-images-idx3-ubyte\.gz: gzip data is corrupt or truncated/);

      // verify still lists its checks, the failed open among them.
      const v = await data("verify", "fashion-mnist", "--data-dir", dir);
      assert.equal(v.code, 1, v.out + v.err);
      assert.match(v.out, /^ok {3}.*train-images-idx3-ubyte: contents MD5 matches the official data$/m);
      assert.match(v.out, /^FAIL .*t10k-images-idx3-ubyte\.gz: gzip data is corrupt or truncated/m);
      assert.match(v.out, /^FAIL open: .*t10k-images-idx3-ubyte\.gz: gzip data is corrupt or truncated/m);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("readIdxDims: header dims of whole files; short, long and odd files are errors naming the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-idx-" });
  try {
    const body = new Uint8Array(5 * 4 * 3).map((_, i) => i);
    const whole = new Uint8Array([...idxHeader([5, 4, 3]), ...body]);
    const p = join(dir, "a-idx3-ubyte");
    await Deno.writeFile(p, whole);
    assert.deepEqual(await readIdxDims(p), [5, 4, 3]);
    await Deno.writeFile(`${p}.gz`, gzipSync(whole));
    assert.deepEqual(await readIdxDims(`${p}.gz`), [5, 4, 3]);
    // Two gzip members (what `cat a.gz b.gz` makes): the trailer gives the last member's
    // length only, so the whole file is read, and it is fine.
    const half = 4 + 4 * 3 + 30;
    const two = new Uint8Array([...gzipSync(whole.subarray(0, half)), ...gzipSync(whole.subarray(half))]);
    await Deno.writeFile(`${p}.2.gz`, two);
    assert.deepEqual(await readIdxDims(`${p}.2.gz`), [5, 4, 3]);

    await Deno.writeFile(p, whole.subarray(0, whole.length - 1));
    await assert.rejects(
      () => readIdxDims(p),
      userError(/a-idx3-ubyte: .* = 60 bytes of data but the file holds 59: .*truncated/),
    );
    await Deno.writeFile(p, new Uint8Array([...whole, 7]));
    await assert.rejects(() => readIdxDims(p), userError(/holds 61: the file is too long/));
    await Deno.writeFile(`${p}.gz`, gzipSync(whole.subarray(0, 40)));
    await assert.rejects(
      () => readIdxDims(`${p}.gz`),
      userError(/a-idx3-ubyte\.gz: .*holds 24: the file is truncated/),
    );
    await Deno.writeFile(p, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    await assert.rejects(() => readIdxDims(p), userError(/not an IDX file/));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("STL-10: a file of the wrong size is an error when the dataset is opened, before any image is read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-stl-" });
  try {
    const stl = join(dir, "stl10", "stl10_binary");
    await Deno.mkdir(stl, { recursive: true });
    await Deno.writeFile(join(stl, "train_X.bin"), new Uint8Array(10 * 3 * 96 * 96));
    await Deno.writeFile(join(stl, "train_y.bin"), new Uint8Array(5000).fill(1));
    await Deno.writeFile(join(stl, "test_X.bin"), new Uint8Array(0));
    await Deno.writeFile(join(stl, "test_y.bin"), new Uint8Array(8000).fill(1));
    await assert.rejects(
      () => openDataset("stl10", { dataDir: dir }),
      userError(/train_X\.bin: holds 10 images, the official file has 5000: truncated or wrong file/),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { Buffer } from "node:buffer";
import { UserError } from "../../core/errors.ts";
import { initBackend } from "../../core/backend.ts";
import { openDataset } from "../../datasets/registry.ts";
import { encodePng } from "../../datasets/png.ts";
import { crc32 } from "node:zlib";
import { untarGz } from "../../datasets/tar.ts";
import { previewPng } from "../../datasets/preview.ts";

await initBackend("wasm");

function solid(w: number, h: number, rgb: number[]): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) out.set(rgb, i * 3);
  return out;
}

function readPng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return (PNG as unknown as {
    sync: { read(b: Buffer): { width: number; height: number; data: Uint8Array } };
  })
    .sync.read(Buffer.from(bytes));
}

Deno.test("png: signature, IHDR, CRCs, and pixels that decode back", () => {
  const px = new Uint8Array(5 * 3 * 3).map((_, i) => (i * 37) % 256);
  const png = encodePng(px, 5, 3, 3);
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const v = new DataView(png.buffer);
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  assert.equal(v.getUint32(16), 5);
  assert.equal(v.getUint32(20), 3);
  assert.equal(v.getUint32(29), crc32(png.subarray(12, 29)));
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  const back = readPng(png);
  for (let i = 0; i < 15; i++) {
    assert.deepEqual(
      Array.from(back.data.subarray(i * 4, i * 4 + 3)),
      Array.from(px.subarray(i * 3, i * 3 + 3)),
    );
  }
});

Deno.test("image folder: train/val class folders, PNG + JPEG decoded and resized, unreadable skipped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-imgf-" });
  try {
    for (const split of ["train", "val"]) {
      for (const cls of ["b_cat", "a_dog"]) await Deno.mkdir(join(dir, split, cls), { recursive: true });
    }
    // a_dog: a red 40×20 PNG; b_cat: a blue 24×24 JPEG; plus one corrupt JPEG.
    await Deno.writeFile(
      join(dir, "train", "a_dog", "1.png"),
      encodePng(solid(40, 20, [250, 10, 10]), 40, 20, 3),
    );
    const rgba = new Uint8Array(24 * 24 * 4).map((_, i) => [10, 20, 240, 255][i % 4]);
    const jpg = jpeg.encode({ data: rgba, width: 24, height: 24 }, 95).data;
    await Deno.writeFile(join(dir, "train", "b_cat", "2.jpg"), new Uint8Array(jpg));
    await Deno.writeFile(join(dir, "train", "b_cat", "3.JPEG"), new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]));
    await Deno.writeFile(join(dir, "val", "b_cat", "4.png"), encodePng(solid(8, 8, [0, 255, 0]), 8, 8, 3));
    const warnings: string[] = [];
    const ds = await openDataset(`imagefolder:${dir}`, { imageSize: 16, warn: (l) => warnings.push(l) });
    assert.deepEqual([...ds.classNames], ["a_dog", "b_cat"]);
    assert.deepEqual(ds.splits, { train: 3, test: 1 });
    assert.deepEqual(ds.shape, [16, 16, 3]);
    const train = await ds.split("train");
    assert.equal(train.size, 2);
    assert.deepEqual(Array.from(train.labels), [0, 1]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /skipped 1 unreadable image\(s\) of 3: .*3\.JPEG/);
    assert.deepEqual(Array.from(train.pixels.subarray(0, 3)), [250, 10, 10]);
    const blue = train.pixels.subarray(16 * 16 * 3 + 100 * 3, 16 * 16 * 3 + 100 * 3 + 3);
    assert.ok(Math.abs(blue[0] - 10) < 8 && Math.abs(blue[2] - 240) < 8, `jpeg pixel ${blue}`);
    const test = await ds.split("test");
    assert.deepEqual(Array.from(test.labels), [1]);
    assert.deepEqual(Array.from(test.pixels.subarray(0, 3)), [0, 255, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A minimal ustar archive of regular files (the test's own writer). */
function tar(files: Record<string, Uint8Array>): Uint8Array<ArrayBuffer> {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = new Uint8Array(512);
    const put = (s: string, at: number) => h.set(new TextEncoder().encode(s), at);
    put(name, 0);
    put("0000644\0", 100);
    put(data.length.toString(8).padStart(11, "0") + "\0", 124);
    put("        ", 148);
    h[156] = 0x30;
    put("ustar\0" + "00", 257);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const s = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

Deno.test("tar.gz: files unpack with their contents; paths escaping the folder are refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-tar-" });
  try {
    const big = new Uint8Array(3000).map((_, i) => i % 251);
    await Deno.writeFile(
      join(dir, "a.tar.gz"),
      await gzip(tar({ "pkg/x.bin": big, "pkg/names.txt": new TextEncoder().encode("a\nb\n") })),
    );
    const entries = await untarGz(join(dir, "a.tar.gz"), join(dir, "out"));
    assert.deepEqual(entries.map((e) => e.path), ["pkg/x.bin", "pkg/names.txt"]);
    assert.deepEqual(await Deno.readFile(join(dir, "out", "pkg", "x.bin")), big);
    assert.equal(await Deno.readTextFile(join(dir, "out", "pkg", "names.txt")), "a\nb\n");
    await Deno.writeFile(join(dir, "evil.tar.gz"), await gzip(tar({ "../evil.txt": new Uint8Array(3) })));
    await assert.rejects(() => untarGz(join(dir, "evil.tar.gz"), join(dir, "out2")), UserError);
    const whole = await gzip(tar({ "pkg/x.bin": big }));
    await Deno.writeFile(join(dir, "cut.tar.gz"), whole.subarray(0, whole.length - 400));
    await assert.rejects(() => untarGz(join(dir, "cut.tar.gz"), join(dir, "out3")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("preview: a PNG grid of originals and views of real images", async () => {
  const ds = await openDataset("cifar10-subset");
  const p = await previewPng(ds, { augs: "abcde", rows: 3, views: 4, seed: 1, scale: 2 });
  assert.deepEqual(Array.from(p.png.subarray(1, 4)), [0x50, 0x4e, 0x47]);
  const v = new DataView(p.png.buffer);
  assert.equal(v.getUint32(16), p.width);
  assert.equal(v.getUint32(20), p.height);
  assert.equal(p.width, 5 * 64 + 4 * 2 + 4);
  assert.equal(p.height, 3 * 64 + 2 * 2);
  // The first cell of each row is the original image, enlarged ×2.
  const img = readPng(p.png);
  const train = await ds.split("train");
  for (let r = 0; r < 3; r++) {
    const item = p.items[r];
    for (const [y, x] of [[0, 0], [13, 29]]) {
      const at = ((r * 66 + y * 2) * p.width + x * 2) * 4;
      const src = (item * 1024 + y * 32 + x) * 3;
      assert.deepEqual(
        Array.from(img.data.subarray(at, at + 3)),
        Array.from(train.pixels.subarray(src, src + 3)),
      );
    }
  }
});

Deno.test("data CLI: info cifar10-subset reports 4000/1000 and the class names", async () => {
  const main = new URL("../../datasets/data_main.ts", import.meta.url).pathname;
  const cfg = new URL("../../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", cfg, "--allow-read", "--allow-env", main, "info", "cifar10-subset", "--json"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(info.splits, { train: 4000, test: 1000 });
  assert.equal(info.classNames[0], "airplane");
  assert.equal(info.classNames[9], "truck");
  assert.deepEqual(info.shape, [32, 32, 3]);
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { pack } from "tar-stream";
import { UserError } from "../../core/errors.ts";
import { untar } from "../../datasets/tar.ts";

/** A tar archive written by tar-stream's packer (PAX headers for names over 100 bytes). */
async function packed(files: Record<string, string>): Promise<Uint8Array> {
  const p = pack();
  for (const [name, data] of Object.entries(files)) p.entry({ name }, data);
  p.finalize();
  const chunks: Uint8Array[] = [];
  for await (const c of p as AsyncIterable<Uint8Array>) chunks.push(c);
  return new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

const stream = (b: Uint8Array) => new Blob([b as BlobPart]).stream();
const LONG = `cifar-10-batches-bin/${"n".repeat(140)}.bin`;

Deno.test("tar: a PAX long name unpacks under its full path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-tar-pax-" });
  try {
    const entries = await untar(stream(await packed({ [LONG]: "long", "short.txt": "s" })), dir, "pax.tar");
    assert.deepEqual(entries.map((e) => [e.path, e.size, e.type]), [[LONG, 4, "file"], [
      "short.txt",
      1,
      "file",
    ]]);
    assert.equal(await Deno.readTextFile(join(dir, LONG)), "long");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tar: a header whose checksum does not match, a cut entry and a missing end marker are refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-tar-bad-" });
  try {
    const whole = await packed({ "a.txt": "a".repeat(600), "b.txt": "b" });
    const corrupt = whole.slice();
    corrupt[1536 + 3] ^= 1; // the name in b.txt's header (a.txt: header + 2 data blocks)
    await assert.rejects(
      () => untar(stream(corrupt), dir, "x.tar"),
      (e: Error) => e instanceof UserError && /checksum/.test(e.message),
    );
    await assert.rejects(
      () => untar(stream(whole.subarray(0, 1000)), dir, "x.tar"),
      (e: Error) => e instanceof UserError && /truncated/.test(e.message),
    );
    await assert.rejects(
      () => untar(stream(whole.subarray(0, 1536)), dir, "x.tar"),
      (e: Error) => e instanceof UserError && /end-of-archive/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The data tasks write where they are told (issue 14 item 2): `data preview --out` and
 * `data:fetch --data-dir` into folders outside the checkout (preview's folder made when
 * missing), with deno.json's tasks as written; the hint after a failed download repeats the `--data-dir` it was given.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";

const REPO = new URL("../../", import.meta.url).pathname;

/** `deno task NAME ARGS…` from the repository root, as a user types it. */
async function task(name: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", name, ...args],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

const noPermissionTrouble = (r: { out: string; err: string }) =>
  assert.doesNotMatch(r.out + r.err, /permission|NotCapable|Requires .* access/i, `${r.out}\n${r.err}`);

Deno.test("data preview --out and data:fetch --data-dir write into folders outside the checkout", async () => {
  const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "amcl-data-outside-" }));
  assert.ok(relative(REPO, tmp).startsWith(".."));
  try {
    // By a relative path that leaves the checkout.
    const png = join(relative(REPO, tmp), "views", "preview.png");
    await Deno.mkdir(join(tmp, "views"));
    const p = await task("data", "preview", "embedded", "--augs", "abcde", "--rows", "2", "--out", png);
    noPermissionTrouble(p);
    assert.equal(p.code, 0, p.err);
    const bytes = await Deno.readFile(join(tmp, "views", "preview.png"));
    assert.deepEqual([...bytes.subarray(1, 4)], [..."PNG"].map((c) => c.charCodeAt(0)));

    // Into folders that do not exist yet: they are made (no NotFound stack trace).
    const deep = join(tmp, "new", "deeper", "preview.png");
    const d = await task("data", "preview", "embedded", "--rows", "1", "--out", deep);
    assert.equal(d.code, 0, d.err);
    assert.deepEqual([...(await Deno.readFile(deep)).subarray(1, 4)], [..."PNG"].map((c) => c.charCodeAt(0)));
    // A file where a folder is named is one line naming the path, exit 2, no stack trace.
    const blocked = join(tmp, "views", "preview.png", "x.png");
    const b = await task("data", "preview", "embedded", "--rows", "1", "--out", blocked);
    assert.equal(b.code, 2, b.err);
    assert.equal(b.err.trimEnd().split("\n").length, 1, b.err);
    assert.ok(b.err.startsWith(`error: --out ${blocked}: cannot write a file there`), b.err);

    // data:fetch makes DATA/NAME outside the checkout; with no network here the download
    // fails, and the hint names that folder and the same --data-dir.
    const data = join(tmp, "data");
    const f = await task("data:fetch", "cifar10", "--data-dir", data);
    noPermissionTrouble(f);
    assert.equal(f.code, 2, f.err);
    assert.equal((await Deno.stat(join(data, "cifar10"))).isDirectory, true);
    assert.equal(f.err.trimEnd().split("\n").length, 1, f.err);
    assert.ok(f.err.includes(`put it in ${join(data, "cifar10")}/`), f.err);
    assert.ok(f.err.includes(`\`deno task data:fetch cifar10 --data-dir ${data}\` again`), f.err);
    // An archive put there by hand is read from that folder (and refused: it is not the official one).
    await Deno.writeFile(join(data, "cifar10", "cifar-10-binary.tar.gz"), new Uint8Array(64));
    const again = await task("data:fetch", "cifar10", "--data-dir", data);
    noPermissionTrouble(again);
    assert.equal(again.code, 2);
    assert.match(again.err, /cifar-10-binary\.tar\.gz: MD5 [0-9a-f]{32} does not match the published/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

/**
 * Atomic file writes: the text goes to a uniquely named temporary file beside the target
 * (same folder, so the rename is atomic on POSIX and on NFS), is flushed, and is renamed
 * over the target. A reader sees the old file or the new one, never a part; a kill leaves
 * at most a stray `*.tmp` file, which {@link cleanStaleTemps} removes.
 *
 * @module
 */

let counter = 0;

/** Writes `text` to `path` atomically. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${Deno.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    const bytes = new TextEncoder().encode(text);
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    await file.sync();
  } finally {
    file.close();
  }
  try {
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Removes `*.tmp` files older than `olderThanMs` in `dir` (left by killed writers). */
export async function cleanStaleTemps(dir: string, olderThanMs = 60_000): Promise<number> {
  let removed = 0;
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".tmp")) continue;
      const path = `${dir}/${e.name}`;
      const st = await Deno.stat(path).catch(() => null);
      if (st?.mtime && Date.now() - st.mtime.getTime() >= olderThanMs) {
        await Deno.remove(path).catch(() => {});
        removed++;
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return removed;
}

/**
 * A small streaming reader for (gzipped) tar archives: enough for the dataset archives
 * (ustar/GNU regular files and folders). Entries are written under a target folder;
 * paths that would escape it (absolute, or with `..`) are refused.
 *
 * @module
 */
import { dirname, join, normalize } from "node:path";
import { UserError } from "../core/errors.ts";

/** One entry seen while unpacking. */
export interface TarEntry {
  path: string;
  size: number;
  type: "file" | "dir" | "other";
}

function field(h: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && h[end] !== 0) end++;
  return new TextDecoder().decode(h.subarray(start, end));
}

function octal(h: Uint8Array, start: number, len: number): number {
  const s = field(h, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

/** Buffered reader over a byte stream, with exact-length reads. */
class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buf: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  #at = 0;
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }
  /** Up to `n` bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (this.#at >= this.#buf.length) {
        const { value, done } = await this.#reader.read();
        if (done) return out.subarray(0, got);
        this.#buf = value;
        this.#at = 0;
      }
      const take = Math.min(n - got, this.#buf.length - this.#at);
      out.set(this.#buf.subarray(this.#at, this.#at + take), got);
      this.#at += take;
      got += take;
    }
    return out;
  }
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

/**
 * Unpacks a tar stream (already decompressed) into `dest`. Returns the entries seen.
 * `archive` names the archive in error messages.
 */
export async function untar(
  stream: ReadableStream<Uint8Array>,
  dest: string,
  archive: string,
): Promise<TarEntry[]> {
  const r = new ByteReader(stream);
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  try {
    for (;;) {
      const h = await r.read(512);
      if (h.length === 0) {
        throw new UserError(`${archive}: ends without the end-of-archive marker; the archive is truncated`);
      }
      if (h.length < 512) throw new UserError(`${archive}: truncated tar header; the archive is incomplete`);
      if (h.every((b) => b === 0)) {
        // End of archive: drain the rest so a corrupt or truncated gzip stream still errors.
        while ((await r.read(1 << 16)).length > 0) { /* padding */ }
        break;
      }
      const size = octal(h, 124, 12);
      const typeFlag = String.fromCharCode(h[156] || 0x30);
      const prefix = field(h, 345, 155);
      let name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      longName = null;
      const padded = Math.ceil(size / 512) * 512;
      if (typeFlag === "L") {
        longName = field(await r.read(padded), 0, size);
        continue;
      }
      name = normalize(name);
      if (name.startsWith("/") || name.split("/").includes("..")) {
        throw new UserError(`${archive}: refusing entry "${name}" outside the target folder`);
      }
      const target = join(dest, name);
      if (typeFlag === "0" || typeFlag === "\0" || typeFlag === "7") {
        await Deno.mkdir(dirname(target), { recursive: true });
        using file = await Deno.open(target, { write: true, create: true, truncate: true });
        let left = size;
        while (left > 0) {
          const part = await r.read(Math.min(left, 1 << 20));
          if (part.length === 0) {
            throw new UserError(`${archive}: ends inside ${name}; the archive is truncated`);
          }
          let off = 0;
          while (off < part.length) off += await file.write(part.subarray(off));
          left -= part.length;
        }
        const pad = padded - size;
        if (pad > 0) await r.read(pad);
        entries.push({ path: name, size, type: "file" });
      } else if (typeFlag === "5") {
        await Deno.mkdir(target, { recursive: true });
        entries.push({ path: name, size: 0, type: "dir" });
      } else {
        // Links, pax headers and the like: skip their data.
        if (padded > 0) await r.read(padded);
        entries.push({ path: name, size, type: "other" });
      }
    }
  } catch (e) {
    await r.cancel().catch(() => {});
    if (e instanceof TypeError || (e as Error).name === "TypeError") {
      throw new UserError(
        `${archive}: the gzip data is corrupt (${(e as Error).message}); delete it and fetch again`,
      );
    }
    throw e;
  }
  return entries;
}

/** Unpacks a .tar.gz file into `dest` (streaming: never holds the archive in memory). */
export async function untarGz(path: string, dest: string): Promise<TarEntry[]> {
  const file = await Deno.open(path, { read: true });
  const stream = file.readable.pipeThrough(new DecompressionStream("gzip"));
  return await untar(stream, dest, path);
}

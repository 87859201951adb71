/**
 * Unpacking (gzipped) tar archives with the `tar-stream` package, which checks every
 * header's checksum and reads PAX and GNU long names. Regular files and folders are written
 * under a target folder; paths that would escape it (absolute, or with `..`) are refused.
 *
 * @module
 */
import { dirname, join, normalize } from "node:path";
import { extract } from "tar-stream";
import { UserError } from "../core/errors.ts";

/** One entry seen while unpacking. */
export interface TarEntry {
  path: string;
  size: number;
  type: "file" | "dir" | "other";
}

/** Feeds a web stream into tar-stream's writable side, with backpressure; keeps the last 512 bytes. */
async function feed(
  stream: ReadableStream<Uint8Array>,
  sink: ReturnType<typeof extract>,
): Promise<Uint8Array> {
  const tail = new Uint8Array(512);
  let seen = 0;
  for await (const chunk of stream) {
    if (chunk.length >= 512) tail.set(chunk.subarray(chunk.length - 512));
    else {
      tail.copyWithin(0, chunk.length);
      tail.set(chunk, 512 - chunk.length);
    }
    seen += chunk.length;
    if (sink.destroying) return new Uint8Array(0); // the reader gave up (a refused entry)
    if (!sink.write(chunk)) {
      await new Promise<void>((ok) => {
        sink.once("drain", () => ok());
        sink.once("close", () => ok());
      });
    }
  }
  sink.end(null); // streamx: no final chunk
  return seen >= 512 ? tail : new Uint8Array(0);
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
  const ex = extract();
  const entries: TarEntry[] = [];
  let parseError: unknown = null; // what the parser saw, when an entry's stream only says "destroyed"
  ex.on("error", (e: unknown) => parseError ??= e);
  const fed = feed(stream, ex).catch((e) => {
    ex.destroy(e as Error);
    throw e;
  });
  fed.catch(() => {}); // observed below; a gzip error may land before the loop looks
  try {
    for await (const entry of ex) {
      const h = entry.header;
      const name = normalize(h.name);
      if (name.startsWith("/") || name.split("/").includes("..")) {
        throw new UserError(`${archive}: refusing entry "${name}" outside the target folder`);
      }
      const target = join(dest, name);
      if (h.type === "file" || h.type === "contiguous-file") {
        await Deno.mkdir(dirname(target), { recursive: true });
        using file = await Deno.open(target, { write: true, create: true, truncate: true });
        for await (const part of entry as AsyncIterable<Uint8Array>) {
          let off = 0;
          while (off < part.length) off += await file.write(part.subarray(off));
        }
        entries.push({ path: name, size: h.size, type: "file" });
      } else if (h.type === "directory") {
        await Deno.mkdir(target, { recursive: true });
        entries.push({ path: name, size: 0, type: "dir" });
      } else {
        entry.resume(); // links, devices: skip their data
        entries.push({ path: name, size: h.size, type: "other" });
      }
    }
    const tail = await fed;
    // A tar ends with zero blocks; an archive cut at a block boundary ends in data.
    if (!tail.length || tail.some((b) => b !== 0)) {
      throw new UserError(`${archive}: ends without the end-of-archive marker; the archive is truncated`);
    }
  } catch (e) {
    ex.destroy();
    await fed.catch(() => {});
    throw explain(e instanceof UserError ? e : parseError ?? e, archive);
  }
  return entries;
}

/** The user-facing form of what tar-stream or the gzip decoder threw. */
function explain(e: unknown, archive: string): unknown {
  if (e instanceof UserError) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (e instanceof TypeError || (e as Error)?.name === "TypeError") {
    return new UserError(`${archive}: the gzip data is corrupt (${msg}); delete it and fetch again`);
  }
  if (/Unexpected end of data/.test(msg)) {
    return new UserError(`${archive}: ends inside an entry; the archive is truncated`);
  }
  if (/Invalid tar header/.test(msg)) {
    return new UserError(`${archive}: a tar header's checksum does not match; the archive is corrupt`);
  }
  return e;
}

/** Unpacks a .tar.gz file into `dest` (streaming: never holds the archive in memory). */
export async function untarGz(path: string, dest: string): Promise<TarEntry[]> {
  const file = await Deno.open(path, { read: true });
  const stream = file.readable.pipeThrough(new DecompressionStream("gzip"));
  return await untar(stream, dest, path);
}

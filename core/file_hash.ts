/**
 * Hex digests of files, streamed (an archive of several GB is never held in memory): MD5
 * for the published dataset checksums, SHA-256 for the suite's own.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The hex `algorithm` digest of the file at `path`. */
export async function hashFile(path: string, algorithm: "md5" | "sha256"): Promise<string> {
  const h = createHash(algorithm);
  using f = await Deno.open(path, { read: true });
  const buf = new Uint8Array(1 << 20);
  for (;;) {
    const n = await f.read(buf);
    if (n === null) break;
    h.update(buf.subarray(0, n));
  }
  return h.digest("hex");
}

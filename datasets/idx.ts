/**
 * The IDX file format (MNIST, Fashion-MNIST): a 4-byte magic (0, 0, type, number of
 * dimensions), one big-endian uint32 per dimension, then the data. Only unsigned-byte
 * data (type 0x08) is supported, which is what the image and label files use.
 *
 * @module
 */
import { constants, gunzipSync } from "node:zlib";
import { UserError } from "../core/errors.ts";
import { isGzip, readMaybeGzip } from "./files.ts";

/** A parsed IDX array: its dimensions and its bytes (a view, not a copy). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** The header of an IDX file: its dimensions and its length in bytes. */
interface IdxHeader {
  dims: number[];
  /** Bytes before the data: 4 + 4 × dimensions. */
  bytes: number;
}

/** Parses the header at the start of `bytes` (which may hold only the start of the file). */
function parseIdxHeader(bytes: Uint8Array, path: string): IdxHeader {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(
      `${path}: not an IDX file (bad magic number); the file is corrupt or of another kind`,
    );
  }
  if (bytes[2] !== 0x08) {
    throw new UserError(`${path}: IDX data type 0x${bytes[2].toString(16)} is not unsigned byte (0x08)`);
  }
  const nd = bytes[3];
  const header = 4 + 4 * nd;
  if (nd === 0 || bytes.length < header) {
    throw new UserError(`${path}: IDX header truncated (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { dims, bytes: header };
}

/** The error for data of `have` bytes where the header promises `dims`. */
function lengthError(path: string, dims: number[], have: number): UserError {
  const want = dims.reduce((a, b) => a * b, 1);
  return new UserError(
    `${path}: IDX header promises ${dims.join("×")} = ${want} bytes of data but the file holds ${have}: ` +
      `the file is ${have < want ? "truncated" : "too long"}; fetch it again`,
  );
}

/** Parses an (already decompressed) IDX file; errors name the file. */
export function parseIdx(bytes: Uint8Array, path: string): IdxArray {
  const { dims, bytes: header } = parseIdxHeader(bytes, path);
  const want = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - header;
  if (have !== want) throw lengthError(path, dims, have);
  return { dims, data: bytes.subarray(header) };
}

/** Compressed bytes read to find the header of a gzipped IDX file. */
const GZIP_HEAD = 1 << 16;

/**
 * The dimensions of an IDX file (plain or gzipped) from its header, without reading its
 * data, after checking the file is as long as the header promises: by its size when
 * plain, by the gzip trailer's uncompressed length (ISIZE) when gzipped. When the trailer
 * disagrees (a truncated download, or a gzip of several members) the whole file is
 * decompressed and parsed, so the error says exactly what is wrong. Errors name the file.
 */
export async function readIdxDims(path: string): Promise<number[]> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const head = new Uint8Array(Math.min(size, GZIP_HEAD));
  let got = 0;
  while (got < head.length) {
    const n = await file.read(head.subarray(got));
    if (n === null) break;
    got += n;
  }
  if (!isGzip(head)) {
    const h = parseIdxHeader(head.subarray(0, got), path);
    const want = h.dims.reduce((a, b) => a * b, 1);
    if (size - h.bytes !== want) throw lengthError(path, h.dims, size - h.bytes);
    return h.dims;
  }
  let start: Uint8Array;
  try {
    // SYNC_FLUSH: decompress what these first bytes hold, without asking for the end.
    start = gunzipSync(head.subarray(0, got), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (e) {
    throw new UserError(
      `${path}: gzip data is corrupt or truncated (${(e as Error).message}); delete it and fetch it again`,
    );
  }
  const tail = new Uint8Array(4);
  if (size >= 18 && start.length >= 4 && start.length >= 4 + 4 * start[3]) {
    const h = parseIdxHeader(start, path);
    await file.seek(size - 4, Deno.SeekMode.Start);
    let t = 0;
    while (t < 4) {
      const n = await file.read(tail.subarray(t));
      if (n === null) break;
      t += n;
    }
    const isize = new DataView(tail.buffer).getUint32(0, true);
    const total = h.bytes + h.dims.reduce((a, b) => a * b, 1);
    if (t === 4 && isize === total % 2 ** 32) return h.dims;
  }
  return parseIdx(await readMaybeGzip(path), path).dims;
}

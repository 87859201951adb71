/**
 * The IDX file format (MNIST, Fashion-MNIST): a 4-byte magic (0, 0, type, number of
 * dimensions), one big-endian uint32 per dimension, then the data. Only unsigned-byte
 * data (type 0x08) is supported, which is what the image and label files use.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";

/** A parsed IDX array: its dimensions and its bytes (a view, not a copy). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an (already decompressed) IDX file; errors name the file. */
export function parseIdx(bytes: Uint8Array, path: string): IdxArray {
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
  const want = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - header;
  if (have !== want) {
    throw new UserError(
      `${path}: IDX header promises ${dims.join("×")} = ${want} bytes of data but the file holds ${have}: ` +
        `the file is ${have < want ? "truncated" : "too long"}; fetch it again`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

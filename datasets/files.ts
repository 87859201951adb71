/**
 * Small file helpers shared by the loaders: existence checks, whole-file reads with
 * clear errors, transparent gunzip, and the "dataset not found" message.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/errors.ts";

/** Default data folder (relative to the working directory). */
export const DEFAULT_DATA_DIR = "data";

/** The project root folder (the parent of `datasets/`). */
export function projectRoot(): string {
  return fileURLToPath(new URL("../", import.meta.url));
}

/** File or folder info, or null when the path does not exist. */
export async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** True when `path` is an existing regular file. */
export async function isFile(path: string): Promise<boolean> {
  return (await statOrNull(path))?.isFile ?? false;
}

/** True when `path` is an existing folder. */
export async function isDir(path: string): Promise<boolean> {
  return (await statOrNull(path))?.isDirectory ?? false;
}

/** Returns the first of `candidates` that is an existing file, or null. */
export async function firstFile(candidates: readonly string[]): Promise<string | null> {
  for (const c of candidates) if (await isFile(c)) return c;
  return null;
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads a whole file; gzip files are decompressed. Errors name the file. */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  const raw = await Deno.readFile(path);
  if (!isGzip(raw)) return raw;
  try {
    const out = gunzipSync(raw);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new UserError(
      `${path}: gzip data is corrupt or truncated (${(e as Error).message}); delete it and fetch it again`,
    );
  }
}

/** The command that downloads a dataset (with its data folder when not the default). */
export function fetchCommand(name: string, dataDir?: string): string {
  const dir = dataDir && dataDir !== DEFAULT_DATA_DIR ? ` --data-dir ${dataDir}` : "";
  return `deno task data:fetch ${name}${dir}`;
}

/** The error for a dataset that is not on disk: where we looked and how to get it. */
export function missingDataset(name: string, looked: readonly string[], dataDir?: string): UserError {
  return new UserError(
    `dataset ${name} not found (looked in ${looked.join(", ")}); download it with \`${
      fetchCommand(name, dataDir)
    }\` or pass --data-dir`,
  );
}

/** `dataDir/name`, the folder a fetched dataset is unpacked into. */
export function datasetDir(dataDir: string | undefined, name: string): string {
  return join(dataDir ?? DEFAULT_DATA_DIR, name);
}

/** Checks a file's byte length is a whole number of fixed-size records; returns the count. */
export function recordCount(path: string, bytes: number, recordBytes: number, what: string): number {
  if (bytes === 0) {
    throw new UserError(`${path}: file is empty; expected ${what} records of ${recordBytes} bytes`);
  }
  if (bytes % recordBytes !== 0) {
    throw new UserError(
      `${path}: size ${bytes} bytes is not a multiple of the ${recordBytes}-byte ${what} record ` +
        `(${Math.floor(bytes / recordBytes)} records + ${bytes % recordBytes} stray bytes): ` +
        `the file is truncated or not in ${what} layout`,
    );
  }
  return bytes / recordBytes;
}

/**
 * The CIFAR "binary version" record format, shared by CIFAR-10, CIFAR-100 and local files
 * in CIFAR layout.
 *
 * A file is a plain run of fixed-size records with no header: `labelBytes` label bytes
 * (CIFAR-10: 1; CIFAR-100: 2 = coarse, fine), then 3072 pixel bytes: the red plane, the
 * green plane, the blue plane, each 32 rows × 32 columns, row-major. Decoding turns the
 * planes into HWC order, written straight into one buffer for all files of a split.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import { recordCount, statOrNull } from "./files.ts";

/** How labels sit in a record. */
export interface CifarLayout {
  /** Label bytes before the pixels (1 for CIFAR-10, 2 for CIFAR-100). */
  labelBytes: number;
  /** Which label byte is the label used (CIFAR-100: 1 = fine label). */
  labelIndex: number;
  /** Number of classes (labels must be below it). */
  classes: number;
  /** Name used in error messages. */
  what: string;
}

/** Pixel bytes in one CIFAR record (3 × 32 × 32). */
export const CIFAR_PIXELS = 3072;

/** CIFAR-10 layout. */
export const CIFAR10_LAYOUT: CifarLayout = { labelBytes: 1, labelIndex: 0, classes: 10, what: "CIFAR-10" };
/** CIFAR-100 layout (fine labels). */
export const CIFAR100_LAYOUT: CifarLayout = { labelBytes: 2, labelIndex: 1, classes: 100, what: "CIFAR-100" };

/** Bytes of one record in `layout`. */
export function recordBytes(layout: CifarLayout): number {
  return layout.labelBytes + CIFAR_PIXELS;
}

/**
 * Counts records of each file (checking sizes divide, and `expected` counts when given)
 * without reading the pixels.
 */
export async function countCifarRecords(
  paths: readonly string[],
  layout: CifarLayout,
  expected?: readonly number[],
): Promise<number[]> {
  const counts: number[] = [];
  for (let f = 0; f < paths.length; f++) {
    const info = await statOrNull(paths[f]);
    if (!info?.isFile) throw new UserError(`${paths[f]}: file not found`);
    const n = recordCount(paths[f], info.size, recordBytes(layout), layout.what);
    if (expected && expected[f] !== n) {
      throw new UserError(
        `${paths[f]}: holds ${n} ${layout.what} records but the official file has ${expected[f]} ` +
          `(size ${info.size} bytes, expected ${
            expected[f] * recordBytes(layout)
          }): the file is truncated or wrong; fetch it again`,
      );
    }
    counts.push(n);
  }
  return counts;
}

/**
 * Reads CIFAR-layout files into one HWC uint8 buffer plus labels (files concatenated in
 * order). Errors name the file: size not a multiple of the record, wrong count, bad label.
 */
export async function readCifarFiles(
  paths: readonly string[],
  layout: CifarLayout,
  expected?: readonly number[],
): Promise<{ pixels: Uint8Array; labels: Int32Array }> {
  const counts = await countCifarRecords(paths, layout, expected);
  const total = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(total * CIFAR_PIXELS);
  const labels = new Int32Array(total);
  const rb = recordBytes(layout);
  let at = 0;
  for (let f = 0; f < paths.length; f++) {
    const raw = await Deno.readFile(paths[f]);
    if (raw.length !== counts[f] * rb) {
      throw new UserError(`${paths[f]}: file changed while reading; run again`);
    }
    for (let r = 0; r < counts[f]; r++, at++) {
      const src = r * rb;
      const label = raw[src + layout.labelIndex];
      if (label >= layout.classes) {
        throw new UserError(
          `${paths[f]}: record ${r} has label ${label}, but ${layout.what} has ${layout.classes} classes: ` +
            `the file is corrupt or not in ${layout.what} layout`,
        );
      }
      labels[at] = label;
      planarToHwc(raw, src + layout.labelBytes, pixels, at * CIFAR_PIXELS);
    }
  }
  return { pixels, labels };
}

/** Copies one 3×32×32 planar image to 32×32×3 interleaved. */
function planarToHwc(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let p = 0; p < 1024; p++) {
    const d = to + p * 3;
    dst[d] = src[from + p];
    dst[d + 1] = src[from + 1024 + p];
    dst[d + 2] = src[from + 2048 + p];
  }
}

/** Reads a class-name file (one name per line; blank lines dropped). */
export async function readClassNames(path: string, classes: number): Promise<string[]> {
  const text = await Deno.readTextFile(path);
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== classes) {
    throw new UserError(`${path}: lists ${names.length} class names, expected ${classes}`);
  }
  return names;
}

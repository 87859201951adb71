/**
 * STL-10 from the official binary archive, unpacked by `deno task data:fetch stl10` into
 * `DATA/stl10/stl10_binary/`: train 5000, test 8000, unlabeled 100000 images, 96×96×3,
 * 10 classes.
 *
 * Format: `*_X.bin` holds images of 3 × 96 × 96 bytes, one channel plane after another,
 * each plane stored column-major (byte `c*9216 + x*96 + y` is row y, column x);
 * `*_y.bin` holds one label byte per image, 1..10. Images are read in chunks and written
 * straight into the HWC buffer, so even the 2.7 GB unlabeled split is held once.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { type Dataset, fullSplit, type ImageShape, lazyDataset, type OpenOptions } from "./dataset.ts";
import { readClassNames } from "./cifar_records.ts";
import { DEFAULT_DATA_DIR, isDir, isFile, missingDataset, recordCount, statOrNull } from "./files.ts";

const SIDE = 96;
const PLANE = SIDE * SIDE;
const IMAGE = 3 * PLANE;

/** STL-10 class names (label order, after subtracting 1). */
export const STL10_CLASSES = [
  "airplane",
  "bird",
  "car",
  "cat",
  "deer",
  "dog",
  "horse",
  "monkey",
  "ship",
  "truck",
] as const;

const COUNTS: Record<string, number> = { train: 5000, test: 8000, unlabeled: 100000 };

/** Finds `stl10_binary`: {dir or null, folders looked in}. */
export async function locateStl10(opts: OpenOptions = {}): Promise<{ dir: string | null; looked: string[] }> {
  const base = opts.dataDir ?? DEFAULT_DATA_DIR;
  const looked = [join(base, "stl10", "stl10_binary"), join(base, "stl10_binary")];
  for (const d of looked) if (await isDir(d)) return { dir: d, looked };
  return { dir: null, looked };
}

/** Decodes column-major planar STL images from `src` into HWC `dst` starting at image `at`. */
function decodeImages(src: Uint8Array, count: number, dst: Uint8Array, at: number): void {
  for (let n = 0; n < count; n++) {
    const s = n * IMAGE;
    const d0 = (at + n) * IMAGE;
    for (let c = 0; c < 3; c++) {
      const sp = s + c * PLANE;
      for (let x = 0; x < SIDE; x++) {
        const col = sp + x * SIDE;
        for (let y = 0; y < SIDE; y++) dst[d0 + (y * SIDE + x) * 3 + c] = src[col + y];
      }
    }
  }
}

/** Checks by its size that an `*_X.bin` file holds the `expected` images; returns the count. */
async function imageCount(path: string, expected: number): Promise<number> {
  const info = await statOrNull(path);
  if (!info?.isFile) {
    throw new UserError(`${path}: file not found; the STL-10 folder is incomplete, fetch it again`);
  }
  const n = recordCount(path, info.size, IMAGE, "STL-10 image");
  if (n !== expected) {
    throw new UserError(
      `${path}: holds ${n} images, the official file has ${expected}: truncated or wrong file`,
    );
  }
  return n;
}

/** Checks by its size that a `*_y.bin` file holds the `expected` labels. */
async function labelCount(path: string, expected: number): Promise<void> {
  const info = await statOrNull(path);
  if (!info?.isFile) throw new UserError(`${path}: file not found; the STL-10 folder is incomplete`);
  if (info.size !== expected) {
    throw new UserError(`${path}: holds ${info.size} labels, expected ${expected}: truncated or wrong file`);
  }
}

/** Reads an `*_X.bin` file in chunks into one HWC buffer. */
async function readImages(path: string, expected: number): Promise<Uint8Array> {
  const n = await imageCount(path, expected);
  const out = new Uint8Array(n * IMAGE);
  const chunkImages = 256;
  const buf = new Uint8Array(chunkImages * IMAGE);
  using file = await Deno.open(path, { read: true });
  let done = 0;
  while (done < n) {
    const want = Math.min(chunkImages, n - done) * IMAGE;
    let got = 0;
    while (got < want) {
      const r = await file.read(buf.subarray(got, want));
      if (r === null) throw new UserError(`${path}: ended early at image ${done}; the file is truncated`);
      got += r;
    }
    decodeImages(buf, want / IMAGE, out, done);
    done += want / IMAGE;
  }
  return out;
}

async function readLabels(path: string, expected: number): Promise<Int32Array> {
  if (!(await isFile(path))) throw new UserError(`${path}: file not found; the STL-10 folder is incomplete`);
  const raw = await Deno.readFile(path);
  if (raw.length !== expected) {
    throw new UserError(`${path}: holds ${raw.length} labels, expected ${expected}: truncated or wrong file`);
  }
  const labels = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] < 1 || raw[i] > 10) throw new UserError(`${path}: label ${raw[i]} at ${i} is not in 1..10`);
    labels[i] = raw[i] - 1;
  }
  return labels;
}

/**
 * Opens STL-10 (splits train, test, unlabeled; unlabeled images have label -1). Every
 * file's size is checked here, so a truncated one is an error before any image is read.
 */
export async function openStl10(opts: OpenOptions = {}): Promise<Dataset> {
  const { dir, looked } = await locateStl10(opts);
  if (!dir) throw missingDataset("stl10", looked, opts.dataDir);
  const namesPath = join(dir, "class_names.txt");
  const classNames = await isFile(namesPath) ? await readClassNames(namesPath, 10) : [...STL10_CLASSES];
  const shape: ImageShape = [SIDE, SIDE, 3];
  const load = (split: string) => async () => {
    const pixels = await readImages(join(dir, `${split}_X.bin`), COUNTS[split]);
    const labels = split === "unlabeled"
      ? new Int32Array(COUNTS[split]).fill(-1)
      : await readLabels(join(dir, `${split}_y.bin`), COUNTS[split]);
    return fullSplit(split, shape, pixels, labels);
  };
  const splits: Record<string, number> = {};
  const loaders: Record<string, ReturnType<typeof load>> = {};
  for (const split of ["train", "test"]) {
    splits[split] = await imageCount(join(dir, `${split}_X.bin`), COUNTS[split]);
    await labelCount(join(dir, `${split}_y.bin`), COUNTS[split]);
    loaders[split] = load(split);
  }
  if (await isFile(join(dir, "unlabeled_X.bin"))) {
    splits.unlabeled = await imageCount(join(dir, "unlabeled_X.bin"), COUNTS.unlabeled);
    loaders.unlabeled = load("unlabeled");
  }
  return lazyDataset({
    name: "stl10",
    where: dir,
    splits,
    shape,
    channels: 3,
    classes: 10,
    classNames,
    mean: [0.4467, 0.4398, 0.4066],
    std: [0.2603, 0.2566, 0.2713],
    statsSource: "commonly used STL-10 training-set statistics",
  }, loaders);
}

/**
 * Fashion-MNIST from its four IDX files (gzipped or not): 60k train / 10k test, 28×28,
 * one channel, 10 classes. Looked for in `DATA/fashion-mnist/`, then in `--data-dir`
 * itself when one was given, then in `/usr/share/datasets/fashion-mnist` (Debian's
 * `dataset-fashion-mnist` package).
 *
 * Opening reads the four files' headers (and checks each file is as long as its header
 * says), so the split sizes it reports are the files', and a truncated or wrong file is
 * an error naming it before any pixel is read.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { type Dataset, fullSplit, type ImageShape, lazyDataset, type OpenOptions } from "./dataset.ts";
import { parseIdx, readIdxDims } from "./idx.ts";
import { DEFAULT_DATA_DIR, firstFile, missingDataset, readMaybeGzip } from "./files.ts";

/** Debian's install folder for Fashion-MNIST. */
export const DEBIAN_FASHION_DIR = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST class names (label order). */
export const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

const FILES = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
} as const;

const COUNTS: Record<string, number> = { train: 60000, test: 10000 };

/** Folders searched, in order. */
export function fashionCandidates(opts: OpenOptions): string[] {
  const out = [join(opts.dataDir ?? DEFAULT_DATA_DIR, "fashion-mnist")];
  if (opts.dataDir) out.push(opts.dataDir);
  out.push(DEBIAN_FASHION_DIR);
  return out;
}

/** Path of one IDX file in `dir` (plain or .gz), or null. */
function idxFile(dir: string, base: string): Promise<string | null> {
  return firstFile([join(dir, base), join(dir, base + ".gz")]);
}

/** Finds the folder holding all four files: {dir or null, folders looked in}. */
export async function locateFashionMnist(
  opts: OpenOptions = {},
): Promise<{ dir: string | null; looked: string[] }> {
  const looked = fashionCandidates(opts);
  for (const d of looked) {
    const all = [...FILES.train, ...FILES.test];
    let ok = true;
    for (const b of all) if (!(await idxFile(d, b))) ok = false;
    if (ok) return { dir: d, looked };
  }
  return { dir: null, looked };
}

/**
 * Checks the dimensions of one split's image and label files against each other and the
 * official split size; returns the number of images.
 */
function checkSplitDims(
  split: "train" | "test",
  imgPath: string,
  img: number[],
  labPath: string,
  lab: number[],
): number {
  if (img.length !== 3 || img[1] !== 28 || img[2] !== 28) {
    throw new UserError(`${imgPath}: expected images of shape N×28×28, found ${img.join("×")}`);
  }
  if (img[0] !== COUNTS[split]) {
    throw new UserError(
      `${imgPath}: holds ${img[0]} images, the official ${split} split has ${COUNTS[split]}; fetch it again`,
    );
  }
  if (lab.length !== 1 || lab[0] !== img[0]) {
    throw new UserError(`${labPath}: ${lab.join("×")} labels for ${img[0]} images in ${imgPath}`);
  }
  return img[0];
}

/** Opens Fashion-MNIST (reading the files' headers; see the module comment). */
export async function openFashionMnist(opts: OpenOptions = {}): Promise<Dataset> {
  const { dir, looked } = await locateFashionMnist(opts);
  if (!dir) throw missingDataset("fashion-mnist", looked, opts.dataDir);
  const shape: ImageShape = [28, 28, 1];
  const paths = async (split: "train" | "test") => ({
    imgPath: (await idxFile(dir, FILES[split][0]))!,
    labPath: (await idxFile(dir, FILES[split][1]))!,
  });
  const splits: Record<string, number> = {};
  for (const split of ["train", "test"] as const) {
    const { imgPath, labPath } = await paths(split);
    splits[split] = checkSplitDims(
      split,
      imgPath,
      await readIdxDims(imgPath),
      labPath,
      await readIdxDims(labPath),
    );
  }
  const load = (split: "train" | "test") => async () => {
    const { imgPath, labPath } = await paths(split);
    const img = parseIdx(await readMaybeGzip(imgPath), imgPath);
    const lab = parseIdx(await readMaybeGzip(labPath), labPath);
    checkSplitDims(split, imgPath, img.dims, labPath, lab.dims);
    const labels = new Int32Array(lab.data.length);
    for (let i = 0; i < labels.length; i++) {
      if (lab.data[i] > 9) throw new UserError(`${labPath}: label ${lab.data[i]} at ${i} is not in 0..9`);
      labels[i] = lab.data[i];
    }
    // `img.data` is a view into the decompressed file: keep only the pixels (one copy).
    const pixels = img.data.byteOffset === 0 && img.data.length === img.data.buffer.byteLength
      ? img.data
      : img.data.slice();
    return fullSplit(split, shape, pixels, labels);
  };
  return lazyDataset({
    name: "fashion-mnist",
    where: dir,
    splits,
    shape,
    channels: 1,
    classes: 10,
    classNames: [...FASHION_CLASSES],
    mean: [0.2860],
    std: [0.3530],
    statsSource: "published training-set statistics",
  }, { train: load("train"), test: load("test") });
}

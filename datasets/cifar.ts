/**
 * CIFAR-10 and CIFAR-100 from the official "binary version" archives, unpacked by
 * `deno task data:fetch cifar10|cifar100` into `DATA/cifar10/cifar-10-batches-bin/` and
 * `DATA/cifar100/cifar-100-binary/` (an archive unpacked directly into DATA also works).
 *
 * @module
 */
import { join } from "node:path";
import { type Dataset, fullSplit, type ImageShape, lazyDataset, type OpenOptions } from "./dataset.ts";
import {
  CIFAR100_LAYOUT,
  CIFAR10_LAYOUT,
  type CifarLayout,
  countCifarRecords,
  readCifarFiles,
  readClassNames,
} from "./cifar_records.ts";
import { DEFAULT_DATA_DIR, isDir, isFile, missingDataset } from "./files.ts";

/** CIFAR-10 class names (label order). */
export const CIFAR10_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
] as const;

/** The parts of one official CIFAR variant. */
interface CifarVariant {
  name: string;
  folder: string;
  layout: CifarLayout;
  train: string[];
  test: string[];
  perTrainFile: number;
  perTestFile: number;
  namesFile: string;
  fallbackNames: readonly string[] | null;
  mean: number[];
  std: number[];
}

const CIFAR10: CifarVariant = {
  name: "cifar10",
  folder: "cifar-10-batches-bin",
  layout: CIFAR10_LAYOUT,
  train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
  test: ["test_batch.bin"],
  perTrainFile: 10000,
  perTestFile: 10000,
  namesFile: "batches.meta.txt",
  fallbackNames: CIFAR10_CLASSES,
  // Published per-channel statistics of the 50k training images.
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.2470, 0.2435, 0.2616],
};

const CIFAR100: CifarVariant = {
  name: "cifar100",
  folder: "cifar-100-binary",
  layout: CIFAR100_LAYOUT,
  train: ["train.bin"],
  test: ["test.bin"],
  perTrainFile: 50000,
  perTestFile: 10000,
  namesFile: "fine_label_names.txt",
  fallbackNames: null,
  mean: [0.5071, 0.4865, 0.4409],
  std: [0.2673, 0.2564, 0.2762],
};

/** Folders searched for a CIFAR variant, in order. */
function candidates(v: CifarVariant, dataDir: string): string[] {
  return [join(dataDir, v.name, v.folder), join(dataDir, v.folder)];
}

/** Finds the unpacked folder of a variant: {dir or null, folders looked in}. */
async function locate(v: CifarVariant, opts: OpenOptions): Promise<{ dir: string | null; looked: string[] }> {
  const looked = candidates(v, opts.dataDir ?? DEFAULT_DATA_DIR);
  for (const d of looked) if (await isDir(d)) return { dir: d, looked };
  return { dir: null, looked };
}

async function open(v: CifarVariant, opts: OpenOptions): Promise<Dataset> {
  const { dir, looked } = await locate(v, opts);
  if (!dir) throw missingDataset(v.name, looked, opts.dataDir);
  const train = v.train.map((f) => join(dir, f));
  const test = v.test.map((f) => join(dir, f));
  const trainCounts = await countCifarRecords(train, v.layout, train.map(() => v.perTrainFile));
  const testCounts = await countCifarRecords(test, v.layout, test.map(() => v.perTestFile));
  const namesPath = join(dir, v.namesFile);
  let classNames: string[];
  if (await isFile(namesPath)) classNames = await readClassNames(namesPath, v.layout.classes);
  else if (v.fallbackNames) classNames = [...v.fallbackNames];
  else throw missingDataset(`${v.name} (class names ${namesPath})`, [namesPath], opts.dataDir);
  const shape: ImageShape = [32, 32, 3];
  const load = (name: string, files: string[], counts: number[]) => async () => {
    const { pixels, labels } = await readCifarFiles(files, v.layout, counts);
    return fullSplit(name, shape, pixels, labels);
  };
  return lazyDataset({
    name: v.name,
    where: dir,
    splits: { train: sum(trainCounts), test: sum(testCounts) },
    shape,
    channels: 3,
    classes: v.layout.classes,
    classNames,
    mean: v.mean,
    std: v.std,
    statsSource: "published training-set statistics",
  }, { train: load("train", train, trainCounts), test: load("test", test, testCounts) });
}

function sum(a: number[]): number {
  return a.reduce((x, y) => x + y, 0);
}

/** Opens CIFAR-10 (50k train / 10k test, 32×32×3, 10 classes). */
export function openCifar10(opts: OpenOptions = {}): Promise<Dataset> {
  return open(CIFAR10, opts);
}

/** Opens CIFAR-100 (50k train / 10k test, 32×32×3, 100 fine classes). */
export function openCifar100(opts: OpenOptions = {}): Promise<Dataset> {
  return open(CIFAR100, opts);
}

/** Where CIFAR-10 is (or would be) on disk. */
export function locateCifar10(opts: OpenOptions = {}): Promise<{ dir: string | null; looked: string[] }> {
  return locate(CIFAR10, opts);
}

/** Where CIFAR-100 is (or would be) on disk. */
export function locateCifar100(opts: OpenOptions = {}): Promise<{ dir: string | null; looked: string[] }> {
  return locate(CIFAR100, opts);
}

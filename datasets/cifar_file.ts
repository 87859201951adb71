/**
 * Local files in the CIFAR-10 binary layout, used directly (no archive, no checksum list).
 *
 * A folder: every `*.bin` file whose name contains "test" makes the test split, every
 * other `*.bin` file the train split (files sorted by name, then concatenated);
 * `batches.meta.txt` gives the class names (else the CIFAR-10 names). A single `.bin`
 * file makes a "train" split alone. Mean/std are computed from the train split when the
 * dataset is opened (the split stays cached, so it is read once).
 *
 * `cifar10-subset` names the suite's offline copy at `../shared/data/cifar10-subset`
 * (relative to the project root): 4000 train + 1000 test real CIFAR-10 images.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import {
  channelStats,
  type Dataset,
  fullSplit,
  type ImageShape,
  type ImageSplit,
  lazyDataset,
} from "./dataset.ts";
import { CIFAR10_LAYOUT, countCifarRecords, readCifarFiles, readClassNames } from "./cifar_records.ts";
import { CIFAR10_CLASSES } from "./cifar.ts";
import { isFile, projectRoot, statOrNull } from "./files.ts";

/** Name of the suite's offline CIFAR-10 subset. */
export const CIFAR10_SUBSET = "cifar10-subset";

/** Folder of the offline CIFAR-10 subset (../shared/data/cifar10-subset from the project root). */
export function cifar10SubsetDir(): string {
  return resolve(projectRoot(), "..", "shared", "data", "cifar10-subset");
}

/** The files making each split of a CIFAR-layout path. */
export async function cifarFileSplits(path: string): Promise<Record<string, string[]>> {
  const info = await statOrNull(path);
  if (!info) throw new UserError(`${path}: no such file or folder (expected CIFAR-10 binary .bin files)`);
  if (info.isFile) return { train: [path] };
  const bins: string[] = [];
  for await (const e of Deno.readDir(path)) {
    if (e.isFile && e.name.endsWith(".bin")) bins.push(e.name);
  }
  bins.sort();
  if (bins.length === 0) {
    throw new UserError(`${path}: folder holds no .bin files in CIFAR-10 binary layout`);
  }
  const test = bins.filter((b) => b.toLowerCase().includes("test")).map((b) => join(path, b));
  const train = bins.filter((b) => !b.toLowerCase().includes("test")).map((b) => join(path, b));
  const out: Record<string, string[]> = {};
  if (train.length) out.train = train;
  if (test.length) out.test = test;
  return out;
}

/** Opens CIFAR-layout files at `path` (a folder or one .bin file) under `name`. */
export async function openCifarFile(path: string, name = path): Promise<Dataset> {
  const files = await cifarFileSplits(path);
  const counts: Record<string, number> = {};
  for (const [split, paths] of Object.entries(files)) {
    counts[split] = (await countCifarRecords(paths, CIFAR10_LAYOUT)).reduce((a, b) => a + b, 0);
  }
  const dir = (await statOrNull(path))?.isFile ? resolve(path, "..") : path;
  const meta = join(dir, "batches.meta.txt");
  const classNames = await isFile(meta) ? await readClassNames(meta, 10) : [...CIFAR10_CLASSES];
  const shape: ImageShape = [32, 32, 3];
  const load = (split: string) => async (): Promise<ImageSplit> => {
    const { pixels, labels } = await readCifarFiles(files[split], CIFAR10_LAYOUT);
    return fullSplit(split, shape, pixels, labels);
  };
  const statsSplit = files.train ? "train" : Object.keys(files)[0];
  const first = await load(statsSplit)();
  const { mean, std } = channelStats(first);
  const loaders: Record<string, () => Promise<ImageSplit>> = {};
  for (const split of Object.keys(files)) {
    loaders[split] = split === statsSplit ? () => Promise.resolve(first) : load(split);
  }
  return lazyDataset({
    name,
    where: path,
    splits: counts,
    shape,
    channels: 3,
    classes: 10,
    classNames,
    mean,
    std,
    statsSource: `computed from ${statsSplit} (${basename(files[statsSplit][0])}${
      files[statsSplit].length > 1 ? ", …" : ""
    })`,
  }, loaders);
}

/** Opens the suite's offline CIFAR-10 subset (4000 train / 1000 test). */
export function openCifar10Subset(): Promise<Dataset> {
  return openCifarFile(cifar10SubsetDir(), CIFAR10_SUBSET);
}

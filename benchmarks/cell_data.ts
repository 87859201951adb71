/**
 * The images of a cell: its dataset, opened as the cell says, with the train and test splits
 * cut to `extra.trainSize` / `extra.testSize` (the first N of a seeded shuffle; the embedded
 * set is generated at that size). The cell executor trains and evaluates on these, and a
 * checkpoint evaluation reopens the very same images from the stored configuration.
 *
 * @module
 */
import { Rng } from "../core/random.ts";
import { openDataset } from "../datasets/registry.ts";
import { subsetView } from "../datasets/subset.ts";
import type { Dataset, ImageSplit } from "../datasets/dataset.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { Augmenter } from "../datasets/augment.ts";
import { BatchIterator } from "../datasets/batches.ts";
import type { TrainData } from "../methods/train.ts";

/** The first `n` items of a seeded shuffle of `split` (the whole split when n ≥ its size). */
function limit(split: ImageSplit, n: number, rng: Rng): ImageSplit {
  if (!(n > 0) || n >= split.size) return split;
  const order = rng.permutation(split.size).subarray(0, n);
  return subsetView(split, Int32Array.from(order).sort(), `${split.name}[${n}]`);
}

function extraNum(c: CellConfig, key: string): number {
  const v = c.extra[key];
  return typeof v === "number" ? v : 0;
}

/** A cell's images: the dataset as opened, and the cell's train and test splits. */
export interface CellData {
  /** The dataset as opened (full splits). */
  source: Dataset;
  train: ImageSplit;
  test: ImageSplit;
  /**
   * The dataset seen through the cell's splits: `split("train")` / `split("test")` return
   * the cut splits (what evaluation protocols that take a {@link Dataset} should get).
   */
  view: Dataset;
}

/**
 * Opens the images of `config` (data folder `dataDir`, else `$AMCL_DATA`, else the dataset
 * registry's default).
 */
export async function openCellData(config: CellConfig, dataDir?: string): Promise<CellData> {
  const rng = new Rng(config.seed);
  const trainSize = extraNum(config, "trainSize");
  const testSize = extraNum(config, "testSize");
  const source = await openDataset(config.dataset, {
    dataDir: dataDir ?? (Deno.env.get("AMCL_DATA") || undefined),
    ...(config.dataset === "embedded" && trainSize > 0 && testSize > 0
      ? { embeddedSizes: { train: trainSize, test: testSize } }
      : {}),
  });
  const train = limit(await source.split("train"), trainSize, rng.derive("data/train"));
  const test = limit(await source.split("test"), testSize, rng.derive("data/test"));
  const cut: Record<string, ImageSplit> = { train, test };
  const view: Dataset = {
    name: source.name,
    where: source.where,
    splits: { ...source.splits, train: train.size, test: test.size },
    shape: source.shape,
    channels: source.channels,
    classes: source.classes,
    classNames: source.classNames,
    mean: source.mean,
    std: source.std,
    statsSource: source.statsSource,
    split: (name: string) => cut[name] ? Promise.resolve(cut[name]) : source.split(name),
  };
  return { source, train, test, view };
}

/**
 * The training data of a cell: batches of `split` in a seeded order per epoch (the last
 * partial batch dropped: Barlow Twins AMCL needs full batches), and two augmented views of
 * each batch drawn from the step's generator.
 */
export function cellTrainData(config: CellConfig, split: ImageSplit, augmenter: Augmenter): TrainData {
  const dropLast = true;
  const probe = new BatchIterator(split, { batchSize: config.batchSize, dropLast, shuffle: false });
  return {
    stepsPerEpoch: probe.batchesPerEpoch,
    batchSize: config.batchSize,
    *batches(epoch, order) {
      const it = new BatchIterator(split, { batchSize: config.batchSize, dropLast, rng: order, prefetch: 0 });
      for (const b of it.epoch(epoch)) yield b.images;
    },
    views: (
      images,
      r,
    ) => [augmenter.view(images, r.derive("view/1")), augmenter.view(images, r.derive("view/2"))],
  };
}

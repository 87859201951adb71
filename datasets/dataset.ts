/**
 * The one dataset interface every source implements, and the in-memory split type.
 *
 * Storage rule: a split's pixels are one `Uint8Array` (records × H × W × C, HWC order),
 * loaded once and shared by every view of the split (subsets only carry index arrays).
 * Batches are made from it on demand as float32 tensors in [0, 1] (see `batches.ts`).
 *
 * @module
 */
import { UserError } from "../core/errors.ts";

/** Image shape as [height, width, channels]. */
export type ImageShape = [number, number, number];

/**
 * One split held in memory: uint8 pixels in HWC order, shared with every subset view.
 * Item `i` of the split is storage record `records[i]` with label `labels[i]` (-1 = none).
 */
export interface ImageSplit {
  /** Split name: "train", "test", "unlabeled", or a subset's derived name. */
  readonly name: string;
  /** Number of items in this split (or subset view). */
  readonly size: number;
  /** [height, width, channels]. */
  readonly shape: ImageShape;
  /** Shared storage: all records of the underlying split, HWC, row-major. */
  readonly pixels: Uint8Array;
  /** Storage record index of item i. */
  readonly records: Int32Array;
  /** Label of item i (0..classes-1), or -1 for unlabeled images. */
  readonly labels: Int32Array;
}

/** What a dataset is, without loading its pixels. */
export interface DatasetInfo {
  /** Canonical name (e.g. "cifar10", "cifar10-subset", "imagefolder:/data/in100"). */
  readonly name: string;
  /** Where it was found (folder or file), or "generated" for the embedded set. */
  readonly where: string;
  /** Split name → number of images. */
  readonly splits: Readonly<Record<string, number>>;
  /** [height, width, channels] of every image (after resizing, for image folders). */
  readonly shape: ImageShape;
  /** Number of channels (1 or 3). */
  readonly channels: number;
  /** Number of classes. */
  readonly classes: number;
  /** Class names, index = label. */
  readonly classNames: readonly string[];
  /** Per-channel mean of the training images in [0, 1] (used to normalise). */
  readonly mean: readonly number[];
  /** Per-channel standard deviation of the training images in [0, 1]. */
  readonly std: readonly number[];
  /** Where mean/std come from ("computed from train" or a published constant). */
  readonly statsSource: string;
}

/** A dataset: its description plus lazy, cached access to its splits. */
export interface Dataset extends DatasetInfo {
  /**
   * Loads a split into memory (once: later calls return the same object).
   * Throws `UserError` for an unknown split name.
   */
  split(name: string): Promise<ImageSplit>;
}

/** Options every loader understands. */
export interface OpenOptions {
  /** Folder holding downloaded datasets (default "./data"). */
  dataDir?: string;
  /** Output side for image folders (default 32). */
  imageSize?: number;
  /** Seed of the embedded generator (default 0: the same images for every run seed). */
  embeddedSeed?: number;
  /** Embedded split sizes (default train 5000, test 1000). */
  embeddedSizes?: { train: number; test: number };
  /** Called with one-line warnings (e.g. skipped unreadable images); default console.error. */
  warn?: (line: string) => void;
}

/** Makes a full split view over a storage buffer (records = 0..n-1). */
export function fullSplit(
  name: string,
  shape: ImageShape,
  pixels: Uint8Array,
  labels: Int32Array,
): ImageSplit {
  const n = labels.length;
  const records = new Int32Array(n);
  for (let i = 0; i < n; i++) records[i] = i;
  return { name, size: n, shape, pixels, records, labels };
}

/** Per-channel mean and std (population) of a split's pixels, in [0, 1] units. */
export function channelStats(split: ImageSplit): { mean: number[]; std: number[] } {
  const [h, w, c] = split.shape;
  const per = h * w * c;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < split.size; i++) {
    const base = split.records[i] * per;
    for (let p = 0; p < per; p += c) {
      for (let k = 0; k < c; k++) {
        const v = split.pixels[base + p + k];
        sum[k] += v;
        sq[k] += v * v;
      }
    }
  }
  const n = Math.max(1, split.size * h * w);
  const mean: number[] = [];
  const std: number[] = [];
  for (let k = 0; k < c; k++) {
    const m = sum[k] / n;
    mean.push(m / 255);
    std.push(Math.sqrt(Math.max(0, sq[k] / n - m * m)) / 255);
  }
  return { mean, std };
}

/** Counts of each label 0..classes-1 in a split (unlabeled items ignored). */
export function classCounts(split: ImageSplit, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < split.size; i++) {
    const l = split.labels[i];
    if (l >= 0 && l < classes) counts[l]++;
  }
  return counts;
}

/**
 * Builds a `Dataset` from its description and one loader per split; each split is loaded
 * at most once and cached, so the dataset never holds two copies of the same pixels.
 */
export function lazyDataset(
  info: DatasetInfo,
  loaders: Readonly<Record<string, () => Promise<ImageSplit>>>,
): Dataset {
  const cache = new Map<string, Promise<ImageSplit>>();
  return {
    ...info,
    split(name: string): Promise<ImageSplit> {
      const load = loaders[name];
      if (!load) {
        throw new UserError(
          `dataset ${info.name} has no split "${name}"; its splits are ${Object.keys(loaders).join(", ")}`,
        );
      }
      let p = cache.get(name);
      if (!p) {
        p = load();
        cache.set(name, p);
        p.catch(() => cache.delete(name));
      }
      return p;
    },
  };
}

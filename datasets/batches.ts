/**
 * The batch iterator: seeded per-epoch shuffling, optional drop-last, and prefetching.
 *
 * Batches are made from a split's shared uint8 storage as float32 tensors
 * [B, H, W, C] in [0, 1]. The order of epoch e is a permutation drawn from
 * `rng.derive("epoch/" + e)`, so epoch e's order does not depend on how many epochs ran
 * before it (a resumed run sees the same batches). Prefetching builds the next
 * `prefetch` batches' tensors before the current one is handed out, so on GPU backends
 * their upload overlaps the current step. The caller owns (and disposes) each yielded
 * `images` tensor; tensors still queued when the loop stops early are disposed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { ImageSplit } from "./dataset.ts";

/** One batch. */
export interface Batch {
  /** float32 [B, H, W, C] in [0, 1]; the caller disposes it. */
  images: tf.Tensor4D;
  /** Labels of the images (-1 = unlabeled). */
  labels: Int32Array;
  /** Item indices within the split (or subset view). */
  indices: Int32Array;
}

/** Options of {@link BatchIterator}. */
export interface BatchOptions {
  /** Images per batch (≥ 1). */
  batchSize: number;
  /** Shuffle every epoch (default true; needs `rng`). */
  shuffle?: boolean;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
  /** Seeded source of the per-epoch orders (required when shuffling). */
  rng?: Rng;
  /** Batches built ahead of the one being used (default 1; 0 = none). */
  prefetch?: number;
}

/** Fills a float32 [n, H, W, C] buffer in [0, 1] from items of a split. */
export function batchPixels(split: ImageSplit, items: ArrayLike<number>): Float32Array {
  const [h, w, c] = split.shape;
  const per = h * w * c;
  const out = new Float32Array(items.length * per);
  const inv = 1 / 255;
  for (let b = 0; b < items.length; b++) {
    const item = items[b];
    if (item < 0 || item >= split.size) throw new RangeError(`item ${item} outside split of ${split.size}`);
    const src = split.records[item] * per;
    const dst = b * per;
    for (let k = 0; k < per; k++) out[dst + k] = split.pixels[src + k] * inv;
  }
  return out;
}

/** A float32 [n, H, W, C] tensor in [0, 1] of the given items of a split. */
export function batchTensor(split: ImageSplit, items: ArrayLike<number>): tf.Tensor4D {
  const [h, w, c] = split.shape;
  return tf.tensor4d(batchPixels(split, items), [items.length, h, w, c], "float32");
}

/** Seeded, prefetching batches over one split. */
export class BatchIterator {
  readonly split: ImageSplit;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly #rng: Rng | null;

  constructor(split: ImageSplit, opts: BatchOptions) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
      throw new UserError(`batch size must be a whole number ≥ 1, got ${opts.batchSize}`);
    }
    this.split = split;
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle ?? true;
    this.dropLast = opts.dropLast ?? false;
    this.prefetch = Math.max(0, Math.floor(opts.prefetch ?? 1));
    if (this.shuffle && !opts.rng) throw new Error("BatchIterator: shuffling needs an rng");
    this.#rng = opts.rng ?? null;
    if (this.dropLast && split.size < this.batchSize) {
      throw new UserError(
        `split ${split.name} has ${split.size} images, fewer than one batch of ${this.batchSize} with drop-last; ` +
          `lower the batch size`,
      );
    }
  }

  /** Number of batches in one epoch. */
  get batchesPerEpoch(): number {
    return this.dropLast
      ? Math.floor(this.split.size / this.batchSize)
      : Math.ceil(this.split.size / this.batchSize);
  }

  /** The item order of epoch `epoch` (identity when not shuffling). */
  order(epoch: number): Int32Array {
    if (!this.shuffle) {
      const o = new Int32Array(this.split.size);
      for (let i = 0; i < o.length; i++) o[i] = i;
      return o;
    }
    return this.#rng!.derive(`epoch/${epoch}`).permutation(this.split.size);
  }

  /** The item indices of every batch of epoch `epoch`. */
  batchIndices(epoch: number): Int32Array[] {
    const order = this.order(epoch);
    const out: Int32Array[] = [];
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      out.push(order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize)));
    }
    return out;
  }

  #make(indices: Int32Array): Batch {
    const labels = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) labels[i] = this.split.labels[indices[i]];
    return { images: tf.keep(batchTensor(this.split, indices)), labels, indices: indices.slice() };
  }

  /** Yields the batches of epoch `epoch`, building `prefetch` batches ahead. */
  *epoch(epoch: number): Generator<Batch, void, undefined> {
    const all = this.batchIndices(epoch);
    const queue: Batch[] = [];
    let next = 0;
    try {
      while (next < all.length || queue.length > 0) {
        while (next < all.length && queue.length <= this.prefetch) queue.push(this.#make(all[next++]));
        yield queue.shift()!;
      }
    } finally {
      for (const b of queue) b.images.dispose();
    }
  }
}

/**
 * The small interfaces every evaluation protocol works on: images held in memory, a feature
 * function (an encoder run in eval mode), feature matrices, labelled sets, and batched
 * feature extraction.
 *
 * Evaluation never trains: a {@link FeatureFn} is called inside `tf.tidy`, outside any
 * gradient computation, and {@link evalFeatureFn} runs a module-style forward with an
 * eval-mode context so BatchNorm uses (and never updates) its running statistics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../core/errors.ts";
import { type Ctx, ctx as makeCtx, discardUpdates } from "../models/module.ts";

/**
 * Images in memory, NHWC. `uint8` data holds 0..255 pixels and is scaled to [0, 1] when fed to
 * a feature function; `float32` data is fed as it is.
 */
export interface ImageArray {
  data: Uint8Array | Float32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

/** A row-major matrix of features: `n` rows of `dim` float32 values. */
export interface FeatureMatrix {
  data: Float32Array;
  n: number;
  dim: number;
}

/** A labelled set: `x` (images or features) with one class label per row in `y`. */
export interface Labelled<X> {
  x: X;
  y: Int32Array;
  /** Number of classes; defaults to `max(y) + 1` over the sets a protocol sees. */
  numClasses?: number;
}

/** An encoder in eval mode: a batch of NHWC float32 images to one feature row per image. */
export type FeatureFn = (images: tf.Tensor4D) => tf.Tensor2D;

/** Head features of a batch of images: [N, C, D] for C heads (eval mode). */
export type HeadFeatureFn = (images: tf.Tensor4D) => tf.Tensor3D;

/** A module-style forward pass `(x, ctx) => features` (ResNet, ViT, projector chains, …). */
export type ModuleForward = (images: tf.Tensor4D, c: Ctx) => tf.Tensor;

/**
 * Wraps a module-style forward as a {@link FeatureFn}: eval-mode context (BatchNorm running
 * statistics, no updates recorded), output flattened to [N, D].
 */
export function evalFeatureFn(forward: ModuleForward): FeatureFn {
  return (images) => {
    const c = makeCtx(false);
    try {
      const y = forward(images, c);
      return (y.rank === 2 ? y : tf.reshape(y, [y.shape[0], -1])) as tf.Tensor2D;
    } finally {
      discardUpdates(c);
    }
  };
}

/** The raw-pixel features (the sanity baseline): each image flattened to one row. */
export const pixelFeatures: FeatureFn = (images) => tf.reshape(images, [images.shape[0], -1]) as tf.Tensor2D;

/** Rows `start..end` of `images` as a float32 NHWC tensor (uint8 scaled to [0, 1]). */
export function imageBatch(images: ImageArray, start: number, end: number): tf.Tensor4D {
  const per = images.height * images.width * images.channels;
  const slice = images.data.subarray(start * per, end * per);
  const shape: [number, number, number, number] = [end - start, images.height, images.width, images.channels];
  if (slice instanceof Float32Array) return tf.tensor4d(slice, shape, "float32");
  const f = new Float32Array(slice.length);
  for (let i = 0; i < slice.length; i++) f[i] = slice[i] / 255;
  return tf.tensor4d(f, shape, "float32");
}

/** Rows `indices` of `images` as a new {@link ImageArray} (same element type). */
export function selectImages(images: ImageArray, indices: ArrayLike<number>): ImageArray {
  const per = images.height * images.width * images.channels;
  const data = images.data instanceof Uint8Array
    ? new Uint8Array(indices.length * per)
    : new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    data.set(images.data.subarray(j * per, (j + 1) * per), i * per);
  }
  return { data, n: indices.length, height: images.height, width: images.width, channels: images.channels };
}

/** Options of {@link extractFeatures}. */
export interface ExtractOptions {
  /** Images per forward pass (default 256). */
  batchSize?: number;
  /** Called after each batch with the number of images done (progress display). */
  onBatch?: (done: number, total: number) => void;
}

/**
 * Runs `fn` over every image of `images` in batches (each batch in `tf.tidy`, no gradients)
 * and returns the features as one float32 matrix.
 */
export function extractFeatures(fn: FeatureFn, images: ImageArray, opts: ExtractOptions = {}): FeatureMatrix {
  const batch = opts.batchSize ?? 256;
  check(Number.isInteger(batch) && batch > 0, `batch size must be a positive integer, got ${batch}`);
  check(images.n > 0, "cannot extract features of an empty image set; pass a split with images");
  let out: Float32Array | null = null;
  let dim = 0;
  for (let start = 0; start < images.n; start += batch) {
    const end = Math.min(images.n, start + batch);
    const rows = tf.tidy(() => {
      const y = fn(imageBatch(images, start, end));
      if (y.rank !== 2 || y.shape[0] !== end - start) {
        throw new Error(
          `feature function returned shape [${y.shape}] for ${end - start} images; want [N, D]`,
        );
      }
      return y.dataSync() as Float32Array;
    });
    if (out === null) {
      dim = rows.length / (end - start);
      out = new Float32Array(images.n * dim);
    }
    out.set(rows, start * dim);
    opts.onBatch?.(end, images.n);
  }
  return { data: out!, n: images.n, dim };
}

/**
 * Runs `fn` over `images` in batches and returns one feature matrix per head (the input of
 * the collapse indicators).
 */
export function extractHeadFeatures(
  fn: HeadFeatureFn,
  images: ImageArray,
  opts: ExtractOptions = {},
): FeatureMatrix[] {
  const batch = opts.batchSize ?? 256;
  check(Number.isInteger(batch) && batch > 0, `batch size must be a positive integer, got ${batch}`);
  check(images.n > 0, "cannot extract features of an empty image set; pass a split with images");
  let out: FeatureMatrix[] = [];
  for (let start = 0; start < images.n; start += batch) {
    const end = Math.min(images.n, start + batch);
    const { rows, heads, dim } = tf.tidy(() => {
      const y = fn(imageBatch(images, start, end));
      if (y.rank !== 3 || y.shape[0] !== end - start) {
        throw new Error(
          `head feature function returned shape [${y.shape}] for ${end - start} images; want [N, C, D]`,
        );
      }
      // [N, C, D] → [C, N, D] so each head's rows are contiguous.
      return {
        rows: tf.transpose(y, [1, 0, 2]).dataSync() as Float32Array,
        heads: y.shape[1],
        dim: y.shape[2],
      };
    });
    if (start === 0) {
      out = Array.from(
        { length: heads },
        () => ({ data: new Float32Array(images.n * dim), n: images.n, dim }),
      );
    }
    const n = end - start;
    for (let h = 0; h < heads; h++) {
      out[h].data.set(rows.subarray(h * n * dim, (h + 1) * n * dim), start * dim);
    }
    opts.onBatch?.(end, images.n);
  }
  return out;
}

/** Wraps a Float32Array with its shape as a {@link FeatureMatrix}, checking the size. */
export function featureMatrix(data: Float32Array, n: number, dim: number): FeatureMatrix {
  check(data.length === n * dim, `feature data has ${data.length} values, not ${n} × ${dim}`);
  return { data, n, dim };
}

/** Rows `indices` of a feature matrix. */
export function selectRows(m: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const out = new Float32Array(indices.length * m.dim);
  for (let i = 0; i < indices.length; i++) {
    out.set(m.data.subarray(indices[i] * m.dim, (indices[i] + 1) * m.dim), i * m.dim);
  }
  return { data: out, n: indices.length, dim: m.dim };
}

/**
 * Checks a labelled feature set: labels present, one per row, integer classes in range.
 * `what` names the set in the error ("train", "test", …).
 */
export function checkLabelled(set: Labelled<FeatureMatrix | ImageArray>, what: string): void {
  check(
    set.y !== undefined && set.y !== null && set.y.length > 0,
    `the ${what} set has no labels; this protocol needs a labelled split (pick a dataset with labels)`,
  );
  check(
    set.y.length === set.x.n,
    `the ${what} set has ${set.x.n} rows but ${set.y.length} labels; pass one label per row`,
  );
  for (let i = 0; i < set.y.length; i++) {
    const v = set.y[i];
    if (!(v >= 0) || (set.numClasses !== undefined && v >= set.numClasses)) {
      check(false, `the ${what} set has label ${v} at row ${i}; labels must be 0..numClasses-1`);
    }
  }
}

/** The number of classes of labelled sets: the declared one, else `max(y) + 1`. */
export function numClassesOf(...sets: Array<Labelled<unknown>>): number {
  let declared = 0;
  let seen = 0;
  for (const s of sets) {
    declared = Math.max(declared, s.numClasses ?? 0);
    for (let i = 0; i < s.y.length; i++) if (s.y[i] + 1 > seen) seen = s.y[i] + 1;
  }
  return Math.max(declared, seen);
}

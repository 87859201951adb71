/**
 * Random patch masks (MAE / CAN): each sample keeps a random subset of its patches.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";

/** One batch's masks. Free with {@link disposeMask}. */
export interface PatchMask {
  /** int32 [N, L_keep]: visible patch indices per sample, ascending. */
  keep: tf.Tensor2D;
  /** int32 [N, L − L_keep]: masked patch indices per sample, ascending. */
  masked: tf.Tensor2D;
  /** float32 [N, L]: 1 where the patch is masked, 0 where it is visible. */
  mask: tf.Tensor2D;
  /** Number of visible patches per sample. */
  numKeep: number;
}

/** The number of patches kept out of `numPatches` at `ratio` (MAE: ⌊L·(1 − ratio)⌋). */
export function keptCount(numPatches: number, ratio: number): number {
  return Math.floor(numPatches * (1 - ratio) + 1e-9);
}

/**
 * Draws one independent random mask per sample from `rng`: exactly
 * {@link keptCount}(numPatches, ratio) patches are visible in every sample.
 *
 * @param ratio fraction masked, in [0, 1); at least one patch stays visible
 */
export function randomMasks(rng: Rng, batch: number, numPatches: number, ratio: number): PatchMask {
  check(
    Number.isFinite(ratio) && ratio >= 0 && ratio < 1,
    `mask ratio ${ratio} must be in [0, 1); e.g. 0.5 or 0.75`,
  );
  const numKeep = keptCount(numPatches, ratio);
  check(
    numKeep >= 1,
    `mask ratio ${ratio} leaves no visible patch of ${numPatches}; lower the ratio or use more patches`,
  );
  const nMask = numPatches - numKeep;
  const keep = new Int32Array(batch * numKeep);
  const masked = new Int32Array(batch * nMask);
  const mask = new Float32Array(batch * numPatches);
  for (let n = 0; n < batch; n++) {
    const perm = rng.permutation(numPatches);
    const k = perm.slice(0, numKeep).sort();
    const m = perm.slice(numKeep).sort();
    keep.set(k, n * numKeep);
    masked.set(m, n * nMask);
    for (const i of m) mask[n * numPatches + i] = 1;
  }
  return {
    keep: tf.tensor2d(keep, [batch, numKeep], "int32"),
    masked: tf.tensor2d(masked, [batch, nMask], "int32"),
    mask: tf.tensor2d(mask, [batch, numPatches], "float32"),
    numKeep,
  };
}

/** Frees a mask's tensors. */
export function disposeMask(m: PatchMask): void {
  m.keep.dispose();
  m.masked.dispose();
  m.mask.dispose();
}

/**
 * Deterministic subsets of a split (label efficiency, fixed fractions). A subset is a
 * view: it shares the split's pixel storage and carries only its own index and label
 * arrays, so no image is copied.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { ImageSplit } from "./dataset.ts";

/** A view of `split` holding items `items` (indices into the split), in that order. */
export function subsetView(split: ImageSplit, items: ArrayLike<number>, name: string): ImageSplit {
  const records = new Int32Array(items.length);
  const labels = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it < 0 || it >= split.size) throw new RangeError(`item ${it} outside split of ${split.size}`);
    records[i] = split.records[it];
    labels[i] = split.labels[it];
  }
  return { name, size: items.length, shape: split.shape, pixels: split.pixels, records, labels };
}

/** Items of each class 0..classes-1, in split order. */
function byClass(split: ImageSplit, classes: number): number[][] {
  const out: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < split.size; i++) {
    const l = split.labels[i];
    if (l >= 0 && l < classes) out[l].push(i);
  }
  return out;
}

/**
 * `n` images of every class, chosen by a seeded shuffle within each class (the same
 * seed always gives the same images); items kept in split order. Fails when a class has
 * fewer than `n` images.
 */
export function subsetPerClass(split: ImageSplit, n: number, classes: number, rng: Rng): ImageSplit {
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`images per class must be a whole number ≥ 1, got ${n}`);
  }
  const groups = byClass(split, classes);
  const chosen: number[] = [];
  for (let c = 0; c < classes; c++) {
    if (groups[c].length < n) {
      throw new UserError(
        `${split.name}: class ${c} has ${groups[c].length} images, fewer than the ${n} per class asked for`,
      );
    }
    const g = Int32Array.from(groups[c]);
    rng.derive(`class/${c}`).shuffle(g);
    for (let k = 0; k < n; k++) chosen.push(g[k]);
  }
  chosen.sort((a, b) => a - b);
  return subsetView(split, chosen, `${split.name}[${n}/class]`);
}

/**
 * A fixed fraction of the split, stratified: round(fraction × count) images of each
 * class (at least one for a non-empty class), chosen by a seeded shuffle within the
 * class; unlabeled items are sampled as their own group. Items kept in split order.
 */
export function subsetFraction(split: ImageSplit, fraction: number, classes: number, rng: Rng): ImageSplit {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new UserError(`subset fraction must be in (0, 1], got ${fraction}`);
  }
  const groups = byClass(split, classes);
  const unlabeled: number[] = [];
  for (let i = 0; i < split.size; i++) {
    if (!(split.labels[i] >= 0 && split.labels[i] < classes)) unlabeled.push(i);
  }
  groups.push(unlabeled);
  const chosen: number[] = [];
  groups.forEach((items, c) => {
    if (items.length === 0) return;
    const take = Math.max(1, Math.round(fraction * items.length));
    const g = Int32Array.from(items);
    rng.derive(`class/${c}`).shuffle(g);
    for (let k = 0; k < take; k++) chosen.push(g[k]);
  });
  chosen.sort((a, b) => a - b);
  return subsetView(split, chosen, `${split.name}[${fraction}]`);
}

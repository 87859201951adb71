/**
 * A picture of what the augmentations do: a grid where each row is one image of the
 * dataset followed by several augmented views of it (before normalisation), enlarged
 * with nearest-neighbour scaling and separated by thin gaps, as a PNG.
 *
 * @module
 */
import { Rng } from "../core/random.ts";
import type { Dataset } from "./dataset.ts";
import { Augmenter } from "./augment.ts";
import { batchTensor } from "./batches.ts";
import { encodePng } from "./png.ts";

/** Options of {@link previewPng}. */
export interface PreviewOptions {
  /** Augmentation set (default "default"). */
  augs?: string;
  /** Images (rows), default 8. */
  rows?: number;
  /** Augmented views per image, default 6. */
  views?: number;
  /** Seed of the image choice and the views, default 0. */
  seed?: number;
  /** Split to take images from (default "train"). */
  split?: string;
  /** Enlargement factor (default: so that a cell is at least 64 px). */
  scale?: number;
}

/** The PNG bytes of a preview grid, with its size and the augmenter's note. */
export interface Preview {
  png: Uint8Array;
  width: number;
  height: number;
  /** Dataset items shown, one per row. */
  items: number[];
  note: string | null;
}

/** Builds the preview grid of a dataset (needs a started tfjs backend). */
export async function previewPng(ds: Dataset, opts: PreviewOptions = {}): Promise<Preview> {
  const rows = opts.rows ?? 8;
  const views = opts.views ?? 6;
  const rng = new Rng(opts.seed ?? 0);
  const split = await ds.split(opts.split ?? (ds.splits.train ? "train" : Object.keys(ds.splits)[0]));
  const aug = new Augmenter(opts.augs ?? "default", ds);
  const [h, w, c] = split.shape;
  const scale = opts.scale ?? Math.max(1, Math.ceil(64 / Math.max(h, w)));
  const n = Math.min(rows, split.size);
  const items = Array.from(rng.derive("items").permutation(split.size).subarray(0, n)).sort((a, b) => a - b);
  const gap = 2;
  const cw = w * scale, ch = h * scale;
  const width = (views + 1) * cw + views * gap + gap * 2; // an extra gap after the original
  const height = n * ch + (n - 1) * gap;
  const out = new Uint8Array(width * height * c).fill(255);
  const originals = batchTensor(split, items);
  try {
    const cols: Float32Array[] = [await originals.data() as Float32Array];
    for (let v = 0; v < views; v++) {
      const view = aug.applyParams(originals, aug.sample(n, rng.derive(`view/${v}`)));
      cols.push(await view.data() as Float32Array);
      view.dispose();
    }
    for (let r = 0; r < n; r++) {
      for (let col = 0; col < cols.length; col++) {
        const x0 = col * (cw + gap) + (col > 0 ? gap * 2 : 0);
        const y0 = r * (ch + gap);
        const src = cols[col];
        for (let y = 0; y < ch; y++) {
          for (let x = 0; x < cw; x++) {
            const s = ((r * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
            const d = ((y0 + y) * width + x0 + x) * c;
            for (let k = 0; k < c; k++) out[d + k] = Math.round(Math.min(1, Math.max(0, src[s + k])) * 255);
          }
        }
      }
    }
  } finally {
    originals.dispose();
  }
  return { png: encodePng(out, width, height, c === 1 ? 1 : 3), width, height, items, note: aug.note };
}

/**
 * The embedded default dataset: coloured 32×32 images generated on the fly, deterministic
 * by seed, no download — what `deno task bench` uses out of the box.
 *
 * How it is made. Ten classes, told apart by shape, texture or layout, never by colour:
 *
 * | label | class | what is drawn |
 * |---|---|---|
 * | 0 | disc | a filled circle, radius 6–11 px |
 * | 1 | ring | an annulus, radius 7–12 px, stroke 2–3.5 px |
 * | 2 | square | a square, half-side 5–9 px, any rotation |
 * | 3 | triangle | an equilateral triangle, circumradius 7–12 px, any rotation |
 * | 4 | cross | a plus sign, arms 7–12 px, width 2–3.5 px, any rotation |
 * | 5 | h-stripes | a full-image grating within ±20° of horizontal, period 4–8 px |
 * | 6 | v-stripes | the same within ±20° of vertical |
 * | 7 | checker | a checkerboard, cells 3–6 px, any rotation and offset |
 * | 8 | dots | a lattice of dots, spacing 6–9 px, any rotation and offset |
 * | 9 | pair | two small discs (radius 3.5–5.5 px) 10–18 px apart, any direction |
 *
 * Every image: a background of a random colour with a random linear gradient, the class
 * pattern in a random foreground colour (at least 0.3 apart in luma from the background,
 * so the pattern survives grayscale and colour jitter), 0–3 faint random blobs as
 * clutter, and per-pixel noise (±0.05). Shapes sit at a random position; edges are
 * anti-aliased from signed distances. Horizontal flips map every class to itself (no
 * class depends on handedness), and crops keep textures; small crops of shape classes
 * may lose the object, as with real photographs. Because colours, positions, phases and
 * rotations are random, nearby pixels carry little class information: raw-pixel kNN
 * is weak while a learned, translation-tolerant encoder can separate the classes.
 *
 * Labels are balanced (item i has label i mod 10 before a seeded shuffle). Split s of
 * seed k is generated from `new Rng(k).derive("embedded/" + s)`, so the same seed always
 * gives the same pixels. The default seed is 0 for every run seed, so runs with different
 * seeds train and evaluate on the same images.
 *
 * @module
 */
import { Rng } from "../core/random.ts";
import { UserError } from "../core/errors.ts";
import {
  channelStats,
  type Dataset,
  fullSplit,
  type ImageShape,
  type ImageSplit,
  lazyDataset,
} from "./dataset.ts";

/** Class names of the embedded dataset (label order). */
export const EMBEDDED_CLASSES = [
  "disc",
  "ring",
  "square",
  "triangle",
  "cross",
  "h-stripes",
  "v-stripes",
  "checker",
  "dots",
  "pair",
] as const;

/** Side of the embedded images. */
export const EMBEDDED_SIDE = 32;

/** Default split sizes. */
export const EMBEDDED_SIZES = { train: 5000, test: 1000 } as const;

const S = EMBEDDED_SIDE;
const K = EMBEDDED_CLASSES.length;

/** Coverage in [0,1] of a pixel from its signed distance (px; negative = inside). */
function cover(d: number): number {
  const v = 0.5 - d;
  return v <= 0 ? 0 : v >= 1 ? 1 : v;
}

function luma(c: number[]): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

/** Random foreground/background colours at least 0.3 apart in luma. */
function colours(rng: Rng): [number[], number[]] {
  for (;;) {
    const fg = [rng.uniform(), rng.uniform(), rng.uniform()];
    const bg = [rng.uniform(), rng.uniform(), rng.uniform()];
    if (Math.abs(luma(fg) - luma(bg)) >= 0.3) return [fg, bg];
  }
}

/** A signed-distance function of pixel centre (x, y) for one drawn class instance. */
type Sdf = (x: number, y: number) => number;

/** Draws the random parameters of class `label` and returns its distance field. */
function classField(label: number, rng: Rng): Sdf {
  const th = rng.range(0, 2 * Math.PI);
  const cs = Math.cos(th), sn = Math.sin(th);
  const centre = (margin: number): [number, number] => [
    rng.range(margin, S - margin),
    rng.range(margin, S - margin),
  ];
  switch (label) {
    case 0: {
      const r = rng.range(6, 11);
      const [cx, cy] = centre(r * 0.8);
      return (x, y) => Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - r;
    }
    case 1: {
      const r = rng.range(7, 12);
      const t = rng.range(2, 3.5);
      const [cx, cy] = centre(r * 0.8);
      return (x, y) => Math.abs(Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - r) - t / 2;
    }
    case 2: {
      const s = rng.range(5, 9);
      const [cx, cy] = centre(s * 1.1);
      return (x, y) => {
        const qx = (x - cx) * cs + (y - cy) * sn;
        const qy = -(x - cx) * sn + (y - cy) * cs;
        return Math.max(Math.abs(qx), Math.abs(qy)) - s;
      };
    }
    case 3: {
      const r = rng.range(7, 12);
      const [cx, cy] = centre(r * 0.8);
      const n = [0, 1, 2].map((
        k,
      ) => [Math.cos(th + k * 2 * Math.PI / 3), Math.sin(th + k * 2 * Math.PI / 3)]);
      return (x, y) => {
        const dx = x - cx, dy = y - cy;
        return Math.max(
          dx * n[0][0] + dy * n[0][1],
          dx * n[1][0] + dy * n[1][1],
          dx * n[2][0] + dy * n[2][1],
        ) -
          r / 2;
      };
    }
    case 4: {
      const l = rng.range(7, 12);
      const w = rng.range(2, 3.5) / 2;
      const [cx, cy] = centre(l * 0.8);
      return (x, y) => {
        const qx = Math.abs((x - cx) * cs + (y - cy) * sn);
        const qy = Math.abs(-(x - cx) * sn + (y - cy) * cs);
        return Math.min(Math.max(qx - l, qy - w), Math.max(qy - l, qx - w));
      };
    }
    case 5:
    case 6: {
      // Stripes: the normal points across the bands; horizontal bands have a vertical normal.
      const a = (label === 5 ? Math.PI / 2 : 0) + rng.range(-1, 1) * (20 * Math.PI / 180);
      const p = rng.range(4, 8);
      const ph = rng.range(0, p);
      const nx = Math.cos(a), ny = Math.sin(a);
      return (x, y) => {
        const u = x * nx + y * ny + ph;
        const f = ((u % p) + p) % p;
        return Math.abs(f - p / 2) - p / 4;
      };
    }
    case 7: {
      const s = rng.range(3, 6);
      const ox = rng.range(0, 2 * s), oy = rng.range(0, 2 * s);
      return (x, y) => {
        const qx = (x * cs + y * sn + ox) / s;
        const qy = (-x * sn + y * cs + oy) / s;
        const dx = Math.abs(qx - Math.round(qx)) * s;
        const dy = Math.abs(qy - Math.round(qy)) * s;
        const edge = Math.min(dx, dy);
        const inside = ((Math.floor(qx) + Math.floor(qy)) & 1) === 0;
        return inside ? -edge : edge;
      };
    }
    case 8: {
      const sp = rng.range(6, 9);
      const rad = sp * rng.range(0.22, 0.32);
      const ox = rng.range(0, sp), oy = rng.range(0, sp);
      return (x, y) => {
        const qx = x * cs + y * sn + ox;
        const qy = -x * sn + y * cs + oy;
        const dx = ((qx % sp) + sp) % sp - sp / 2;
        const dy = ((qy % sp) + sp) % sp - sp / 2;
        return Math.sqrt(dx * dx + dy * dy) - rad;
      };
    }
    case 9: {
      const r = rng.range(3.5, 5.5);
      const d = rng.range(10, 18) / 2;
      const m = d + r * 0.6;
      const mx = Math.max(m * Math.abs(cs), r), my = Math.max(m * Math.abs(sn), r);
      const cx = rng.range(mx, S - mx), cy = rng.range(my, S - my);
      const ax = cx + d * cs, ay = cy + d * sn, bx = cx - d * cs, by = cy - d * sn;
      return (x, y) =>
        Math.min(
          Math.sqrt((x - ax) * (x - ax) + (y - ay) * (y - ay)),
          Math.sqrt((x - bx) * (x - bx) + (y - by) * (y - by)),
        ) - r;
    }
  }
  throw new Error(`embedded: no class ${label}`);
}

/** Renders one image of class `label` into `out` at byte offset `at` (HWC, 3 channels). */
function renderImage(label: number, rng: Rng, out: Uint8Array, at: number): void {
  const [fg, bg] = colours(rng);
  // Background gradient: bg at one side, bg shifted by up to ±0.15 per channel at the other.
  const ga = rng.range(0, 2 * Math.PI);
  const gx = Math.cos(ga) / S, gy = Math.sin(ga) / S;
  const shift = [rng.range(-0.15, 0.15), rng.range(-0.15, 0.15), rng.range(-0.15, 0.15)];
  const field = classField(label, rng);
  const blobs: number[][] = [];
  const nb = rng.int(4);
  for (let b = 0; b < nb; b++) {
    blobs.push([
      rng.range(0, S),
      rng.range(0, S),
      rng.range(1.5, 3),
      rng.range(0.2, 0.4),
      ...colours(rng)[0],
    ]);
  }
  // Per-pixel noise from a xorshift32 stream seeded by the image's Rng (fast, deterministic).
  let ns = rng.nextU32() | 1;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const px = x + 0.5, py = y + 0.5;
      const g = (px - S / 2) * gx + (py - S / 2) * gy + 0.5;
      let r = bg[0] + shift[0] * g, gg = bg[1] + shift[1] * g, b = bg[2] + shift[2] * g;
      for (let k = 0; k < blobs.length; k++) {
        const bl = blobs[k];
        const dx = px - bl[0], dy = py - bl[1];
        if (Math.abs(dx) > bl[2] + 1 || Math.abs(dy) > bl[2] + 1) continue;
        const a = cover(Math.sqrt(dx * dx + dy * dy) - bl[2]) * bl[3];
        r += (bl[4] - r) * a;
        gg += (bl[5] - gg) * a;
        b += (bl[6] - b) * a;
      }
      const a = cover(field(px, py));
      r += (fg[0] - r) * a;
      gg += (fg[1] - gg) * a;
      b += (fg[2] - b) * a;
      ns ^= ns << 13;
      ns ^= ns >>> 17;
      ns ^= ns << 5;
      const n = ((ns >>> 0) / 4294967296 - 0.5) * 0.1;
      const o = at + (y * S + x) * 3;
      out[o] = toByte(r + n);
      out[o + 1] = toByte(gg + n);
      out[o + 2] = toByte(b + n);
    }
  }
}

function toByte(v: number): number {
  const q = Math.round(v * 255);
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

/** Generates `size` images of the embedded dataset for split `split` of `seed`. */
export function generateEmbedded(size: number, seed: number, split: string): ImageSplit {
  if (!Number.isInteger(size) || size < 0) {
    throw new UserError(`embedded: split size must be a whole number ≥ 0, got ${size}`);
  }
  const rng = new Rng(seed).derive(`embedded/${split}`);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) labels[i] = i % K;
  rng.shuffle(labels);
  const shape: ImageShape = [S, S, 3];
  const pixels = new Uint8Array(size * S * S * 3);
  for (let i = 0; i < size; i++) renderImage(labels[i], rng, pixels, i * S * S * 3);
  return fullSplit(split, shape, pixels, labels);
}

/** Opens the embedded dataset (train is generated now for its mean/std; test on first use). */
export function openEmbedded(
  opts: { seed?: number; sizes?: { train: number; test: number } } = {},
): Dataset {
  const seed = opts.seed ?? 0;
  const sizes = opts.sizes ?? EMBEDDED_SIZES;
  const train = generateEmbedded(sizes.train, seed, "train");
  const { mean, std } = channelStats(train);
  return lazyDataset({
    name: "embedded",
    where: `generated (seed ${seed})`,
    splits: { train: sizes.train, test: sizes.test },
    shape: [S, S, 3],
    channels: 3,
    classes: K,
    classNames: [...EMBEDDED_CLASSES],
    mean,
    std,
    statsSource: "computed from train",
  }, {
    train: () => Promise.resolve(train),
    test: () => Promise.resolve(generateEmbedded(sizes.test, seed, "test")),
  });
}

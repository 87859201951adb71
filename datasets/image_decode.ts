/**
 * Decoding JPEG/PNG files (pure-JS npm packages `jpeg-js` and `pngjs`) and resizing them
 * to a square of the configured side: scale the shorter side to `size`, then take the
 * centre square (torchvision's `Resize(size)` + `CenterCrop(size)`). Downscaling averages
 * every source pixel under an output pixel (box filter, no aliasing); upscaling is
 * bilinear. Alpha is ignored; grey images become three equal channels.
 *
 * @module
 */
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { Buffer } from "node:buffer";

/** A decoded RGBA image. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** True when the bytes start like a PNG / JPEG file. */
export function sniffImage(bytes: Uint8Array): "png" | "jpeg" | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return "png";
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return null;
}

/** Decodes a JPEG or PNG file's bytes to RGBA; throws (a plain Error) when it cannot. */
export function decodeImage(bytes: Uint8Array): Rgba {
  const kind = sniffImage(bytes);
  if (kind === "jpeg") {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: img.width, height: img.height, data: img.data };
  }
  if (kind === "png") {
    const img = (PNG as unknown as { sync: { read(b: Buffer): Rgba } }).sync.read(Buffer.from(bytes));
    return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
  }
  throw new Error("not a JPEG or PNG file");
}

/** Source taps of one output index: first source index and its weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

/**
 * 1-D resampling taps mapping `len` source samples starting at `offset` (may be
 * fractional) onto `out` samples: box filter when shrinking, linear when enlarging.
 */
function taps(srcLen: number, offset: number, len: number, out: number): Taps {
  const scale = len / out;
  const support = scale >= 1 ? scale / 2 : 1;
  const stride = Math.ceil(support * 2) + 2;
  const start = new Int32Array(out);
  const count = new Int32Array(out);
  const weights = new Float32Array(out * stride);
  for (let o = 0; o < out; o++) {
    const centre = offset + (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(srcLen - 1, Math.ceil(centre + support));
    let total = 0;
    let n = 0;
    for (let s = lo; s <= hi && n < stride; s++) {
      let w: number;
      if (scale >= 1) {
        // Overlap of source pixel [s, s+1) with the output footprint.
        w = Math.max(0, Math.min(s + 1, centre + support) - Math.max(s, centre - support));
      } else {
        w = Math.max(0, 1 - Math.abs(s + 0.5 - centre));
      }
      weights[o * stride + n] = w;
      total += w;
      n++;
    }
    if (total <= 0) {
      // Clamp at the border: take the nearest source sample.
      weights[o * stride] = 1;
      start[o] = Math.min(srcLen - 1, Math.max(0, Math.floor(centre)));
      count[o] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[o * stride + k] /= total;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, stride };
}

/**
 * Resizes RGBA to a `size`×`size` RGB (or 1-channel grey) image written into `dst` at
 * byte offset `at` (HWC): shorter side to `size`, centre square.
 */
export function resizeCentreSquare(img: Rgba, size: number, dst: Uint8Array, at: number, channels = 3): void {
  const side = Math.min(img.width, img.height);
  const ox = (img.width - side) / 2;
  const oy = (img.height - side) / 2;
  const tx = taps(img.width, ox, side, size);
  const ty = taps(img.height, oy, side, size);
  // Horizontal pass: rows of the source → size columns (float RGB).
  const rows = new Float32Array(img.height * size * 3);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < tx.count[x]; k++) {
        const w = tx.weights[x * tx.stride + k];
        const s = (y * img.width + tx.start[x] + k) * 4;
        r += w * img.data[s];
        g += w * img.data[s + 1];
        b += w * img.data[s + 2];
      }
      const o = (y * size + x) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < ty.count[y]; k++) {
        const w = ty.weights[y * ty.stride + k];
        const s = ((ty.start[y] + k) * size + x) * 3;
        r += w * rows[s];
        g += w * rows[s + 1];
        b += w * rows[s + 2];
      }
      const o = at + (y * size + x) * channels;
      if (channels === 1) {
        dst[o] = clampByte(0.299 * r + 0.587 * g + 0.114 * b);
      } else {
        dst[o] = clampByte(r);
        dst[o + 1] = clampByte(g);
        dst[o + 2] = clampByte(b);
      }
    }
  }
}

function clampByte(v: number): number {
  const q = Math.round(v);
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

/**
 * Writing PNG files (8-bit RGB or grey, no interlace) through the `pngjs` package, which
 * also reads them (datasets/image_decode.ts).
 *
 * @module
 */
import { PNG } from "pngjs";
import { Buffer } from "node:buffer";

/** The part of pngjs' synchronous writer used here (the package ships no types). */
interface PngSyncWriter {
  sync: {
    write(
      image: { width: number; height: number; data: Buffer },
      options: { colorType: 0 | 2; inputColorType: 0 | 2; inputHasAlpha: false },
    ): Buffer;
  };
}

/**
 * Encodes `pixels` (height × width × channels bytes, row-major, channels 1 = grey or
 * 3 = RGB) as a PNG file of the same colour type.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  if (pixels.length !== width * height * channels) {
    throw new Error(`encodePng: ${pixels.length} bytes for ${width}×${height}×${channels}`);
  }
  const colorType = channels === 3 ? 2 : 0; // truecolour or greyscale
  const png = (PNG as unknown as PngSyncWriter).sync.write(
    { width, height, data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength) },
    { colorType, inputColorType: colorType, inputHasAlpha: false },
  );
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

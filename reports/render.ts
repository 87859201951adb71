/**
 * Headless rendering: a Vega-Lite spec is compiled with `vega-lite`, run in a vega View
 * with renderer "none" and written with `view.toSVG()`; the SVG becomes a PNG through
 * resvg compiled to WebAssembly (`@resvg/resvg-wasm`) with the DejaVu Sans font loaded
 * explicitly (Debian fonts-dejavu-core). The WebAssembly build rather than the Node-API
 * addon: Deno 2.9's test runner can run an addon object's finalizer twice at teardown (a
 * double free that aborted a test process after every test had passed); the wasm objects
 * are freed here, explicitly.
 *
 * @module
 */

import * as vega from "vega";
import * as vl from "vega-lite";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { createRequire } from "node:module";
import { UserError } from "../core/errors.ts";

/** A Vega-Lite spec as plain JSON (kept loose: builders assemble it from data). */
export type VlSpec = Record<string, unknown>;

/** A figure of the report. */
export interface Figure {
  kind: "figure";
  /** Artefact id, e.g. "F8" (a preset suffix makes it unique in a report). */
  id: string;
  title: string;
  /** What is plotted: metric, seeds, bands, reference values. */
  caption: string;
  /** The Vega-Lite spec, data inline. */
  spec: VlSpec;
  notes: string[];
}

/** The font every figure uses, in SVG and PNG. */
export const FONT_FAMILY = "DejaVu Sans";

/** Where Debian's fonts-dejavu-core puts the font. */
export const DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu";

/** Shared Vega-Lite config: font, white background, readable sizes. */
export const BASE_CONFIG = {
  font: FONT_FAMILY,
  background: "white",
  view: { stroke: "#ccc" },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  title: { fontSize: 14, anchor: "start" },
};

/** Compiles a Vega-Lite spec to a Vega spec (throws on an invalid spec). */
export function compileSpec(spec: VlSpec): vega.Spec {
  return vl.compile(spec as unknown as vl.TopLevelSpec).spec;
}

/** Renders a Vega-Lite spec to an SVG string, headlessly. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A rendered PNG and its pixel size. */
export interface Png {
  png: Uint8Array;
  width: number;
  height: number;
}

/** Width and height attributes of an SVG's root element (CSS px). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const w = /\swidth="([\d.]+)"/.exec(root);
  const h = /\sheight="([\d.]+)"/.exec(root);
  if (!w || !h) throw new Error("svgSize: the SVG root has no width/height");
  return { width: Number(w[1]), height: Number(h[1]) };
}

const fontCache = new Map<string, Uint8Array[]>();

/** The DejaVu Sans faces found in `dir`, read once per directory. */
function fontBuffers(dir: string): Uint8Array[] {
  let fonts = fontCache.get(dir);
  if (fonts) return fonts;
  const names = [
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
  ];
  fonts = [];
  for (const n of names) {
    try {
      fonts.push(Deno.readFileSync(`${dir}/${n}`));
    } catch (e) {
      if (n === names[0]) {
        throw new UserError(
          `font ${dir}/${n} not found (${
            (e as Error).message
          }); install it (apt-get install fonts-dejavu-core) or pass fontDir`,
        );
      }
      /* the other faces are optional */
    }
  }
  fontCache.set(dir, fonts);
  return fonts;
}

let resvgReady: Promise<void> | null = null;

/** Instantiates resvg's WebAssembly module once per process (read from its npm package). */
function initResvg(): Promise<void> {
  resvgReady ??= (async () => {
    const file = createRequire(import.meta.url).resolve("@resvg/resvg-wasm/index_bg.wasm");
    await initWasm(await Deno.readFile(file));
  })();
  return resvgReady;
}

/** Rasterises an SVG at `scale` × its size with DejaVu Sans as every font. */
export async function svgToPng(svg: string, opts: { scale?: number; fontDir?: string } = {}): Promise<Png> {
  const scale = opts.scale ?? 2;
  const fonts = fontBuffers(opts.fontDir ?? DEFAULT_FONT_DIR);
  await initResvg();
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { fontBuffers: fonts, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  try {
    const img = r.render();
    try {
      return { png: img.asPng(), width: img.width, height: img.height };
    } finally {
      img.free();
    }
  } finally {
    r.free();
  }
}

/** Reads width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) throw new Error("pngSize: not a PNG");
  const ihdr = String.fromCharCode(png[12], png[13], png[14], png[15]);
  if (ihdr !== "IHDR") throw new Error("pngSize: first chunk is not IHDR");
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

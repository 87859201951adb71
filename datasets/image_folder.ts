/**
 * Class-per-folder image trees (ImageNet, ImageNet-100, any `imagefolder:PATH`).
 *
 * Layout: `PATH/train/<class>/*.{jpg,jpeg,png}` with `PATH/val/<class>/…` (or `test/`)
 * as the test split; or `PATH/<class>/…` alone, which is a single "train" split. Class
 * names are the sorted folder names of the train split; the test split must use the same
 * names. Images are decoded when a split is first loaded and resized to `imageSize`
 * (default 32) as a centre square, then held as uint8 (one copy).
 *
 * Unreadable-image policy: an image that fails to decode is **skipped**; after loading a
 * split, one warning line gives the number skipped and the first paths. If every image
 * of a split fails, loading fails with an error naming the folder. Files with other
 * extensions are ignored.
 *
 * Normalisation uses the ImageNet channel statistics (the standard for such trees).
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { type Dataset, fullSplit, type ImageShape, lazyDataset, type OpenOptions } from "./dataset.ts";
import { decodeImage, resizeCentreSquare } from "./image_decode.ts";
import { isDir, statOrNull } from "./files.ts";

const IMAGE_EXT = /\.(jpe?g|png)$/i;

/** ImageNet channel statistics. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
/** ImageNet channel standard deviations. */
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** The image files of one split: paths and labels, in a stable (sorted) order. */
export interface FolderListing {
  paths: string[];
  labels: Int32Array;
}

async function sortedEntries(dir: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e);
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Lists class folders of `dir` (optionally only `keep`) and their image files. */
async function listSplit(
  dir: string,
  classNames: readonly string[] | null,
  keep: ReadonlySet<string> | null,
): Promise<{ classNames: string[]; listing: FolderListing }> {
  const classes = (await sortedEntries(dir)).filter((e) => e.isDirectory && (!keep || keep.has(e.name)))
    .map((e) => e.name);
  const names = classNames ? [...classNames] : classes;
  const index = new Map(names.map((n, i) => [n, i]));
  const paths: string[] = [];
  const labels: number[] = [];
  for (const c of classes) {
    const label = index.get(c);
    if (label === undefined) {
      throw new UserError(
        `${join(dir, c)}: class folder not in the train split's classes; remove it or add it there`,
      );
    }
    for (const e of await sortedEntries(join(dir, c))) {
      if (e.isFile && IMAGE_EXT.test(e.name)) {
        paths.push(join(dir, c, e.name));
        labels.push(label);
      }
    }
  }
  return { classNames: names, listing: { paths, labels: Int32Array.from(labels) } };
}

/** Which sub-folders make the splits of an image-folder tree. */
export async function folderSplits(root: string): Promise<Record<string, string>> {
  const info = await statOrNull(root);
  if (!info?.isDirectory) throw new UserError(`${root}: no such folder (expected class-per-folder images)`);
  if (await isDir(join(root, "train"))) {
    const out: Record<string, string> = { train: join(root, "train") };
    for (const t of ["val", "test"]) {
      if (await isDir(join(root, t))) {
        out.test = join(root, t);
        break;
      }
    }
    return out;
  }
  return { train: root };
}

/**
 * Opens an image-folder tree. `keepClasses` restricts it to a fixed class list (e.g.
 * ImageNet-100); `name` is the dataset name used in records and messages.
 */
export async function openImageFolder(
  root: string,
  opts: OpenOptions = {},
  name = `imagefolder:${root}`,
  keepClasses: readonly string[] | null = null,
): Promise<Dataset> {
  const size = opts.imageSize ?? 32;
  if (!Number.isInteger(size) || size < 4 || size > 1024) {
    throw new UserError(`image size must be a whole number in 4..1024, got ${size}`);
  }
  const warn = opts.warn ?? ((line: string) => console.error(line));
  const dirs = await folderSplits(root);
  const keep = keepClasses ? new Set(keepClasses) : null;
  const train = await listSplit(dirs.train, null, keep);
  if (train.classNames.length === 0 || train.listing.paths.length === 0) {
    throw new UserError(
      `${dirs.train}: no images found (expected one folder per class holding .jpg, .jpeg or .png files)`,
    );
  }
  if (keepClasses) {
    const missing = keepClasses.filter((c) => !train.classNames.includes(c));
    if (missing.length) {
      throw new UserError(
        `${dirs.train}: ${missing.length} of the ${keepClasses.length} classes of ${name} are missing (first: ${
          missing.slice(0, 3).join(", ")
        })`,
      );
    }
  }
  const listings: Record<string, FolderListing> = { train: train.listing };
  if (dirs.test) listings.test = (await listSplit(dirs.test, train.classNames, keep)).listing;
  const shape: ImageShape = [size, size, 3];
  const load = (split: string) => async () => {
    const { paths, labels } = listings[split];
    const per = size * size * 3;
    let pixels = new Uint8Array(paths.length * per);
    const kept: number[] = [];
    const bad: string[] = [];
    for (let i = 0; i < paths.length; i++) {
      try {
        const img = decodeImage(await Deno.readFile(paths[i]));
        resizeCentreSquare(img, size, pixels, kept.length * per);
        kept.push(labels[i]);
      } catch (e) {
        if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) throw e;
        bad.push(paths[i]);
      }
    }
    if (kept.length === 0) {
      throw new UserError(
        `${dirs[split]}: none of the ${paths.length} images could be decoded (first: ${bad[0]})`,
      );
    }
    if (bad.length) {
      warn(
        `warning: ${name} ${split}: skipped ${bad.length} unreadable image(s) of ${paths.length}: ${
          bad.slice(0, 3).join(", ")
        }${bad.length > 3 ? ", …" : ""}`,
      );
      pixels = pixels.subarray(0, kept.length * per);
    }
    return fullSplit(split, shape, pixels, Int32Array.from(kept));
  };
  const splits: Record<string, number> = {};
  const loaders: Record<string, ReturnType<typeof load>> = {};
  for (const s of Object.keys(listings)) {
    splits[s] = listings[s].paths.length;
    loaders[s] = load(s);
  }
  return lazyDataset({
    name,
    where: root,
    splits,
    shape,
    channels: 3,
    classes: train.classNames.length,
    classNames: train.classNames,
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    statsSource: "ImageNet channel statistics",
  }, loaders);
}

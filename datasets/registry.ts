/**
 * Dataset names → loaders: the one place that knows every dataset the suite can open.
 *
 * Names: `embedded` (default), `cifar10-subset`, `fashion-mnist`, `cifar10`, `cifar100`,
 * `stl10`, `imagenet`, `imagenet100`, `imagefolder:PATH` (class-per-folder images), and
 * a path to a `.bin` file or a folder of them in CIFAR-10 binary layout (any name with a
 * `/`, or ending in `.bin`, or `cifar:PATH`).
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import type { Dataset, OpenOptions } from "./dataset.ts";
import { openEmbedded } from "./embedded.ts";
import { locateCifar10, locateCifar100, openCifar10, openCifar100 } from "./cifar.ts";
import { CIFAR10_SUBSET, cifar10SubsetDir, openCifarFile } from "./cifar_file.ts";
import { locateFashionMnist, openFashionMnist } from "./fashion_mnist.ts";
import { locateStl10, openStl10 } from "./stl10.ts";
import { openImageFolder } from "./image_folder.ts";
import { IMAGENET100_CLASSES } from "./imagenet100.ts";
import { DEFAULT_DATA_DIR, isDir, statOrNull } from "./files.ts";

/** The named datasets (plus the `imagefolder:PATH` and CIFAR-layout path forms). */
export const DATASET_NAMES = [
  "embedded",
  "cifar10-subset",
  "fashion-mnist",
  "cifar10",
  "cifar100",
  "stl10",
  "imagenet",
  "imagenet100",
] as const;

/** What a dataset name refers to. */
export type DatasetRef =
  | { kind: "named"; name: typeof DATASET_NAMES[number] }
  | { kind: "imagefolder"; path: string }
  | { kind: "cifar-file"; path: string };

/** Parses a dataset name; throws `UserError` listing the valid forms for an unknown one. */
export function parseDatasetName(name: string): DatasetRef {
  if ((DATASET_NAMES as readonly string[]).includes(name)) {
    return { kind: "named", name: name as typeof DATASET_NAMES[number] };
  }
  if (name.startsWith("imagefolder:")) {
    const path = name.slice("imagefolder:".length);
    if (!path) throw new UserError(`imagefolder: needs a folder, e.g. imagefolder:/data/imagenet100`);
    return { kind: "imagefolder", path };
  }
  if (name.startsWith("cifar:")) return { kind: "cifar-file", path: name.slice("cifar:".length) };
  if (name.includes("/") || name.includes("\\") || name.endsWith(".bin")) {
    return { kind: "cifar-file", path: name };
  }
  throw new UserError(
    `unknown dataset "${name}"; use one of ${DATASET_NAMES.join(", ")}, imagefolder:PATH, ` +
      `or a path to CIFAR-10-layout .bin files`,
  );
}

/** Where a dataset is on disk (or would be), without loading it. */
export interface DatasetLocation {
  name: string;
  present: boolean;
  /** The folder or file found, or "generated". */
  where: string | null;
  /** Every place looked in. */
  looked: string[];
}

async function imagenetRoot(name: "imagenet" | "imagenet100", opts: OpenOptions): Promise<DatasetLocation> {
  const base = opts.dataDir ?? DEFAULT_DATA_DIR;
  const looked = name === "imagenet100"
    ? [join(base, "imagenet100"), join(base, "imagenet")]
    : [join(base, "imagenet")];
  for (const d of looked) if (await isDir(d)) return { name, present: true, where: d, looked };
  return { name, present: false, where: null, looked };
}

/** Finds a dataset without loading it. */
export async function locateDataset(name: string, opts: OpenOptions = {}): Promise<DatasetLocation> {
  const ref = parseDatasetName(name);
  if (ref.kind !== "named") {
    const path = ref.path;
    const present = (await statOrNull(path)) !== null;
    return { name, present, where: present ? path : null, looked: [path] };
  }
  const fromDir = (r: { dir: string | null; looked: string[] }): DatasetLocation => ({
    name,
    present: r.dir !== null,
    where: r.dir,
    looked: r.looked,
  });
  switch (ref.name) {
    case "embedded":
      return { name, present: true, where: "generated", looked: [] };
    case "cifar10-subset": {
      const d = cifar10SubsetDir();
      const present = await isDir(d);
      return { name, present, where: present ? d : null, looked: [d] };
    }
    case "fashion-mnist":
      return fromDir(await locateFashionMnist(opts));
    case "cifar10":
      return fromDir(await locateCifar10(opts));
    case "cifar100":
      return fromDir(await locateCifar100(opts));
    case "stl10":
      return fromDir(await locateStl10(opts));
    case "imagenet":
    case "imagenet100":
      return imagenetRoot(ref.name, opts);
  }
}

/** Opens a dataset by name (see the module comment for the forms). */
export async function openDataset(name: string, opts: OpenOptions = {}): Promise<Dataset> {
  const ref = parseDatasetName(name);
  if (ref.kind === "imagefolder") return openImageFolder(ref.path, opts, name);
  if (ref.kind === "cifar-file") return openCifarFile(ref.path, name);
  switch (ref.name) {
    case "embedded":
      return openEmbedded({ seed: opts.embeddedSeed, sizes: opts.embeddedSizes });
    case "cifar10-subset": {
      const d = cifar10SubsetDir();
      if (!(await isDir(d))) {
        throw new UserError(
          `dataset ${CIFAR10_SUBSET} not found (looked in ${d}); it ships in the shared folder beside the project ` +
            `(../shared/data/cifar10-subset): restore it, or use cifar10 (\`deno task data:fetch cifar10\`)`,
        );
      }
      return openCifarFile(d, CIFAR10_SUBSET);
    }
    case "fashion-mnist":
      return openFashionMnist(opts);
    case "cifar10":
      return openCifar10(opts);
    case "cifar100":
      return openCifar100(opts);
    case "stl10":
      return openStl10(opts);
    case "imagenet":
    case "imagenet100": {
      const loc = await imagenetRoot(ref.name, opts);
      if (!loc.where) {
        throw new UserError(
          `dataset ${ref.name} not found (looked in ${
            loc.looked.join(", ")
          }); ImageNet cannot be downloaded ` +
            `automatically: put a class-per-folder copy (train/ and val/ with one folder per WordNet id) there, ` +
            `or use imagefolder:PATH`,
        );
      }
      const filter = ref.name === "imagenet100" && loc.where.endsWith("imagenet")
        ? IMAGENET100_CLASSES
        : null;
      return openImageFolder(loc.where, opts, ref.name, filter);
    }
  }
}

/**
 * Checking a sweep's data before its first cell: every dataset the cells read is opened
 * once (its files found, their headers and sizes read: the loaders' cheap checks) and
 * must offer the train and test splits a cell trains and evaluates on. A dataset that
 * fails is one {@link UserError} naming it and the reason, before anything is written,
 * instead of a failed record per cell.
 *
 * Pixels are not decoded here (each cell's worker does that); `deno task data verify`
 * parses every image.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import { openDataset } from "../datasets/registry.ts";
import type { CellConfig } from "../core/cell_config.ts";

/** The splits every cell reads. */
const CELL_SPLITS = ["train", "test"] as const;

/**
 * Opens each distinct dataset of `configs` (data folder `dataDir`, else `$AMCL_DATA`, as
 * the cells do) and checks it has non-empty train and test splits. The generated
 * `embedded` set is skipped: it has no files to read.
 */
export async function checkCellDatasets(configs: readonly CellConfig[], dataDir?: string): Promise<void> {
  const dir = dataDir ?? (Deno.env.get("AMCL_DATA") || undefined);
  for (const name of new Set(configs.map((c) => c.dataset))) {
    if (name === "embedded") continue;
    let splits: Readonly<Record<string, number>>;
    try {
      splits = (await openDataset(name, { dataDir: dir, warn: () => {} })).splits;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(`dataset ${name} cannot be read, no cell was run: ${e.message}`, e.exitCode);
    }
    const missing = CELL_SPLITS.filter((s) => !(splits[s] > 0));
    if (missing.length) {
      const has = Object.entries(splits).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
      throw new UserError(
        `dataset ${name} has no ${missing.join(" or ")} images (its splits: ${has}); every cell trains on ` +
          `train and evaluates on test (a CIFAR-layout folder needs a *test*.bin file beside the train files)`,
      );
    }
  }
}

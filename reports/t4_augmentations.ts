/**
 * T4 — multiple augmentations: baseline vs AMCL as the augmentation set grows
 * (a, ab, abc, abcd, abcde). Built for presets that vary `augs` (or are named "t4").
 *
 * @module
 */

import { applies, type BuildContext } from "./context.ts";
import { pairedTable } from "./paired_table.ts";
import type { Table } from "./table.ts";

/** Builds T4, or null when the preset does not vary the augmentation set. */
export function buildT4(ctx: BuildContext): Table | null {
  if (!applies(ctx, "T4", ["augs"])) return null;
  return pairedTable(ctx, {
    id: "T4",
    title: "Multiple augmentations: baseline vs AMCL as augmentation sets grow",
    axes: ["augs"],
  });
}

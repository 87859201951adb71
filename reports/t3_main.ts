/**
 * T3 — main result: linear-probe (and kNN) top-1 of baseline vs AMCL for every method ×
 * dataset (and any other field the preset varies), mean ± std over seeds, Δ, paired test.
 *
 * @module
 */

import type { BuildContext } from "./context.ts";
import { pairedTable } from "./paired_table.ts";
import type { Table } from "./table.ts";

/** Builds T3 for every preset with results (null without records). */
export function buildT3(ctx: BuildContext): Table | null {
  return pairedTable(ctx, {
    id: "T3",
    title: "Main result: baseline vs AMCL per method and dataset",
    axes: [],
  });
}

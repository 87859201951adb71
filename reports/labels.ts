/**
 * Series labels of figures: the variant and whatever else distinguishes a grid point
 * within its preset, with the collapse mark when its cells collapsed.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "../benchmarks/record.ts";
import { collapseNote } from "./collapse.ts";
import { describe } from "./grouping.ts";

/** "AMCL ⚠ collapsed 2/3 · tauMin=0.001" (fields = the preset's varying fields). */
export function seriesLabel(
  config: CellConfig,
  fields: ReadonlyArray<keyof CellConfig>,
  records: readonly CellRecord[] = [],
): string {
  const variant = config.variant === "amcl" ? "AMCL" : "baseline";
  const rest = describe(config, fields.filter((f) => f !== "variant" && f !== "seed"));
  const mark = config.variant === "amcl" ? collapseNote(records) : "";
  // The mark comes right after the variant, so a truncated legend label still shows it.
  return [variant, mark].filter(Boolean).join(" ") + (rest ? ` · ${rest}` : "");
}

/** "1 head" / "3 heads". */
export function headsText(heads: number): string {
  return heads === 1 ? "1 head" : `${heads} heads`;
}

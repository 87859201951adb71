/**
 * The temperature-collapse mark (spec amcl.md §8). A cell is marked when its record's
 * collapse flag is set or any epoch of its curve says the temperatures collapsed. Every
 * table and figure that shows such a cell shows {@link COLLAPSE_MARK} beside it.
 *
 * @module
 */

import type { CellRecord } from "../benchmarks/record.ts";

/** The visible mark next to a collapsed AMCL value (text; styled in HTML). */
export const COLLAPSE_MARK = "⚠ collapsed";

/** True when the cell's temperatures collapsed to tauMin (at the end or during training). */
export function isCollapsed(r: CellRecord): boolean {
  if (r.collapse?.temperature === true) return true;
  return r.curves.some((p) => p.collapsed === true);
}

/** "⚠ collapsed k/n" for a set of seeds of one grid point, or "" when none collapsed. */
export function collapseNote(records: readonly CellRecord[]): string {
  const k = records.filter(isCollapsed).length;
  return k === 0 ? "" : `${COLLAPSE_MARK} ${k}/${records.length}`;
}

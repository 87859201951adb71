/**
 * From a grid point's records to one plotted value: mean ± sample std over seeds of a
 * per-record value, with the seed count and the collapse count.
 *
 * @module
 */

import type { CellRecord } from "../benchmarks/record.ts";
import { isCollapsed } from "./collapse.ts";
import { summarize } from "./stats.ts";

/** Mean, band (mean ± std) and counts over seeds; null when no record has the value. */
export interface SeedValue {
  mean: number;
  std: number;
  lo: number;
  hi: number;
  n: number;
  /** "k/n" when k of the n records collapsed, else "". */
  collapsed: string;
}

/** Summarises `value(r)` over `records` (records without it are skipped). */
export function overSeeds(
  records: readonly CellRecord[],
  value: (r: CellRecord) => number | undefined,
): SeedValue | null {
  const have = records.filter((r) => {
    const v = value(r);
    return v !== undefined && Number.isFinite(v);
  });
  if (have.length === 0) return null;
  const s = summarize(have.map((r) => value(r)!));
  const k = have.filter(isCollapsed).length;
  return {
    mean: s.mean,
    std: s.std,
    lo: s.mean - s.std,
    hi: s.mean + s.std,
    n: s.n,
    collapsed: k > 0 ? `${k}/${have.length}` : "",
  };
}

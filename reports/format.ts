/**
 * Number formats shared by the tables: "mean ± std", signed deltas, p-values, bytes.
 *
 * @module
 */

import type { Summary } from "./stats.ts";

/** "81.23 ± 0.31" (std omitted for one seed: "81.23 (1 seed)"); "—" when empty. */
export function meanStd(s: Summary | null | undefined, digits = 2): string {
  if (!s || s.n === 0 || Number.isNaN(s.mean)) return "—";
  if (s.n === 1) return `${s.mean.toFixed(digits)} (1 seed)`;
  return `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
}

/** "+1.20" / "−0.35" (a real minus sign); "—" for NaN. */
export function signed(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  const s = Math.abs(v).toFixed(digits);
  return v > 0 ? `+${s}` : v < 0 && Number(s) !== 0 ? `−${s}` : s;
}

/** p-value text: "0.031", "<0.001", "—". */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return "—";
  return p < 0.001 ? "<0.001" : p.toFixed(3);
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "—";
  return (bytes / 2 ** 20).toFixed(1);
}

/** A parameter count as "11.17 M" / "33.0 k" / "512". */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

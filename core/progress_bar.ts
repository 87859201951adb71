/**
 * The one progress bar of the suite's terminals: a sweep's cells and epochs
 * (benchmarks/progress.ts) and a download (datasets/fetch.ts).
 *
 * @module
 */

/** A bar `width` characters wide, `frac` (clamped to 0…1) of it filled: `████░░░░`. */
export function progressBar(frac: number, width: number): string {
  const n = Math.max(0, Math.min(width, Math.round((Number.isFinite(frac) ? frac : 0) * width)));
  return "█".repeat(n) + "░".repeat(width - n);
}

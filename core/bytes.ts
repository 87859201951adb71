/**
 * Byte counts for people: decimal units (kB, MB, GB), as download sizes are published.
 *
 * @module
 */

/** `bytes` as "512 B", "1.5 kB", "170.5 MB" or "1.23 GB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

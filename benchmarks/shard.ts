/**
 * Deterministic sharding: `--shard i/n` (0 ≤ i < n) takes every n-th cell of the grid,
 * starting at the i-th, so shards are disjoint, cover the grid, and mix seeds and variants
 * evenly. The grid order itself is deterministic, so every machine computes the same split.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";

/** A shard: index (0-based) and count. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (0-based i). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UserError(`--shard ${text}: expected i/n with 0 ≤ i < n, e.g. --shard 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) {
    throw new UserError(
      `--shard ${text}: the index must be in 0..${Math.max(0, count - 1)} (shards are 0-based)`,
    );
  }
  return { index, count };
}

/** The cells of shard `s` (an error when there are fewer cells than shards). */
export function shardCells<T>(cells: T[], s: Shard): T[] {
  if (s.count > cells.length) {
    throw new UserError(
      `${s.count} shards but only ${cells.length} cells; use at most ${cells.length} shards`,
    );
  }
  return cells.filter((_, k) => k % s.count === s.index);
}

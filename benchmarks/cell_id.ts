/**
 * Stable cell ids: the SHA-256 of the canonical JSON of a resolved configuration (object
 * keys sorted at every level, so key order never matters), shortened to 16 hex digits.
 *
 * Custom on purpose: stored results are found by these ids, so the canonical form must never
 * change with a library's update.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { CellConfig } from "../core/cell_config.ts";

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Error(`cannot hash a non-finite number (${value})`);
  }
  return value;
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The stable id of a cell: 16 hex digits of the hash of its canonical configuration. */
export function cellId(config: CellConfig): string {
  return sha256(canonicalJson(config)).slice(0, 16);
}

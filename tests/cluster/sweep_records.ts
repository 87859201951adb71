/**
 * Reading a sweep folder's cell records for comparison: two runs of one sweep with the
 * same seeds must agree on every cell's configuration, status, metrics, curves,
 * temperatures, similarity and collapse analysis and parameter counts; only timings,
 * memory and the environment (host, dates) may differ.
 *
 * @module
 */
import type { CellRecord } from "../../benchmarks/record.ts";

/** The cell records of `out/cells/*.json`, by id. */
export async function readCells(out: string): Promise<Map<string, CellRecord>> {
  const cells = new Map<string, CellRecord>();
  for await (const e of Deno.readDir(`${out}/cells`)) {
    if (!e.isFile || !e.name.endsWith(".json")) continue;
    const r = JSON.parse(await Deno.readTextFile(`${out}/cells/${e.name}`)) as CellRecord;
    cells.set(r.id, r);
  }
  return cells;
}

/** The part of a record that a rerun with the same seeds must reproduce exactly. */
export function reproducible(r: CellRecord): unknown {
  return {
    id: r.id,
    preset: r.preset,
    config: r.config,
    status: r.status,
    error: r.error ?? null,
    metrics: r.metrics,
    curves: r.curves.map(({ imagesPerSec: _speed, ...rest }) => rest),
    temperatures: r.temperatures ?? null,
    similarity: r.similarity ?? null,
    collapse: r.collapse ?? null,
    params: r.cost?.params ?? null,
    backend: r.env?.backend ?? null,
  };
}

/**
 * A planned sweep: the preset resolved at a scale with the command-line overrides, its
 * cells, and the manifest that identifies it (the same on every shard and machine).
 *
 * @module
 */
import type { Catalog } from "./grid_catalog.ts";
import { type Cell, expandGrid } from "./grid.ts";
import { loadPreset, type Overrides, parseOverrides, type Preset } from "./preset.ts";
import type { Scale } from "./settings.ts";
import type { Manifest } from "./store.ts";
import { canonicalJson, sha256 } from "./cell_id.ts";

/** What to sweep (as the command line says it). */
export interface SweepRequest {
  /** Built-in preset name or JSON file. */
  preset: string;
  scale: Scale;
  /** `--set key=value` flags. */
  sets: string[];
  /** `--seeds` text. */
  seeds?: string;
  /** `--dataset` (a shorthand for `--set dataset=…`). */
  dataset?: string;
}

/** A planned sweep. */
export interface Sweep {
  preset: Preset;
  scale: Scale;
  overrides: Overrides;
  cells: Cell[];
  configHash: string;
}

/** Resolves a request into its cells. */
export async function planSweep(req: SweepRequest, catalog: Catalog): Promise<Sweep> {
  const preset = await loadPreset(req.preset, catalog);
  const sets = req.dataset !== undefined ? [...req.sets, `dataset=${req.dataset}`] : req.sets;
  const overrides = parseOverrides(sets, catalog, req.seeds);
  const cells = expandGrid(preset, req.scale, overrides, catalog);
  const configHash = sha256(
    canonicalJson({ preset: preset.name, scale: req.scale, cells: cells.map((c) => c.id).sort() }),
  ).slice(0, 16);
  return { preset, scale: req.scale, overrides, cells, configHash };
}

/** The manifest of a sweep. */
export function sweepManifest(s: Sweep, codeVersion: string): Manifest {
  return {
    schema: 1,
    preset: s.preset.name,
    scale: s.scale,
    configHash: s.configHash,
    codeVersion,
    cells: s.cells.map((c) => c.id),
    createdAt: new Date().toISOString(),
  };
}

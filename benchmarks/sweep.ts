/**
 * A planned sweep: the preset resolved at a scale with the command-line overrides, its
 * cells, and the manifest that identifies it (the same on every shard and machine). A suite
 * (`paper-cpu`) plans every member and runs each distinct cell once; the manifest records
 * which cells each member owns, and the request itself, so the sweep can be re-planned later
 * to tell whether stored records still match the code's configuration.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { Catalog } from "./grid_catalog.ts";
import { type Cell, expandGrid } from "./grid.ts";
import { loadPreset, type Overrides, parseOverrides, type Preset } from "./preset.ts";
import type { Scale } from "./settings.ts";
import type { Manifest } from "./store.ts";
import { canonicalJson, sha256 } from "./cell_id.ts";
import { expandSuite, type MemberCells } from "./suite.ts";

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
  /** A suite's members and the ids of their cells. */
  members?: MemberCells[];
  /** The request it was planned from. */
  request: SweepRequest;
}

/** Resolves a request into its cells. */
export async function planSweep(req: SweepRequest, catalog: Catalog): Promise<Sweep> {
  const preset = await loadPreset(req.preset, catalog);
  const sets = req.dataset !== undefined ? [...req.sets, `dataset=${req.dataset}`] : req.sets;
  const overrides = parseOverrides(sets, catalog, req.seeds);
  if (preset.scale !== undefined && preset.scale !== req.scale) {
    throw new UserError(
      `preset ${preset.name} is sized for --scale ${preset.scale}; at ${req.scale} scale run its members ` +
        `(${(preset.members ?? []).map((m) => m.preset.name).join(", ")}) one by one`,
    );
  }
  const suite = preset.members ? expandSuite(preset, req.scale, overrides, catalog) : undefined;
  const cells = suite ? suite.cells : expandGrid(preset, req.scale, overrides, catalog);
  const members = suite?.members;
  const configHash = sha256(
    canonicalJson({
      preset: preset.name,
      scale: req.scale,
      cells: cells.map((c) => c.id).sort(),
      // Only suites carry members, so plain presets keep the hash they always had.
      ...(members ? { members: members.map((m) => ({ preset: m.preset, cells: [...m.cells].sort() })) } : {}),
    }),
  ).slice(0, 16);
  return { preset, scale: req.scale, overrides, cells, configHash, members, request: req };
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
    ...(s.members ? { members: s.members } : {}),
    request: {
      preset: s.request.preset,
      scale: s.request.scale,
      sets: s.request.sets,
      ...(s.request.seeds !== undefined ? { seeds: s.request.seeds } : {}),
      ...(s.request.dataset !== undefined ? { dataset: s.request.dataset } : {}),
    },
    createdAt: new Date().toISOString(),
  };
}

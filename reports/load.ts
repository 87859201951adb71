/**
 * Loading a run's stored results: `OUT/cells/*.json` (one {@link CellRecord} each) and
 * `OUT/manifest.json` (the grid's list of expected cells, when present). Reports read
 * nothing else. Bad input (missing folder, no results, another record schema, broken
 * JSON) becomes a {@link UserError} naming the problem and the fix.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import { type CellRecord, RECORD_SCHEMA } from "../benchmarks/record.ts";
import { UserError } from "../core/errors.ts";
import { REQUIRED_FIELDS } from "./config_fields.ts";

/** A cell the manifest expects but for which no record is stored. */
export interface MissingCell {
  id: string;
  /** Its configuration, when the manifest lists it. */
  config?: CellConfig;
  preset?: string;
}

/**
 * What reports read from `manifest.json`. The grid runner owns the file; reports read
 * only these fields and ignore the rest: `preset` (string or list), `scale`, the
 * expected cells as `cells` (ids, or objects with `id` and optionally `config`/`preset`)
 * or `cellIds`, a suite's `members` and the `codeVersion`.
 */
export interface RunManifest {
  presets: string[];
  scale?: string;
  expected: MissingCell[];
  /** A suite's members (`members`: preset, artefacts, cell ids); absent for a plain preset. */
  members?: ManifestMember[];
  /** The code that planned the sweep (`codeVersion`, "VERSION+COMMIT12"), when stored. */
  codeVersion?: string;
  /** The manifest as stored, for the page's "run" section. */
  raw: Record<string, unknown>;
}

/** One member preset of a suite run and the ids of its cells. */
export interface ManifestMember {
  preset: string;
  artefacts: string[];
  cells: string[];
}

/** Everything a report is built from. */
export interface RunData {
  outDir: string;
  /** Records of finished cells (status "done"), sorted by id. */
  records: CellRecord[];
  /** Records of failed cells. */
  failed: CellRecord[];
  manifest: RunManifest | null;
  /** Cells the manifest expects that have no record at all. */
  missing: MissingCell[];
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Checks the shape of one parsed record; throws a UserError naming the file and the field. */
export function validateRecord(raw: unknown, where: string): CellRecord {
  const r = raw as Record<string, unknown>;
  if (!r || typeof r !== "object" || Array.isArray(r)) {
    throw new UserError(`${where}: not a cell record (expected a JSON object); remove it or re-run the cell`);
  }
  if (r.schema !== RECORD_SCHEMA) {
    throw new UserError(
      `${where}: record schema ${JSON.stringify(r.schema ?? null)} but this version of the reports reads ` +
        `schema ${RECORD_SCHEMA}; re-run the grid with this version (or report with the version that wrote it)`,
    );
  }
  const need: Array<[string, (v: unknown) => boolean]> = [
    ["id", (v) => typeof v === "string" && v.length > 0],
    ["preset", (v) => typeof v === "string"],
    ["config", (v) => !!v && typeof v === "object"],
    ["status", (v) => v === "done" || v === "failed"],
    ["metrics", (v) => !!v && typeof v === "object"],
    ["curves", (v) => Array.isArray(v)],
    ["cost", (v) => !!v && typeof v === "object"],
    ["env", (v) => !!v && typeof v === "object"],
  ];
  for (const [key, ok] of need) {
    if (!ok(r[key])) {
      throw new UserError(
        `${where}: field "${key}" is missing or malformed; the record is damaged, re-run the cell`,
      );
    }
  }
  const c = r.config as Record<string, unknown>;
  for (const key of REQUIRED_FIELDS) {
    if (c[key] === undefined) {
      throw new UserError(`${where}: config.${key} is missing; the record is damaged, re-run the cell`);
    }
  }
  return r as unknown as CellRecord;
}

/** Parses `manifest.json` leniently (see {@link RunManifest}). */
export function parseManifest(raw: unknown, where: string): RunManifest {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`${where}: not a JSON object; remove it or re-run the grid to rewrite it`);
  }
  const m = raw as Record<string, unknown>;
  const presets = typeof m.preset === "string"
    ? [m.preset]
    : Array.isArray(m.preset)
    ? m.preset.filter((p): p is string => typeof p === "string")
    : Array.isArray(m.presets)
    ? m.presets.filter((p): p is string => typeof p === "string")
    : [];
  const list = Array.isArray(m.cells) ? m.cells : Array.isArray(m.cellIds) ? m.cellIds : [];
  const expected: MissingCell[] = [];
  for (const item of list) {
    if (typeof item === "string") expected.push({ id: item });
    else if (item && typeof item === "object" && typeof (item as { id?: unknown }).id === "string") {
      const it = item as { id: string; config?: CellConfig; preset?: unknown };
      expected.push({
        id: it.id,
        config: it.config && typeof it.config === "object" ? it.config : undefined,
        preset: typeof it.preset === "string" ? it.preset : undefined,
      });
    }
  }
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const members = Array.isArray(m.members)
    ? m.members
      .filter((x): x is Record<string, unknown> =>
        !!x && typeof x === "object" && typeof x.preset === "string"
      )
      .map((x) => ({ preset: x.preset as string, artefacts: strings(x.artefacts), cells: strings(x.cells) }))
    : undefined;
  return {
    presets,
    scale: typeof m.scale === "string" ? m.scale : undefined,
    expected,
    ...(members ? { members } : {}),
    ...(typeof m.codeVersion === "string" ? { codeVersion: m.codeVersion } : {}),
    raw: m,
  };
}

/** Reads every record of the run in `outDir`; partial runs load what exists. */
export async function loadRun(outDir: string): Promise<RunData> {
  const info = await statOrNull(outDir);
  if (!info) {
    throw new UserError(
      `results folder "${outDir}" does not exist; run \`deno task bench --out ${outDir}\` first or pass the right --in`,
    );
  }
  if (!info.isDirectory) {
    throw new UserError(`"${outDir}" is not a folder; pass the run's output folder with --in`);
  }
  const cellsDir = join(outDir, "cells");
  const records: CellRecord[] = [];
  const failed: CellRecord[] = [];
  if (await statOrNull(cellsDir)) {
    const names: string[] = [];
    for await (const e of Deno.readDir(cellsDir)) {
      if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
    }
    names.sort();
    for (const name of names) {
      const path = join(cellsDir, name);
      let parsed: unknown;
      try {
        parsed = JSON.parse(await Deno.readTextFile(path));
      } catch (e) {
        if (e instanceof SyntaxError) {
          throw new UserError(`${path}: not valid JSON (${e.message}); delete it and re-run that cell`);
        }
        throw e;
      }
      const rec = validateRecord(parsed, path);
      (rec.status === "done" ? records : failed).push(rec);
    }
  }
  const manifestPath = join(outDir, "manifest.json");
  let manifest: RunManifest | null = null;
  if (await statOrNull(manifestPath)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await Deno.readTextFile(manifestPath));
    } catch (e) {
      if (e instanceof SyntaxError) {
        throw new UserError(`${manifestPath}: not valid JSON (${e.message}); re-run the grid to rewrite it`);
      }
      throw e;
    }
    manifest = parseManifest(parsed, manifestPath);
  }
  if (records.length === 0 && failed.length === 0) {
    throw new UserError(
      `no results in "${cellsDir}" (no cells/*.json); run \`deno task bench --out ${outDir}\` first`,
    );
  }
  const stored = new Set([...records, ...failed].map((r) => r.id));
  const missing = manifest ? manifest.expected.filter((c) => !stored.has(c.id)) : [];
  return { outDir, records, failed, manifest, missing };
}

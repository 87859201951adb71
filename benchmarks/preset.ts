/**
 * Presets: data that names the axes a sweep crosses and the settings it fixes, per scale.
 *
 * A preset (built-in object or user JSON file) has:
 * - `name`, `description`, `artefacts` (paper table/figure ids it regenerates);
 * - `fixed`: settings with one value each (`{"epochs": 5}`; a list setting takes a list);
 * - `grid`: axes, each a list of values (`{"heads": [1, 3]}`; for list settings each value
 *   is a list or a number: `{"labelsPerClass": [[10, 20], [50]]}`);
 * - `cases`: optional list of sub-grids; the cells are the union over cases of the
 *   Cartesian product of grid ∪ case (a case value may be a single value or a list);
 * - `seeds`: the seeds every grid point runs with;
 * - `scales.cpu` / `scales.paper`: the same four keys, applied at that scale only.
 *
 * Layers apply in this order, a later one replacing a key: `fixed`, `grid`,
 * `scales.S.fixed`, `scales.S.grid`, the case, then `--set key=value` overrides.
 *
 * A **suite** (e.g. `paper-cpu`) names built-in presets as `members` instead of a grid, each
 * with a layer that resizes it (see `suite.ts`); its optional `fixed` and `seeds` apply to
 * every member first, and `scale` names the one scale its sizes are meant for.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { Catalog } from "./grid_catalog.ts";
import { BUILTIN_PRESETS, builtinPreset } from "./presets/mod.ts";
import {
  checkValue,
  isListSetting,
  isSettingKey,
  parseSetValues,
  type Scale,
  SCALES,
  type SettingValue,
  unknownKeyMessage,
} from "./settings.ts";

/** One layer of a preset (top level or one scale). */
export interface PresetLayer {
  fixed?: Record<string, SettingValue>;
  grid?: Record<string, SettingValue[]>;
  cases?: Array<Record<string, SettingValue | SettingValue[]>>;
  seeds?: number[];
}

/** One member of a suite as written: a built-in preset and the layer that resizes it. */
export interface MemberInput extends PresetLayer {
  /** Name of a built-in preset (not a suite). */
  preset: string;
}

/** A preset as written (built-in object or parsed JSON). */
export interface PresetInput extends PresetLayer {
  name: string;
  description?: string;
  artefacts?: string[];
  scales?: Partial<Record<Scale, PresetLayer>>;
  /** A suite's member presets (no `grid`, `cases` or `scales` of its own then). */
  members?: MemberInput[];
  /** The only scale a suite's sizes are meant for. */
  scale?: Scale;
}

/** A validated suite member. */
export interface Member {
  /** The member's own preset, validated. */
  preset: Preset;
  /** Its resizing layer (replaces the preset's keys at the suite's scale). */
  layer: ValidLayer;
  /** Key path, for messages ("members[2]"). */
  where: string;
}

/** A validated preset: every case value is a list of values. */
export interface Preset {
  name: string;
  description: string;
  artefacts: string[];
  /** Where it came from ("built-in" or a file path), for error messages. */
  source: string;
  top: ValidLayer;
  scales: Record<Scale, ValidLayer>;
  /** Set for a suite: its members, in order. */
  members?: Member[];
  /** Set for a suite that is sized for one scale only. */
  scale?: Scale;
}

/** A value list with the path it came from. */
export interface Sourced {
  values: SettingValue[];
  where: string;
}

/** A validated layer: key → values (with their key paths), cases, seeds. */
export interface ValidLayer {
  fixed: Record<string, Sourced>;
  grid: Record<string, Sourced>;
  cases?: Array<Record<string, Sourced>>;
  seeds?: number[];
  seedsWhere?: string;
}

const TOP_KEYS = [
  "name",
  "description",
  "artefacts",
  "fixed",
  "grid",
  "cases",
  "seeds",
  "scales",
  "members",
  "scale",
];
const LAYER_KEYS = ["fixed", "grid", "cases", "seeds"];
const MEMBER_KEYS = ["preset", ...LAYER_KEYS];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function checkSeeds(v: unknown, where: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)) {
    throw new UserError(`${where}: seeds must be a non-empty list of integers ≥ 0, e.g. [0, 1, 2]`);
  }
  if (new Set(v).size !== v.length) throw new UserError(`${where}: seeds must not repeat`);
  return [...v] as number[];
}

function checkKey(key: string, where: string): void {
  if (key === "scale" || key === "seed") {
    throw new UserError(`${where}: "${key}" is not a setting; use --scale / the "seeds" list`);
  }
  if (!isSettingKey(key)) throw new UserError(unknownKeyMessage(where, key));
}

function checkAxis(key: string, raw: unknown, where: string, catalog: Catalog, single: boolean): Sourced {
  checkKey(key, where);
  let list: unknown[];
  if (single) list = [raw];
  else if (Array.isArray(raw)) list = raw;
  else throw new UserError(`${where}: an axis takes a list of values, e.g. [${JSON.stringify(raw)}]`);
  if (list.length === 0) throw new UserError(`${where}: an axis needs at least one value`);
  const values = list.map((v, i) => checkValue(key, v, single ? where : `${where}[${i}]`, catalog));
  return { values, where };
}

function checkLayer(raw: Record<string, unknown>, path: string, catalog: Catalog): ValidLayer {
  const out: ValidLayer = { fixed: {}, grid: {} };
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (raw.fixed !== undefined) {
    if (!isObject(raw.fixed)) throw new UserError(`${at("fixed")}: expected an object of settings`);
    for (const [k, v] of Object.entries(raw.fixed)) {
      out.fixed[k] = checkAxis(k, v, `${at("fixed")}.${k}`, catalog, true);
    }
  }
  if (raw.grid !== undefined) {
    if (!isObject(raw.grid)) throw new UserError(`${at("grid")}: expected an object of axes`);
    for (const [k, v] of Object.entries(raw.grid)) {
      out.grid[k] = checkAxis(k, v, `${at("grid")}.${k}`, catalog, false);
    }
  }
  if (raw.cases !== undefined) {
    if (!Array.isArray(raw.cases) || raw.cases.length === 0) {
      throw new UserError(`${at("cases")}: expected a non-empty list of sub-grids`);
    }
    out.cases = raw.cases.map((c, i) => {
      const where = `${at("cases")}[${i}]`;
      if (!isObject(c)) throw new UserError(`${where}: expected an object of settings`);
      const layer: Record<string, Sourced> = {};
      for (const [k, v] of Object.entries(c)) {
        // A case value is one value, or a list of values (for list settings: a list of lists).
        const single = isListSetting(k) ? !(Array.isArray(v) && v.some(Array.isArray)) : !Array.isArray(v);
        layer[k] = checkAxis(k, v, `${where}.${k}`, catalog, single);
      }
      return layer;
    });
  }
  if (raw.seeds !== undefined) {
    out.seeds = checkSeeds(raw.seeds, at("seeds"));
    out.seedsWhere = at("seeds");
  }
  return out;
}

/**
 * Validates a preset (parsed JSON or a built-in object). `source` names the file (or
 * "built-in") in every error message, with the key path of the offending value.
 */
export function validatePreset(raw: unknown, source: string, catalog: Catalog): Preset {
  const fail = (msg: string): never => {
    throw new UserError(`preset ${source}: ${msg}`);
  };
  if (!isObject(raw)) fail("expected a JSON object with name, fixed, grid, seeds, scales");
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!TOP_KEYS.includes(k)) fail(`unknown key "${k}"; allowed: ${TOP_KEYS.join(", ")}`);
  }
  if (typeof obj.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(obj.name)) {
    fail(`"name" must be a non-empty name of letters, digits, ".", "_" or "-"`);
  }
  if (obj.description !== undefined && typeof obj.description !== "string") {
    fail(`"description" must be a string`);
  }
  if (
    obj.artefacts !== undefined &&
    (!Array.isArray(obj.artefacts) || !obj.artefacts.every((a) => typeof a === "string"))
  ) {
    fail(`"artefacts" must be a list of table/figure ids like ["T3"]`);
  }
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`preset ${source}: ${e.message}`);
      throw e;
    }
  };
  const top = wrap(() => checkLayer(obj, "", catalog));
  const scales = {} as Record<Scale, ValidLayer>;
  if (obj.scales !== undefined && !isObject(obj.scales)) {
    fail(`"scales" must be an object with cpu and/or paper`);
  }
  const rawScales = (obj.scales ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(rawScales)) {
    if (!(SCALES as readonly string[]).includes(k)) {
      fail(`scales.${k}: unknown scale; allowed: ${SCALES.join(", ")}`);
    }
  }
  for (const s of SCALES) {
    const layer = rawScales[s];
    if (layer === undefined) {
      scales[s] = { fixed: {}, grid: {} };
      continue;
    }
    if (!isObject(layer)) fail(`scales.${s}: expected an object with ${LAYER_KEYS.join(", ")}`);
    for (const k of Object.keys(layer as object)) {
      if (!LAYER_KEYS.includes(k)) fail(`scales.${s}: unknown key "${k}"; allowed: ${LAYER_KEYS.join(", ")}`);
    }
    scales[s] = wrap(() => checkLayer(layer as Record<string, unknown>, `scales.${s}`, catalog));
  }
  const preset: Preset = {
    name: obj.name as string,
    description: (obj.description as string | undefined) ?? "",
    artefacts: (obj.artefacts as string[] | undefined) ?? [],
    source,
    top,
    scales,
  };
  if (obj.scale !== undefined) {
    if (!(SCALES as readonly unknown[]).includes(obj.scale)) {
      fail(`"scale" must be one of ${SCALES.join(", ")}`);
    }
    if (obj.members === undefined) fail(`"scale" belongs to a suite (a preset with "members")`);
    preset.scale = obj.scale as Scale;
  }
  if (obj.members !== undefined) {
    for (const k of ["grid", "cases", "scales"]) {
      if (obj[k] !== undefined) fail(`a suite ("members") takes no "${k}"; give each member its own layer`);
    }
    preset.members = checkMembers(obj.members, fail, wrap, catalog);
    if (preset.artefacts.length === 0) {
      preset.artefacts = [...new Set(preset.members.flatMap((m) => m.preset.artefacts))];
    }
  }
  return preset;
}

function checkMembers(
  raw: unknown,
  fail: (msg: string) => never,
  wrap: <T>(f: () => T) => T,
  catalog: Catalog,
): Member[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    fail(`"members" must be a non-empty list of {"preset": NAME, ...}`);
  }
  const members = (raw as unknown[]).map((m, i): Member => {
    const where = `members[${i}]`;
    if (!isObject(m)) return fail(`${where}: expected an object like {"preset": "t3", "fixed": {...}}`);
    for (const k of Object.keys(m)) {
      if (!MEMBER_KEYS.includes(k)) fail(`${where}: unknown key "${k}"; allowed: ${MEMBER_KEYS.join(", ")}`);
    }
    const input = typeof m.preset === "string" ? builtinPreset(m.preset) : undefined;
    if (!input) {
      fail(
        `${where}.preset: ${JSON.stringify(m.preset)} is not a built-in preset; use one of ` +
          BUILTIN_PRESETS.filter((p) => !p.members).map((p) => p.name).join(", "),
      );
    }
    if (input!.members) fail(`${where}.preset: "${input!.name}" is a suite; a suite's members are presets`);
    const preset = validatePreset(input, `${input!.name} (built-in)`, catalog);
    return { preset, layer: wrap(() => checkLayer(m, where, catalog)), where };
  });
  const names = members.map((m) => m.preset.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) fail(`members: "${twice}" is named twice; give it one layer`);
  return members;
}

/** Command-line overrides: `--set key=value` layers and an optional seed list. */
export interface Overrides {
  layer: Record<string, Sourced>;
  seeds?: number[];
}

/** Parses a seed list: "0,1,2", "0-4", or a count "3" (= seeds 0, 1, 2). */
export function parseSeeds(text: string, where: string): number[] {
  const t = text.trim();
  let seeds: number[] = [];
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1) throw new UserError(`${where}: ask for at least 1 seed (e.g. 3 = seeds 0,1,2)`);
    seeds = Array.from({ length: n }, (_, i) => i);
  } else {
    for (const part of t.split(",")) {
      const p = part.trim();
      if (p === "") continue;
      const range = /^(\d+)-(\d+)$/.exec(p);
      if (range) {
        const [a, b] = [Number(range[1]), Number(range[2])];
        if (b < a) throw new UserError(`${where}: empty seed range "${p}"`);
        for (let s = a; s <= b; s++) seeds.push(s);
      } else if (/^\d+$/.test(p)) seeds.push(Number(p));
      else {
        throw new UserError(
          `${where}: "${text}" is not a seed list; use a count (3), a list (0,1,2) or a range (0-4)`,
        );
      }
    }
  }
  return checkSeeds([...new Set(seeds)], where);
}

/** Parses `--set key=value` flags (and `--seeds`) into overrides. */
export function parseOverrides(sets: string[], catalog: Catalog, seedsFlag?: string): Overrides {
  const out: Overrides = { layer: {} };
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UserError(`--set ${s}: expected key=value, e.g. --set epochs=5`);
    const key = s.slice(0, eq).trim();
    const text = s.slice(eq + 1);
    const where = `--set ${key}`;
    if (key === "seeds") {
      out.seeds = parseSeeds(text, where);
      continue;
    }
    checkKey(key, where);
    out.layer[key] = { values: parseSetValues(key, text, where, catalog), where };
  }
  if (seedsFlag !== undefined) out.seeds = parseSeeds(seedsFlag, "--seeds");
  return out;
}

/** Reads a preset JSON file, with clear errors for a missing file and invalid JSON. */
export async function readPresetFile(path: string, catalog: Catalog): Promise<Preset> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UserError(`preset file ${path} not found`);
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`preset file ${path} is not valid JSON (${(e as Error).message}); fix the file`);
  }
  return validatePreset(raw, path, catalog);
}

/**
 * Finds a preset by built-in name or JSON file path (a value ending in `.json` or naming
 * an existing file). Unknown names list the built-in presets.
 */
export async function loadPreset(ref: string, catalog: Catalog): Promise<Preset> {
  const builtin = builtinPreset(ref);
  if (builtin) return validatePreset(builtin, `${ref} (built-in)`, catalog);
  let isFile = ref.endsWith(".json");
  if (!isFile) {
    try {
      isFile = (await Deno.stat(ref)).isFile;
    } catch {
      isFile = false;
    }
  }
  if (isFile) return await readPresetFile(ref, catalog);
  throw new UserError(
    `unknown preset "${ref}"; built-in presets: ${BUILTIN_PRESETS.map((p) => p.name).join(", ")}` +
      ` (or pass a preset JSON file)`,
  );
}
